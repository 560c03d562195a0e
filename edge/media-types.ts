/**
 * The published media types: the only files the viewer-request function lets through under
 * /courses/, and the content types the local origin answers with (S3 stores them per object;
 * the pipeline sets the same ones on upload).
 */
export const MEDIA_TYPES: Readonly<Record<string, string>> = {
  m3u8: 'application/vnd.apple.mpegurl',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  m4a: 'audio/mp4',
  vtt: 'text/vtt; charset=utf-8',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

export function extensionOf(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash ? path.slice(dot + 1).toLowerCase() : '';
}

export function mediaTypeOf(path: string): string | undefined {
  return MEDIA_TYPES[extensionOf(path)];
}
