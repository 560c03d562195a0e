/** Cue timestamps in integer milliseconds: WebVTT's `[hh:]mm:ss.ttt` and SRT's `hh:mm:ss,ttt`. */

const VTT_TIME = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
// SRT writers disagree on the hour width and some use a dot; minutes and seconds stay two digits.
const SRT_TIME = /^(\d{1,}):([0-5]\d):([0-5]\d)[,.](\d{3})$/;

function toMs(m: RegExpExecArray): number {
  return ((Number(m[1] ?? 0) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
}

export function parseVttTimestamp(text: string): number | null {
  const m = VTT_TIME.exec(text);
  return m ? toMs(m) : null;
}

export function parseSrtTimestamp(text: string): number | null {
  const m = SRT_TIME.exec(text);
  return m ? toMs(m) : null;
}

/** Always with hours, so every file we write reads the same whatever the lesson's length. */
export function formatVttTimestamp(ms: number): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}
