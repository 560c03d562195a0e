/**
 * The HLS text a CMAF group writes (RFC 8216): a multivariant playlist naming the video
 * variants, the audio rendition group (EXT-X-MEDIA) and the trick-play image streams, a media
 * playlist per output (fMP4: EXT-X-MAP names the init segment), and an image playlist per
 * trick-play set (Roku's image-playlist extension, which MediaConvert's trick play follows:
 * https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html#jobs-prop-cmafgroupsettings-imagebasedtrickplay).
 * What AWS documents of the text itself is little: where a setting says which tag or attribute
 * it controls, the comment quotes it; the rest is plain RFC 8216.
 */

export interface PlaylistFormat {
  /** ManifestDurationFormat: "whether the output manifest should use floating point values for segment duration". */
  readonly floatingPoint: boolean;
  /**
   * TargetDurationCompatibilityMode: "LEGACY, the segment target duration is always rounded up
   * ... SPEC_COMPLIANT ... rounded up ... if fraction seconds are greater than or equal to 0.5
   * ... and rounded down if less than 0.5".
   */
  readonly targetDuration: 'LEGACY' | 'SPEC_COMPLIANT';
  /** ClientCache DISABLED: "the #EXT-X-ALLOW-CACHE:no tag". */
  readonly allowCache: boolean;
}

const extinf = (seconds: number, f: PlaylistFormat) => (f.floatingPoint ? seconds.toFixed(3) : String(Math.max(1, Math.round(seconds))));

export function targetDuration(durations: readonly number[], mode: PlaylistFormat['targetDuration']): number {
  const longest = Math.max(1, ...durations);
  return mode === 'LEGACY' ? Math.ceil(longest - 1e-6) : Math.max(1, Math.round(longest));
}

function header(f: PlaylistFormat, durations: readonly number[], version: number): string[] {
  return [
    '#EXTM3U',
    `#EXT-X-VERSION:${version}`,
    `#EXT-X-TARGETDURATION:${targetDuration(durations, f.targetDuration)}`,
    '#EXT-X-MEDIA-SEQUENCE:1',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    ...(f.allowCache ? [] : ['#EXT-X-ALLOW-CACHE:NO']),
  ];
}

/** One output's media playlist. Version 6: EXT-X-MAP in a playlist that is not I-frames-only (RFC 8216 section 7). */
export function mediaPlaylist(initUri: string, segments: readonly { uri: string; duration: number }[], f: PlaylistFormat): string {
  const lines = [
    ...header(f, segments.map((s) => s.duration), 6),
    '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-MAP:URI="${initUri}"`,
    ...segments.flatMap((s) => [`#EXTINF:${extinf(s.duration, f)},`, s.uri]),
    '#EXT-X-ENDLIST',
  ];
  return `${lines.join('\n')}\n`;
}

export interface ImageTile {
  readonly uri: string;
  /** Seconds of video the tile's thumbnails cover. */
  readonly duration: number;
}

export function imagePlaylist(tiles: readonly ImageTile[], thumb: { width: number; height: number; columns: number; rows: number; interval: number }, f: PlaylistFormat): string {
  const lines = [
    ...header(f, tiles.map((t) => t.duration), 7),
    '#EXT-X-IMAGES-ONLY',
    ...tiles.flatMap((t) => [
      `#EXTINF:${extinf(t.duration, f)},`,
      `#EXT-X-TILES:RESOLUTION=${thumb.width}x${thumb.height},LAYOUT=${thumb.columns}x${thumb.rows},DURATION=${thumb.interval.toFixed(3)}`,
      t.uri,
    ]),
    '#EXT-X-ENDLIST',
  ];
  return `${lines.join('\n')}\n`;
}

export interface AudioRendition {
  readonly groupId: string;
  readonly name: string;
  readonly language?: string | undefined;
  readonly channels: number;
  /** CmfcSettings.AudioTrackType: DEFAULT and AUTOSELECT as that setting describes them. */
  readonly isDefault: boolean;
  readonly autoselect: boolean;
  readonly uri: string;
}

