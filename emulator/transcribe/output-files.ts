/**
 * What a finished job leaves in the output bucket, under Transcribe's names: with OutputKey a
 * folder (ending in `/`, or no OutputKey) the transcript is `<folder><job name>.json`; with
 * OutputKey a file name, that name (`.json` added when missing). Subtitle files sit beside the
 * transcript with `.vtt` / `.srt` for its `.json`
 * (https://docs.aws.amazon.com/transcribe/latest/APIReference/API_StartTranscriptionJob.html,
 * OutputKey; https://docs.aws.amazon.com/transcribe/latest/dg/subtitles.html). Cue numbering
 * starts at OutputStartIndex. Pure.
 */

export interface FixtureCue {
  readonly startMs: number;
  readonly endMs: number;
  readonly text: string;
}

export function transcriptKey(jobName: string, outputKey: string | undefined): string {
  if (outputKey === undefined || outputKey === '') return `${jobName}.json`;
  if (outputKey.endsWith('/')) return `${outputKey}${jobName}.json`;
  return outputKey.endsWith('.json') ? outputKey : `${outputKey}/${jobName}.json`;
}

export function subtitleKey(transcript: string, format: 'vtt' | 'srt'): string {
  return `${transcript.replace(/\.json$/, '')}.${format}`;
}

function stamp(ms: number, separator: '.' | ','): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

export function renderSubtitles(cues: readonly FixtureCue[], format: 'vtt' | 'srt', startIndex: 0 | 1): string {
  const sep = format === 'vtt' ? '.' : ',';
  const blocks = cues.map((c, i) => `${i + startIndex}\n${stamp(c.startMs, sep)} --> ${stamp(c.endMs, sep)}\n${c.text}`);
  return format === 'vtt' ? `WEBVTT\n\n${blocks.join('\n\n')}\n` : `${blocks.join('\n\n')}\n`;
}

/** The transcript JSON's outline (results.transcripts[].transcript); items are left out. */
export function renderTranscript(jobName: string, accountId: string, cues: readonly FixtureCue[]): string {
  return JSON.stringify({ jobName, accountId, status: 'COMPLETED', results: { transcripts: [{ transcript: cues.map((c) => c.text).join(' ') }], items: [] } });
}
