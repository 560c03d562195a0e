/**
 * Which renditions an automated ABR output becomes. MediaConvert decides that from an analysis
 * of the content that AWS does not publish; the stand-in makes a sensible, deterministic reading
 * of what the docs do promise (https://docs.aws.amazon.com/mediaconvert/latest/ug/how-automated-abr-works.html,
 * https://docs.aws.amazon.com/mediaconvert/latest/ug/automated-abr-rules.html):
 * - never larger than the input ("MediaConvert won't use a resolution larger than the input for
 *   any rendition") nor than the Max resolution (the base output's Width/Height);
 * - only sizes from Allowed renditions when that rule is given, Required ones always kept;
 *   Force include renditions always kept; nothing under Min bottom rendition size;
 * - at most Max renditions;
 * - average bitrates between Min ABR bitrate and Max ABR bitrate, the top one at most the max.
 * Without an Allowed renditions rule the candidates are the stand-in's own 16:9 ladder.
 */
import type { AutomatedAbrSettings } from '@aws-sdk/client-mediaconvert';
import { ABR_DEFAULTS } from './validate-abr.ts';

export interface Rendition {
  readonly width: number;
  readonly height: number;
  /** Target average bitrate, bit/s. */
  readonly bitrate: number;
}

/** The stand-in's candidates when no Allowed renditions rule is given (not an AWS list). */
const DEFAULT_LADDER: readonly [number, number][] = [
  [1920, 1080], [1280, 720], [960, 540], [768, 432], [640, 360], [480, 270], [416, 234],
];

/** Bits per pixel per frame the stand-in aims at before the min/max clamp. */
const BITS_PER_PIXEL = 0.1;

export class AbrLadderError extends Error {
  override name = 'AbrLadderError';
}

export interface LadderInput {
  readonly abr: AutomatedAbrSettings;
  readonly source: { readonly width: number; readonly height: number; readonly fps: number };
  /** The base output's Width/Height: the Max resolution. */
  readonly maxWidth?: number | undefined;
  readonly maxHeight?: number | undefined;
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

export function chooseRenditions(input: LadderInput): Rendition[] {
  const { abr, source } = input;
  const rules = abr.Rules ?? [];
  const allowed = rules.find((r) => r.Type === 'ALLOWED_RENDITIONS')?.AllowedRenditions;
  const forced = rules.find((r) => r.Type === 'FORCE_INCLUDE_RENDITIONS')?.ForceIncludeRenditions ?? [];
  const bottom = rules.find((r) => r.Type === 'MIN_BOTTOM_RENDITION_SIZE')?.MinBottomRenditionSize;
  const top = rules.find((r) => r.Type === 'MIN_TOP_RENDITION_SIZE')?.MinTopRenditionSize;
  // A portrait input gets the candidates turned: the rules are written for landscape sizes.
  const portrait = source.height > source.width;
  const orient = (w: number, h: number): [number, number] => (portrait ? [h, w] : [w, h]);

  type Candidate = { width: number; height: number; required: boolean };
  const candidates: Candidate[] = allowed
    ? allowed.map((s) => ({ width: s.Width!, height: s.Height!, required: s.Required === 'ENABLED' }))
    : [...DEFAULT_LADDER.map(([width, height]) => ({ width, height, required: false })), ...forced.map((s) => ({ width: s.Width!, height: s.Height!, required: true }))];
  if (top && !allowed) candidates.push({ width: top.Width!, height: top.Height!, required: true });

  const limitW = Math.min(source.width, input.maxWidth ?? Infinity);
  const limitH = Math.min(source.height, input.maxHeight ?? Infinity);
  const unique = new Map<string, Candidate>();
  for (const c of candidates) {
    const [w, h] = orient(c.width, c.height);
    if (w > limitW || h > limitH) continue;
    if (bottom && (c.width < (bottom.Width ?? 0) || c.height < (bottom.Height ?? 0))) continue;
    const key = `${w}x${h}`;
    unique.set(key, { width: w, height: h, required: c.required || (unique.get(key)?.required ?? false) });
  }
  let chosen = [...unique.values()].sort((a, b) => b.width * b.height - a.width * a.height);
  if (chosen.length === 0) {
    if (allowed) throw new AbrLadderError(`none of the allowed renditions fits the ${source.width}x${source.height} input without upscaling`);
    chosen = [{ width: even(limitW), height: even(limitH), required: true }];
  }
  const max = abr.MaxRenditions ?? ABR_DEFAULTS.maxRenditions;
  const required = chosen.filter((c) => c.required);
  const optional = chosen.filter((c) => !c.required).slice(0, Math.max(0, max - required.length));
  chosen = [...required, ...optional].slice(0, max).sort((a, b) => b.width * b.height - a.width * a.height);

  const maxRate = abr.MaxAbrBitrate ?? ABR_DEFAULTS.maxAbrBitrate;
  const minRate = Math.min(abr.MinAbrBitrate ?? ABR_DEFAULTS.minAbrBitrate, maxRate);
  return chosen.map((c) => ({
    width: c.width,
    height: c.height,
    bitrate: Math.round(Math.min(maxRate, Math.max(minRate, c.width * c.height * source.fps * BITS_PER_PIXEL))),
  }));
}
