import { isCourseId } from './course-id.ts';

/** A CloudFront custom policy, exactly the JSON shape CloudFront signs and checks. */
export interface PolicyStatement {
  readonly Resource: string;
  readonly Condition: {
    readonly DateLessThan: { readonly 'AWS:EpochTime': number };
    readonly DateGreaterThan?: { readonly 'AWS:EpochTime': number };
    readonly IpAddress?: { readonly 'AWS:SourceIp': string };
  };
}
export interface CloudFrontPolicy {
  readonly Statement: readonly [PolicyStatement];
}

/** `<scheme>://<host>/courses/<id>/*`: the trailing slash keeps /courses/12/ from matching /courses/123/. */
export function courseResource(scheme: 'http' | 'https', host: string, courseId: string): string {
  if (!isCourseId(courseId)) throw new Error(`invalid course id ${JSON.stringify(courseId)}`);
  if (!/^[a-z0-9.-]+(?::\d{1,5})?$/i.test(host)) throw new Error(`invalid host ${JSON.stringify(host)}`);
  return `${scheme}://${host}/courses/${courseId}/*`;
}

export function coursePolicy(resource: string, expiresAtEpochSeconds: number): CloudFrontPolicy {
  return {
    Statement: [{ Resource: resource, Condition: { DateLessThan: { 'AWS:EpochTime': expiresAtEpochSeconds } } }],
  };
}

/** The path a course's cookies are scoped to; browsers then send them nowhere else. */
export function courseCookiePath(courseId: string): string {
  return `/courses/${courseId}/`;
}
