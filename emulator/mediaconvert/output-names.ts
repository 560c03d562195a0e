/**
 * The object keys MediaConvert writes, as pure functions of the job settings. Every rule here is
 * either from an AWS page (cited) or marked as not documented.
 */
import { baseNameWithoutExtension, parseS3Url, type S3Location } from './s3-paths.ts';

export interface DestinationBase {
  readonly bucket: string;
  /** Key prefix of the folder, `''` or ending in `/`. */
  readonly folder: string;
  /** The output file name base. */
  readonly base: string;
}

/**
 * `s3://bucket/folder/name` -> folder `folder/`, base `name`. "If you do not specify the base
 * filename in the URI, the service will use the filename of the input file. If your job has
 * multiple inputs, the service uses the filename of the first input file."
 * https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html#jobs-prop-cmafgroupsettings-destination
 */
export function destinationBase(destination: string, firstInput: string): DestinationBase {
  const d = parseS3Url(destination);
  if (!d) throw new Error(`destination ${destination} is not an s3:// URL`);
  const slash = d.key.lastIndexOf('/');
  const folder = d.key.slice(0, slash + 1);
  const named = d.key.slice(slash + 1);
  const input = parseS3Url(firstInput)?.key ?? firstInput;
  return { bucket: d.bucket, folder, base: named !== '' ? named : baseNameWithoutExtension(input) };
}

const at = (d: DestinationBase, name: string): S3Location => ({ bucket: d.bucket, key: `${d.folder}${name}` });

/**
 * Top-level manifests of a CMAF group: `<base>.m3u8` and `<base>.mpd` (the CMAF_GROUP row of
 * https://docs.aws.amazon.com/mediaconvert/latest/ug/output-file-names-and-paths.html).
 */
export function cmafManifest(d: DestinationBase, kind: 'hls' | 'dash'): S3Location {
  return at(d, `${d.base}.${kind === 'hls' ? 'm3u8' : 'mpd'}`);
}

/**
 * The stem of one output's files: base + name modifier (`main` + `v1` -> `mainv1.m3u8` in the
 * HLS_GROUP row of https://docs.aws.amazon.com/mediaconvert/latest/ug/output-file-names-and-paths.html).
 * An automated ABR output stands for several renditions; AWS does not document how their files
 * are told apart. The stand-in appends `_<n>`, n = 1 for the highest rendition (the shape the
 * project's fixture pipeline/aws/fixtures/mediaconvert-master.m3u8 assumes).
 */
export function outputStem(d: DestinationBase, nameModifier: string | undefined, rendition?: number): string {
  return `${d.base}${nameModifier ?? ''}${rendition !== undefined ? `_${rendition}` : ''}`;
}

export type TrackKind = 'video' | 'audio';

/**
 * Segment files: stem + `_` + a nine-digit counter from 1; the init segment: stem + `init`
 * (`video_50096000_000000001.mp4`, `main_video_$Bandwidth$init.mp4` in
 * https://docs.aws.amazon.com/mediaconvert/latest/ug/using-settings-variables-with-streaming-outputs.html).
 * That page shows DASH ISO's `.mp4`; the CMAF extensions `.cmfv`/`.cmfa` are not on an AWS page
 * (they are what MediaConvert's CMAF output is seen to use, and CMAF's own file extensions).
 */
export function segmentName(stem: string, kind: TrackKind, index: number): string {
  return `${stem}_${String(index).padStart(9, '0')}.${kind === 'video' ? 'cmfv' : 'cmfa'}`;
}

/**
 * A WebVTT caption output's segments: `<stem>_<nine digits>.vtt`, the counter rule of the other
 * segments. AWS does not document caption segment names; its playlist is `<stem>.m3u8` like any
 * output's (playlistName).
 */
export function captionSegmentName(stem: string, index: number): string {
  return `${stem}_${String(index).padStart(9, '0')}.vtt`;
}

export function initName(stem: string, kind: TrackKind): string {
  return `${stem}init.${kind === 'video' ? 'cmfv' : 'cmfa'}`;
}

export function playlistName(stem: string): string {
  return `${stem}.m3u8`;
}

/**
 * Image-based trick play: AWS says only that MediaConvert "creates a child manifest for each set
 * of images" (https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html#jobs-prop-cmafgroupsettings-imagebasedtrickplay);
 * the names are not documented. The stand-in uses `<stem>_thumb.m3u8` and
 * `<stem>_thumb_<nine digits>.jpg` for the highest rendition's stem.
 */
export function trickPlayPlaylistName(stem: string): string {
  return `${stem}_thumb.m3u8`;
}

export function trickPlayImageName(stem: string, index: number): string {
  return `${stem}_thumb_${String(index).padStart(9, '0')}.jpg`;
}

export function inFolder(d: DestinationBase, name: string): S3Location {
  return at(d, name);
}

/**
 * Frame capture: `<base><NameModifier>.NNNNNNN.jpg`, a seven-digit counter. The user guide's
 * example numbers from 1 ("file.0000036.jpg ... 35 other images ... named file.0000001,
 * file.0000002", https://docs.aws.amazon.com/mediaconvert/latest/ug/file-group-with-frame-capture-output.html);
 * the API reference calls the number "0-based". The stand-in follows the user guide's example.
 */
export function frameCaptureName(d: DestinationBase, nameModifier: string | undefined, index: number): S3Location {
  return at(d, `${d.base}${nameModifier ?? ''}.${String(index).padStart(7, '0')}.jpg`);
}
