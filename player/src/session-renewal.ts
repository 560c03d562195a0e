/**
 * When the player renews a media session. Sessions are short on purpose (the issuer's
 * `cookie.ttlSeconds`, default 50 s): their lifetime is the bound on how long a revoked
 * enrollment or a signed-out student keeps media access, so the player renews silently well
 * before the end, and the audit reads the same numbers to state the cost.
 */

/** Renew once this fraction of a session's lifetime has passed (60 %: 20 s to spare at 50 s). */
export const RENEW_AT_FRACTION = 0.6;

/** A media request waits for a new session only in the last 20 % (never less than 2 s). */
export const MUST_RENEW_FRACTION = 0.2;
const MIN_MARGIN_SECONDS = 2;

/** Milliseconds from receiving a session that lasts `lifetimeSeconds` to its scheduled renewal. */
export function renewalDelayMs(lifetimeSeconds: number): number {
  return Math.max(1_000, lifetimeSeconds * RENEW_AT_FRACTION * 1000);
}

/** When (epoch ms, this machine's clock) a session expiring at `expiresAt` is renewed. */
export function renewAtMs(info: { readonly expiresAt: number; readonly lifetimeSeconds: number }): number {
  return info.expiresAt * 1000 - info.lifetimeSeconds * 1000 + renewalDelayMs(info.lifetimeSeconds);
}

/** Seconds before expiry after which a session is no longer good enough to start a request on. */
export function mustRenewMarginSeconds(lifetimeSeconds: number): number {
  return Math.min(30, Math.max(MIN_MARGIN_SECONDS, lifetimeSeconds * MUST_RENEW_FRACTION));
}

/** Issuer calls per hour of continuous watching. */
export function renewalsPerHour(lifetimeSeconds: number): number {
  return 3_600_000 / renewalDelayMs(lifetimeSeconds);
}
