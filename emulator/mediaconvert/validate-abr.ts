/**
 * Automated ABR: where it may be used and what its limits and rules must satisfy.
 */
import type { AutomatedAbrRule, OutputGroup } from '@aws-sdk/client-mediaconvert';
import type { Path, Problems } from './problems.ts';

/** The streaming group types (everything but FILE_GROUP_SETTINGS). */
export const ABR_GROUP_TYPES = ['HLS_GROUP_SETTINGS', 'DASH_ISO_GROUP_SETTINGS', 'MS_SMOOTH_GROUP_SETTINGS', 'CMAF_GROUP_SETTINGS'];

export const ABR_DEFAULTS = { maxRenditions: 15, maxAbrBitrate: 8_000_000, minAbrBitrate: 600_000 } as const;

interface Size {
  readonly Width?: number | undefined;
  readonly Height?: number | undefined;
}
const atLeast = (a: Size, b: Size) => (a.Width ?? 0) >= (b.Width ?? 0) && (a.Height ?? 0) >= (b.Height ?? 0);
const sizeText = (s: Size) => `${s.Width ?? '?'}x${s.Height ?? '?'}`;

export function isAbrGroup(group: OutputGroup): boolean {
  return group.AutomatedEncodingSettings?.AbrSettings !== undefined;
}

/** Whole-job rules: which groups may and must use automated ABR, and the queue it needs. */
export function validateAbrPlacement(groups: readonly OutputGroup[], queueIsReserved: boolean, problems: Problems): void {
  const anyAbr = groups.some(isAbrGroup);
  groups.forEach((group, i) => {
    const type = group.OutputGroupSettings?.Type ?? '';
    const path: Path = ['Settings', 'OutputGroups', i, 'AutomatedEncodingSettings'];
    // "Choose a streaming output group type: Apple HLS, DASH ISO, Microsoft Smooth Streaming, or CMAF"
    // https://docs.aws.amazon.com/mediaconvert/latest/ug/creating-an-automated-abr-stack.html
    if (group.AutomatedEncodingSettings !== undefined && !ABR_GROUP_TYPES.includes(type)) {
      problems.add(path, `automated ABR is for HLS, DASH ISO, Microsoft Smooth Streaming and CMAF output groups, not ${type}`);
    }
    // "In a job that includes an automated ABR output group, all ABR output groups must use automated ABR."
    // https://docs.aws.amazon.com/mediaconvert/latest/ug/feature-restrictions-for-automated-abr.html
    if (anyAbr && ABR_GROUP_TYPES.includes(type) && !isAbrGroup(group)) {
      problems.add(path, 'in a job with an automated ABR output group, every ABR output group must use automated ABR');
    }
  });
  // "You must use an on-demand queue. You can't use a reserved queue." (same page)
  if (anyAbr && queueIsReserved) problems.add(['Queue'], 'jobs with automated ABR must use an on-demand queue, not a reserved queue');
}

/** One automated ABR group: its base output, encoding settings, limits and rules. */
export function validateAbrGroup(group: OutputGroup, i: number, problems: Problems): void {
  const abr = group.AutomatedEncodingSettings?.AbrSettings;
  if (!abr) return;
  const base: Path = ['Settings', 'OutputGroups', i];
  const abrPath: Path = [...base, 'AutomatedEncodingSettings', 'AbrSettings'];
  const outputs = group.Outputs ?? [];
  const videoOutputs = outputs.map((o, j) => ({ o, j })).filter(({ o }) => o.VideoDescription !== undefined);

  // "Output 1 holds your automated ABR video settings and represents every video rendition in
  // your stack"; audio and captions are outputs of their own.
  // https://docs.aws.amazon.com/mediaconvert/latest/ug/creating-an-automated-abr-stack.html
  if (videoOutputs.length !== 1) {
    problems.add([...base, 'Outputs'], `an automated ABR group has exactly one video output (the base for every rendition), found ${videoOutputs.length}`);
  }
  for (const { o, j } of videoOutputs) {
    const vd = o.VideoDescription!;
    const vPath: Path = [...base, 'Outputs', j, 'VideoDescription'];
    const codec = vd.CodecSettings?.Codec;
    // Restrictions from https://docs.aws.amazon.com/mediaconvert/latest/ug/feature-restrictions-for-automated-abr.html
    if (codec !== 'H_264' && codec !== 'H_265') problems.add([...vPath, 'CodecSettings', 'Codec'], 'automated ABR output video must be H_264 or H_265');
    if (vd.ScalingBehavior !== undefined && !['DEFAULT', 'STRETCH_TO_OUTPUT', 'FIT', 'FILL'].includes(vd.ScalingBehavior)) {
      problems.add([...vPath, 'ScalingBehavior'], 'automated ABR scaling behavior must be DEFAULT, STRETCH_TO_OUTPUT, FIT or FILL');
    }
    const h264 = vd.CodecSettings?.H264Settings;
    const hPath: Path = [...vPath, 'CodecSettings', 'H264Settings'];
    if (codec === 'H_264') {
      if (h264?.QualityTuningLevel !== 'MULTI_PASS_HQ') problems.add([...hPath, 'QualityTuningLevel'], 'automated ABR requires MULTI_PASS_HQ');
      if (h264?.RateControlMode !== 'QVBR') problems.add([...hPath, 'RateControlMode'], 'automated ABR requires QVBR');
    }
  }

  const maxRenditions = abr.MaxRenditions ?? ABR_DEFAULTS.maxRenditions;
  // AWS documents no rule between the two limits; a minimum above the maximum cannot be met, so it is refused.
  if ((abr.MinAbrBitrate ?? ABR_DEFAULTS.minAbrBitrate) > (abr.MaxAbrBitrate ?? ABR_DEFAULTS.maxAbrBitrate)) {
    problems.add([...abrPath, 'MinAbrBitrate'], `must not exceed MaxAbrBitrate (${abr.MaxAbrBitrate ?? ABR_DEFAULTS.maxAbrBitrate}; defaults 600000 and 8000000)`);
  }
  const maxResolution = videoOutputs[0]?.o.VideoDescription;
  validateRules(abr.Rules ?? [], maxRenditions, maxResolution?.Width !== undefined || maxResolution?.Height !== undefined ? maxResolution : undefined, [...abrPath, 'Rules'], problems);
}

