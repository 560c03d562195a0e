/**
 * ffmpeg `-progress pipe:1` output -> percent, speed, ETA; and a terminal progress bar.
 *
 * ffmpeg prints blocks of `key=value` lines, each closed by `progress=continue` or
 * `progress=end`. Percent comes from `frame` (frames of the first output's first video stream,
 * the top rendition, at a constant rate we chose) when the frame rate is known: ffmpeg's own
 * `out_time` and `speed` are the maximum over all outputs, and the sprite output's timestamps
 * run ahead of the real position by up to one sprite sheet. Speed is therefore computed here
 * from encoded media seconds over wall-clock seconds.
 */

export interface ProgressBlock {
  readonly frame: number | null;
  readonly outTimeSeconds: number | null;
  /** ffmpeg's own speed (x realtime), as printed; may be skewed, see above. */
  readonly ffmpegSpeed: number | null;
  readonly totalSizeBytes: number | null;
  readonly dupFrames: number | null;
  readonly dropFrames: number | null;
  readonly end: boolean;
  readonly raw: Readonly<Record<string, string>>;
}

/** Streaming parser: feed it stdout chunks, get complete blocks back. */
export class ProgressParser {
  private buffer = '';
  private current: Record<string, string> = {};

  push(chunk: string): ProgressBlock[] {
    this.buffer += chunk;
    const lines = this.buffer.split(/\r?\n/);
    this.buffer = lines.pop() ?? '';
    const blocks: ProgressBlock[] = [];
    for (const line of lines) {
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      this.current[key] = value;
      if (key === 'progress') {
        blocks.push(toBlock(this.current));
        this.current = {};
      }
    }
    return blocks;
  }
}

function numberOrNull(v: string | undefined): number | null {
  if (v === undefined || v === '' || v === 'N/A') return null;
  const n = Number(v.replace(/x$/, ''));
  return Number.isFinite(n) ? n : null;
}

function clockToSeconds(v: string | undefined): number | null {
  if (!v) return null;
  const m = /^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(v);
  if (!m) return null;
  const s = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return m[1] ? -s : s;
}

export function toBlock(raw: Readonly<Record<string, string>>): ProgressBlock {
  const us = numberOrNull(raw.out_time_us) ?? numberOrNull(raw.out_time_ms); // out_time_ms is µs too (ffmpeg quirk)
  const outTime = us !== null ? us / 1e6 : clockToSeconds(raw.out_time);
  return {
    frame: numberOrNull(raw.frame),
    outTimeSeconds: outTime,
    ffmpegSpeed: numberOrNull(raw.speed),
    totalSizeBytes: numberOrNull(raw.total_size),
    dupFrames: numberOrNull(raw.dup_frames),
    dropFrames: numberOrNull(raw.drop_frames),
    end: raw.progress === 'end',
    raw: { ...raw },
  };
}

export interface EncodeProgress {
  /** 0-100. */
  readonly percent: number;
  /** Media seconds encoded so far. */
  readonly encodedSeconds: number;
  readonly durationSeconds: number;
  /** x realtime, or null before the first measurable block. */
  readonly speed: number | null;
  /** Seconds left, or null when unknown. */
  readonly etaSeconds: number | null;
  readonly done: boolean;
}

export interface ProgressContext {
  readonly durationSeconds: number;
  /** Output frame rate (frames per second); enables the frame-based position. */
  readonly fps?: number;
  /** Wall-clock seconds since ffmpeg started. */
  readonly elapsedSeconds: number;
}

/** Pure: one block + context -> percent/speed/ETA. */
export function toProgress(block: ProgressBlock, ctx: ProgressContext): EncodeProgress {
  const duration = Math.max(ctx.durationSeconds, 1e-6);
  let encoded: number;
  if (block.frame !== null && ctx.fps && ctx.fps > 0) encoded = block.frame / ctx.fps;
  else encoded = block.outTimeSeconds ?? 0;
  encoded = Math.min(Math.max(encoded, 0), duration);
  if (block.end) encoded = duration;
  const percent = (encoded / duration) * 100;
  const speed = ctx.elapsedSeconds > 0 && encoded > 0 ? encoded / ctx.elapsedSeconds : null;
  const etaSeconds = block.end ? 0 : speed ? (duration - encoded) / speed : null;
  return { percent, encodedSeconds: encoded, durationSeconds: ctx.durationSeconds, speed, etaSeconds, done: block.end };
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

/**
 * Pure: a one-line bar, e.g. `encode [##########----------]  50.0%  2.31x  ETA 0:12`.
 * `width` is the whole line's width in columns; the bar takes what the text leaves.
 */
export function renderProgressBar(p: EncodeProgress, width = 60, label = 'encode'): string {
  const pct = `${p.percent.toFixed(1).padStart(5)}%`;
  const speed = p.speed === null ? '   --x' : `${p.speed.toFixed(2).padStart(5)}x`;
  const eta = p.done ? `done ${formatDuration(p.durationSeconds)}` : `ETA ${formatDuration(p.etaSeconds)}`;
  const text = `  ${pct}  ${speed}  ${eta}`;
  const barWidth = Math.max(10, width - label.length - 3 - text.length);
  const filled = Math.min(barWidth, Math.round((p.percent / 100) * barWidth));
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${text}`;
}

export interface BarStream {
  write(s: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * Thin writer: redraws one line on a TTY (at most ~10 times a second); on a pipe or a CI log it
 * prints a line every 10 % instead of flooding it.
 */
export function createProgressWriter(stream: BarStream = process.stderr, label = 'encode'): {
  update(p: EncodeProgress): void;
  finish(): void;
} {
  let lastDraw = 0;
  let lastDecile = -1;
  let drawn = false;
  let doneShown = false;
  return {
    update(p) {
      if (stream.isTTY) {
        const now = Date.now();
        if (!p.done && now - lastDraw < 100) return;
        lastDraw = now;
        stream.write(`\r${renderProgressBar(p, Math.min(stream.columns ?? 80, 100) - 1, label)}`);
        drawn = true;
      } else {
        // 100 % is only printed once, with the closing block ("done").
        const decile = p.done ? 10 : Math.min(9, Math.floor(p.percent / 10));
        if ((decile > lastDecile && !doneShown) || (p.done && !doneShown)) {
          lastDecile = decile;
          doneShown = p.done;
          stream.write(`${renderProgressBar(p, 72, label)}\n`);
        }
      }
    },
    finish() {
      if (stream.isTTY && drawn) stream.write('\n');
    },
  };
}
