/**
 * Pure: the constant output frame rate of an encode (plan.ts uses it for every rendition).
 */
import { rationalValue, type Rational, type VideoProbe } from './probe.ts';

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function reduce(r: Rational): Rational {
  const num = Math.round(r.num);
  const den = Math.round(r.den);
  const g = gcd(num, den) || 1;
  return { num: num / g, den: den / g };
}

/** Standard output rates a VFR source is mapped onto (its nominal rate when it has one). */
const STANDARD_RATES: readonly Rational[] = [
  { num: 15, den: 1 },
  { num: 24000, den: 1001 },
  { num: 24, den: 1 },
  { num: 25, den: 1 },
  { num: 30000, den: 1001 },
  { num: 30, den: 1 },
  { num: 50, den: 1 },
  { num: 60000, den: 1001 },
  { num: 60, den: 1 },
];

/**
 * Constant output frame rate. CFR sources keep their rate (divided down above the ladder's
 * maximum); VFR sources get their nominal rate when ffprobe's r_frame_rate is a standard one
 * (screen recorders and phones report it), else the smallest standard rate at or above the
 * average. The `fps` filter then duplicates/drops frames onto that grid, so every rendition has
 * the same frames and keyframes land on the same timestamps.
 */
export function outputFrameRate(video: VideoProbe, maxFps: number): Rational {
  const limit = (r: Rational): Rational => {
    const v = rationalValue(r);
    if (v <= maxFps + 1e-9) return reduce(r);
    const k = Math.ceil(v / maxFps - 1e-9);
    return reduce({ num: r.num, den: r.den * k });
  };
  const standardNear = (r: Rational): Rational | undefined =>
    STANDARD_RATES.find((s) => Math.abs(rationalValue(s) - rationalValue(r)) / rationalValue(s) < 0.001);
  const v = rationalValue(video.frameRate);
  if (!video.vfr && v >= 1 && v <= 240) return limit(video.frameRate);
  const nominal = standardNear(video.frameRate);
  if (nominal && rationalValue(nominal) <= maxFps) return nominal;
  const avg = video.avgFrameRate ? rationalValue(video.avgFrameRate) : 30;
  const candidates = STANDARD_RATES.filter((s) => rationalValue(s) <= maxFps + 1e-9);
  return candidates.find((s) => rationalValue(s) >= avg * 0.99) ?? candidates[candidates.length - 1] ?? { num: 30, den: 1 };
}
