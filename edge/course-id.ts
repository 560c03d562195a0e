/**
 * Course and lesson ids end up inside CloudFront policies (Resource), cookie paths and S3 keys,
 * so they are checked against one strict pattern before they touch any of those: lowercase
 * letters, digits and inner hyphens, 1-64 characters. No `*`, `?`, `/`, `.` or `%` can pass,
 * which is what keeps a policy for one course from matching another's files.
 */
export const ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export function isCourseId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

export const isLessonId = isCourseId;
