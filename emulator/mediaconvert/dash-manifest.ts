/**
 * The `.mpd` of a CMAF group with WriteDashManifest ENABLED ("a DASH MPD manifest will be
 * generated", https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html#jobs-prop-cmafgroupsettings-writedashmanifest):
 * a static MPD (isoff-main: MpdProfile MAIN_PROFILE, the one the stand-in writes) over the same CMAF files the HLS playlists name, one SegmentTemplate with a
 * SegmentTimeline per representation (ISO/IEC 23009-1). AWS does not document MediaConvert's
 * exact MPD layout; this is a plain, valid one.
 */

export interface DashRepresentation {
  readonly kind: 'video' | 'audio';
  readonly id: string;
  readonly bandwidth: number;
  readonly codecs: string;
  readonly width?: number;
  readonly height?: number;
  readonly frameRate?: number;
  readonly sampleRate?: number;
  readonly initialization: string;
  /** Segment file name with `$Number%09d$` in place of the counter. */
  readonly media: string;
  readonly segmentSeconds: readonly number[];
}

const TIMESCALE = 1000;
const iso = (seconds: number) => `PT${seconds.toFixed(3)}S`;
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function timeline(seconds: readonly number[]): string {
  let t = 0;
  return seconds
    .map((s) => {
      const d = Math.round(s * TIMESCALE);
      const entry = `<S t="${t}" d="${d}"/>`;
      t += d;
      return entry;
    })
    .join('');
}

export function dashManifest(representations: readonly DashRepresentation[], options: { durationSeconds: number; minBufferSeconds: number }): string {
  const set = (kind: 'video' | 'audio') => {
    const reps = representations.filter((r) => r.kind === kind);
    if (reps.length === 0) return '';
    const body = reps
      .map((r) => {
        const attrs = [`id="${xml(r.id)}"`, `bandwidth="${r.bandwidth}"`, `codecs="${xml(r.codecs)}"`];
        if (r.width !== undefined) attrs.push(`width="${r.width}"`, `height="${r.height}"`);
        if (r.frameRate !== undefined) attrs.push(`frameRate="${Math.round(r.frameRate * 1000)}/1000"`);
        if (r.sampleRate !== undefined) attrs.push(`audioSamplingRate="${r.sampleRate}"`);
        return (
          `      <Representation ${attrs.join(' ')}>\n` +
          `        <SegmentTemplate timescale="${TIMESCALE}" startNumber="1" initialization="${xml(r.initialization)}" media="${xml(r.media)}">` +
          `<SegmentTimeline>${timeline(r.segmentSeconds)}</SegmentTimeline></SegmentTemplate>\n` +
          '      </Representation>'
        );
      })
      .join('\n');
    return `    <AdaptationSet mimeType="${kind}/mp4" segmentAlignment="true" startWithSAP="1">\n${body}\n    </AdaptationSet>\n`;
  };
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" profiles="urn:mpeg:dash:profile:isoff-main:2011" ` +
    `minBufferTime="${iso(options.minBufferSeconds)}" mediaPresentationDuration="${iso(options.durationSeconds)}">\n` +
    `  <Period id="1" start="PT0S">\n${set('video')}${set('audio')}  </Period>\n</MPD>\n`
  );
}
