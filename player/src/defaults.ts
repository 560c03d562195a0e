/**
 * Every timing and limit the player uses, in one typed object. Two sets live beside the code
 * that others read too, and are not copied here: session renewal (session-renewal.ts:
 * RENEW_AT_FRACTION, MUST_RENEW_FRACTION; the audit states their cost) and progress reporting
 * (progress.ts: SAVE_EVERY_SECONDS, CHECKPOINT_EVERY_SECONDS, COMPLETE_AT; the server's rule).
 */

export const PLAYER_DEFAULTS = {
  /** Seconds between keyframes (the pipeline's GOP) when the `keyframe-interval` attribute is absent. */
  keyframeInterval: 2,
  /** The pipeline's segment duration, pipeline/ladder.ts (the start level's first segment must download fast). */
  segmentSeconds: 2,
  /** Buffer for VOD: a lecture is watched in order and seeks are cheap. */
  buffer: {
    /** Seconds buffered ahead in steady state. */
    maxBufferLength: 24,
    maxMaxBufferLength: 48,
    backBufferLength: 30,
    /** Before play: one segment only (preload). */
    preloadBufferLength: 1,
    /** hls.js fragment look-up tolerance: land on the fragment that holds the seek target. */
    maxFragLookUpTolerance: 0.1,
    /**
     * Seconds the first fragment may take when nothing is buffered (a seek past the buffer, a
     * stall): hls.js's maxStarvationDelay (its default, 4, let a seek wait for a whole 720p
     * segment). ABR climbs back from the next fragment.
     */
    emptyBufferFetchSeconds: 0.3,
  },
  /** A start gap shorter than this (encoder delay) is jumped over while paused. */
  startGapSeconds: 1,
  /** A seek is kept this far inside the end, so it lands on a frame. */
  seekEndMarginSeconds: 0.25,
  /** hls.js recoveries before an error is shown: media (recoverMediaError), network (startLoad after n s). */
  recoveries: { media: 2, network: 3, networkBackoffMs: 1_000 },
  /** Fragments smaller than this say more about latency than throughput: not remembered. */
  bandwidthSampleMinBytes: 100_000,
  session: {
    /** Never schedule a renewal sooner than this (the schedule itself: session-renewal.ts). */
    minRenewDelayMs: 1_000,
    /** Longest Retry-After honoured on a 503 from /auth/session (seconds), and the default. */
    maxRetryAfterSeconds: 5,
    defaultRetryAfterSeconds: 1,
  },
  lesson: {
    /** Never wait longer than this for the resume position (the progress API). */
    positionLookupCapMs: 1_000,
    /** An on-demand encode: ask again after Retry-After, clamped to these bounds (seconds). */
    preparingRetrySeconds: { min: 2, max: 60, fallback: 10 },
  },
  next: {
    /** Prefetch the next lesson within this many seconds of the end… */
    warmWithinSeconds: 30,
    /** …once this much of the current lesson is buffered ahead (less near the very end). */
    warmBufferedSeconds: 8,
    warmEndMarginSeconds: 0.5,
  },
  controls: {
    /** Controls fade after this long without pointer or keyboard activity. */
    idleMs: 2_500,
    speeds: [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2] as readonly number[],
    /** Seek steps: arrows, J/L. */
    seekStepSeconds: 5,
    seekJumpSeconds: 10,
    volumeStep: 0.05,
    /** Unmuting at volume 0 restores this. */
    unmuteVolume: 0.5,
  },
} as const;

export type PlayerDefaults = typeof PLAYER_DEFAULTS;
