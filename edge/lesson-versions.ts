/**
 * Which version folders of a lesson may be served: the contract between the pipeline, which
 * writes it into the lesson map (the CloudFront KeyValueStore; locally its import file), and
 * the viewer-request function, which reads it for every request into a version folder.
 *
 * Key `<course>/<lesson>/versions` (lesson ids hold no `/`, so it never meets a next-lesson
 * key). Value: space-separated versions, the published one first; a version being replaced
 * carries `@<epoch seconds>`, the moment it stops being served, so players that loaded the old
 * master just before a republish finish their lesson. Anything else under the lesson (old,
 * failed or half-made versions) is refused even to enrolled students.
 *
 * Bundled into the CloudFront Function: written in the cloudfront-js-2.0 subset (see
 * edge/viewer-request/core.ts).
 */

/** How long a replaced version stays readable after a republish: longer than any lesson. */
export const REPLACED_VERSION_GRACE_SECONDS = 6 * 3600;

const VERSION_PATTERN = /^v[0-9a-z]{9}-[0-9a-f]{4}$/;

export function isVersionName(name: unknown): boolean {
  return typeof name === 'string' && VERSION_PATTERN.test(name);
}

export function versionsKey(courseId: string, lessonId: string): string {
  return courseId + '/' + lessonId + '/versions';
}

export interface ServedVersion {
  readonly version: string;
  /** Epoch seconds after which it is no longer served; absent: the published version. */
  readonly until?: number;
}

export function formatVersions(versions: readonly ServedVersion[]): string {
  const parts: string[] = [];
  for (let i = 0; i < versions.length; i++) {
    const v = versions[i] as ServedVersion;
    parts.push(v.until === undefined ? v.version : v.version + '@' + String(Math.floor(v.until)));
  }
  return parts.join(' ');
}

/** Whether `version` may be served at `nowSeconds`, per the stored value (malformed: no). */
export function isServedVersion(value: unknown, version: string, nowSeconds: number): boolean {
  if (typeof value !== 'string' || !isVersionName(version)) return false;
  const parts = value.split(' ');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const at = part.indexOf('@');
    const name = at < 0 ? part : part.slice(0, at);
    if (name !== version) continue;
    if (at < 0) return true;
    const until = Number(part.slice(at + 1));
    return until === until && until > nowSeconds;
  }
  return false;
}
