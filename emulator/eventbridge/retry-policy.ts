/**
 * Retries of a failed delivery, after "How EventBridge retries delivering events"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html): by
 * default for 24 hours and up to 185 times with exponential back-off and jitter, bounded by
 * the target's RetryPolicy (MaximumRetryAttempts, MaximumEventAgeInSeconds); an event still
 * undelivered after that is dropped. Locally the retries are also capped (`maxRetries`) and
 * the delays short, so a failing target settles in seconds, not a day.
 */
import type { TargetRetryPolicy } from './rules.ts';

export interface LocalRetryOptions {
  /** Most retries of one delivery, whatever the target's policy allows. Default 4. */
  readonly maxRetries?: number;
  /** First back-off ceiling; it doubles per retry. Default 100 ms. */
  readonly baseDelayMs?: number;
  /** Largest back-off ceiling. Default 2000 ms. */
  readonly maxDelayMs?: number;
  /** Jitter source, [0, 1). Default Math.random. */
  readonly random?: () => number;
}

export const EVENTBRIDGE_DEFAULT_RETRIES = 185;
export const EVENTBRIDGE_DEFAULT_MAX_AGE_SECONDS = 86_400;

export interface RetryPlan {
  readonly retries: number;
  readonly maxAgeMs: number;
  /** Full-jitter delay before retry number `retry` (0-based). */
  delayMs(retry: number): number;
}

export function retryPlan(policy: TargetRetryPolicy | undefined, local: LocalRetryOptions = {}): RetryPlan {
  const retries = Math.min(policy?.maximumRetryAttempts ?? EVENTBRIDGE_DEFAULT_RETRIES, local.maxRetries ?? 4);
  const base = local.baseDelayMs ?? 100;
  const cap = local.maxDelayMs ?? 2000;
  const random = local.random ?? Math.random;
  return {
    retries: Math.max(0, retries),
    maxAgeMs: (policy?.maximumEventAgeInSeconds ?? EVENTBRIDGE_DEFAULT_MAX_AGE_SECONDS) * 1000,
    delayMs: (retry) => Math.floor(random() * Math.min(cap, base * 2 ** retry)),
  };
}
