/**
 * The published media types: the only files the viewer-request function lets through under
 * /courses/, and the content types the local origin answers with (S3 stores them per object;
 * the pipeline sets the same ones on upload). Both encoders' names are here: ffmpeg's HLS
 * muxer writes `.m4s` segments and `.mp4` init segments; MediaConvert's CMAF output group
 * writes `<name>init.cmfv` / `.cmfa` and `<name>_<n>.cmfv` / `.cmfa`
 * (https://docs.aws.amazon.com/mediaconvert/latest/ug/outputs-file-ABR.html), and its frame
 * capture `<name>.0000001.jpg`.
 */
export const MEDIA_TYPES: Readonly<Record<string, string>> = {
  m3u8: 'application/vnd.apple.mpegurl',
  m4s: 'video/iso.segment',
  cmfv: 'video/mp4',
  cmfa: 'audio/mp4',
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

/**
 * Content types of the player bucket, on top of the published media types: the Content-Type the
 * program uploads each player file with (and a local bucket serves a file put without one).
 */
export const PLAYER_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
  map: 'application/json',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
};

export function contentTypeFor(key: string): string {
  const extension = extensionOf(key);
  return MEDIA_TYPES[extension] ?? PLAYER_TYPES[extension] ?? 'application/octet-stream';
}