export interface VideoVariant {
  readonly uri: string;
  readonly bandwidth: number;
  readonly averageBandwidth: number;
  readonly codecs: string;
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  readonly audioGroup?: string | undefined;
  readonly subtitlesGroup?: string | undefined;
}

/**
 * A WebVTT caption output. AWS documents of its EXT-X-MEDIA only that the first captions track
 * of the job is "signaled as the default track"
 * (https://docs.aws.amazon.com/mediaconvert/latest/ug/ttml-and-webvtt-output-captions.html) and
 * that WebvttDestinationSettings.Accessibility ENABLED adds CHARACTERISTICS and AUTOSELECT=YES;
 * the group id `subs`, NAME and the attribute order are the stand-in's (RFC 8216 4.3.4.1: a
 * DEFAULT=YES rendition has AUTOSELECT=YES).
 */
export interface SubtitleRendition {
  readonly groupId: string;
  readonly name: string;
  readonly language?: string | undefined;
  readonly isDefault: boolean;
  readonly accessibility: boolean;
  readonly uri: string;
}

/** The accessibility characteristics, as the SDK's WebvttDestinationSettings.Accessibility documents them. */
export const CAPTION_CHARACTERISTICS = 'public.accessibility.transcribes-spoken-dialog,public.accessibility.describes-music-and-sound';

function subtitleMediaLine(s: SubtitleRendition): string {
  const autoselect = s.isDefault || s.accessibility;
  return (
    `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="${s.groupId}",NAME="${s.name}"${s.language ? `,LANGUAGE="${s.language}"` : ''}` +
    `${autoselect ? ',AUTOSELECT=YES' : ''},DEFAULT=${s.isDefault ? 'YES' : 'NO'},FORCED=NO` +
    `${s.accessibility ? `,CHARACTERISTICS="${CAPTION_CHARACTERISTICS}"` : ''},URI="${s.uri}"`
  );
}

/** A WebVTT output's media playlist: its segments carry their own header, so no EXT-X-MAP (version 3). */
export function subtitlePlaylist(segments: readonly { uri: string; duration: number }[], f: PlaylistFormat): string {
  const lines = [...header(f, segments.map((s) => s.duration), 3), ...segments.flatMap((s) => [`#EXTINF:${extinf(s.duration, f)},`, s.uri]), '#EXT-X-ENDLIST'];
  return `${lines.join('\n')}\n`;
}

export interface ImageStream {
  readonly uri: string;
  readonly bandwidth: number;
  readonly width: number;
  readonly height: number;
}

export function multivariantPlaylist(
  audio: readonly AudioRendition[],
  variants: readonly VideoVariant[],
  images: readonly ImageStream[],
  options: { readonly includeResolution: boolean },
  subtitles: readonly SubtitleRendition[] = [],
): string {
  const yes = (b: boolean) => (b ? 'YES' : 'NO');
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    ...audio.map(
      (a) =>
        `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${a.groupId}",NAME="${a.name}"${a.language ? `,LANGUAGE="${a.language}"` : ''},AUTOSELECT=${yes(a.autoselect)},DEFAULT=${yes(a.isDefault)},CHANNELS="${a.channels}",URI="${a.uri}"`,
    ),
    ...subtitles.map(subtitleMediaLine),
    ...variants.flatMap((v) => [
      `#EXT-X-STREAM-INF:BANDWIDTH=${v.bandwidth},AVERAGE-BANDWIDTH=${v.averageBandwidth},CODECS="${v.codecs}"` +
        // StreamInfResolution: "Include or exclude RESOLUTION attribute for video in EXT-X-STREAM-INF tag of variant manifest."
        (options.includeResolution ? `,RESOLUTION=${v.width}x${v.height}` : '') +
        `,FRAME-RATE=${v.frameRate.toFixed(3)}` +
        (v.audioGroup ? `,AUDIO="${v.audioGroup}"` : '') +
        (v.subtitlesGroup ? `,SUBTITLES="${v.subtitlesGroup}"` : ''),
      v.uri,
    ]),
    ...images.map((i) => `#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=${i.bandwidth},RESOLUTION=${i.width}x${i.height},CODECS="jpeg",URI="${i.uri}"`),
  ];
  return `${lines.join('\n')}\n`;
}
