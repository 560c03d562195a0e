/**
 * The on-demand encode request: what the cookie issuer sends when a student asks for a lesson
 * whose source is registered but not encoded yet. Locally it is POSTed to the local system's
 * encode-request endpoint; on AWS it is the payload of an asynchronous (InvocationType Event)
 * invoke of the upload-trigger Lambda. Both receivers validate it with parseEncodeRequest.
 */
import { isCourseId, isLessonId } from './course-id.ts';

export const ENCODE_REQUEST_TYPE = 'lectern.encode-request';

export interface EncodeRequest {
  readonly type: typeof ENCODE_REQUEST_TYPE;
  readonly courseId: string;
  readonly lessonId: string;
  /** `uploads/<courseId>/<lessonId>/<file>`, from the lesson record. */
  readonly sourceKey: string;
}

export function encodeRequest(courseId: string, lessonId: string, sourceKey: string): EncodeRequest {
  return { type: ENCODE_REQUEST_TYPE, courseId, lessonId, sourceKey };
}

/**
 * Pure: an untrusted value -> a request, or null. The source key must sit under the lesson's
 * own upload folder, one level deep, so a request can never point an encoder at another
 * lesson's source or outside the uploads.
 */
export function parseEncodeRequest(value: unknown): EncodeRequest | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v['type'] !== ENCODE_REQUEST_TYPE) return null;
  const { courseId, lessonId, sourceKey } = v;
  if (!isCourseId(courseId) || !isLessonId(lessonId) || typeof sourceKey !== 'string') return null;
  const prefix = `uploads/${courseId}/${lessonId}/`;
  const file = sourceKey.slice(prefix.length);
  if (!sourceKey.startsWith(prefix) || file === '' || file.includes('/') || file.includes('\\') || file.startsWith('.')) return null;
  return { type: ENCODE_REQUEST_TYPE, courseId, lessonId, sourceKey };
}