/** The member each rule type needs ("required to add at least one rendition", AutomatedAbrRule in the API reference). */
const RULE_PAYLOAD: Readonly<Record<string, keyof AutomatedAbrRule>> = {
  MIN_TOP_RENDITION_SIZE: 'MinTopRenditionSize',
  MIN_BOTTOM_RENDITION_SIZE: 'MinBottomRenditionSize',
  FORCE_INCLUDE_RENDITIONS: 'ForceIncludeRenditions',
  ALLOWED_RENDITIONS: 'AllowedRenditions',
};

/**
 * Rules, as https://docs.aws.amazon.com/mediaconvert/latest/ug/automated-abr-rules.html and the
 * AutomatedAbrRule type in https://docs.aws.amazon.com/mediaconvert/latest/apireference/jobs.html
 * state them. The two pages disagree on Allowed renditions: the user guide says the number of
 * resolutions "must be less than or equal to Max renditions", the API reference "equal to, or
 * greater than". The stand-in accepts only what satisfies both (exactly Max renditions).
 */
function validateRules(rules: readonly AutomatedAbrRule[], maxRenditions: number, maxResolution: Size | undefined, path: Path, problems: Problems): void {
  const of = (type: string) => rules.map((r, k) => ({ r, k })).filter(({ r }) => r.Type === type);
  const top = of('MIN_TOP_RENDITION_SIZE')[0];
  const bottom = of('MIN_BOTTOM_RENDITION_SIZE')[0];
  const force = of('FORCE_INCLUDE_RENDITIONS')[0];
  const allowed = of('ALLOWED_RENDITIONS')[0];
  rules.forEach((r, k) => {
    if (r.Type === undefined) problems.add([...path, k, 'Type'], 'required');
    const need = RULE_PAYLOAD[r.Type ?? ''];
    if (!need) return;
    const v = r[need];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) problems.add([...path, k, need], `required (at least one rendition) for a ${r.Type} rule`);
    for (const sizeList of [r.AllowedRenditions, r.ForceIncludeRenditions]) {
      sizeList?.forEach((s, n) => {
        if (s.Width === undefined || s.Height === undefined) problems.add([...path, k, sizeList === r.AllowedRenditions ? 'AllowedRenditions' : 'ForceIncludeRenditions', n], 'Width and Height are required');
      });
    }
  });
  for (const type of ['MIN_TOP_RENDITION_SIZE', 'MIN_BOTTOM_RENDITION_SIZE', 'FORCE_INCLUDE_RENDITIONS', 'ALLOWED_RENDITIONS']) {
    // AWS documents no meaning for a rule type given twice; refused.
    if (of(type).length > 1) problems.add(path, `${type} is given more than once`);
  }
  if (force && allowed) problems.add([...path, allowed.k], 'Allowed renditions and Force include renditions cannot both be specified');
  const topSize = top?.r.MinTopRenditionSize;
  const bottomSize = bottom?.r.MinBottomRenditionSize;
  if (topSize && bottomSize && !atLeast(topSize, bottomSize)) {
    problems.add([...path, bottom!.k, 'MinBottomRenditionSize'], `must be less than or equal to Min top rendition size ${sizeText(topSize)}`);
  }
  if (topSize && maxResolution && !atLeast(maxResolution, topSize)) {
    problems.add([...path, top!.k, 'MinTopRenditionSize'], `must be less than or equal to the Max resolution ${sizeText(maxResolution)}`);
  }
  const dedupe = (sizes: readonly Size[]) => [...new Map(sizes.map((s) => [sizeText(s), s])).values()];
  if (force?.r.ForceIncludeRenditions?.length) {
    const sizes = dedupe(force.r.ForceIncludeRenditions);
    const p = [...path, force.k, 'ForceIncludeRenditions'];
    if (sizes.length > maxRenditions) problems.add(p, `${sizes.length} resolutions is more than Max renditions (${maxRenditions})`);
    if (topSize && !sizes.some((s) => atLeast(s, topSize))) problems.add(p, `at least one resolution must be at least Min top rendition size ${sizeText(topSize)}`);
    if (bottomSize && !sizes.every((s) => atLeast(s, bottomSize))) problems.add(p, `every resolution must be at least Min bottom rendition size ${sizeText(bottomSize)}`);
  }
  if (allowed?.r.AllowedRenditions?.length) {
    const sizes = dedupe(allowed.r.AllowedRenditions);
    const p = [...path, allowed.k, 'AllowedRenditions'];
    if (sizes.length !== maxRenditions) {
      problems.add(p, `${sizes.length} resolutions for Max renditions ${maxRenditions}: the user guide requires at most, the API reference at least Max renditions`);
    }
    if (topSize && !sizes.some((s) => atLeast(s, topSize))) problems.add(p, `at least one resolution must be at least Min top rendition size ${sizeText(topSize)}`);
    if (bottomSize && !sizes.some((s) => atLeast(s, bottomSize))) problems.add(p, `at least one resolution must be at least Min bottom rendition size ${sizeText(bottomSize)}`);
  }
}
