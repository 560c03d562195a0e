import { renewalsPerHour } from '../../player/src/session-renewal.ts';

/**
 * What the session lifetime implies: how long access survives a revoked enrollment or a sign-out,
 * and what the silent renewals cost. Prices are us-east-1 list prices, stated so the figure can
 * be checked: Lambda@Edge $0.60 per million requests and $0.00005001 per GB-second
 * (https://aws.amazon.com/cloudfront/pricing/), DynamoDB on-demand $0.125 per million read
 * request units (https://aws.amazon.com/dynamodb/pricing/on-demand/).
 */
export const PRICES = {
  lambdaEdgePerRequest: 0.6 / 1e6,
  lambdaEdgePerGbSecond: 0.00005001,
  dynamoPerReadUnit: 0.125 / 1e6,
} as const;

/** A renewal as measured locally: 128 MB, about 50 ms billed, one strongly consistent read. */
const RENEWAL = { memoryGb: 0.125, billedSeconds: 0.05, readUnits: 1 } as const;

export interface SessionAccess {
  readonly lifetimeSeconds: number;
  /** Worst case from a revocation (or sign-out) to the edge refusing media: the last policy's life. */
  readonly revocationBoundSeconds: number;
  readonly renewalsPerStudentHour: number;
  /** US dollars per student-hour of watching, for the renewals alone. */
  readonly renewalCostPerStudentHour: number;
}

export function sessionAccess(lifetimeSeconds: number): SessionAccess {
  const renewals = renewalsPerHour(lifetimeSeconds);
  const perRenewal =
    PRICES.lambdaEdgePerRequest + PRICES.lambdaEdgePerGbSecond * RENEWAL.memoryGb * RENEWAL.billedSeconds + PRICES.dynamoPerReadUnit * RENEWAL.readUnits;
  return { lifetimeSeconds, revocationBoundSeconds: lifetimeSeconds, renewalsPerStudentHour: renewals, renewalCostPerStudentHour: renewals * perRenewal };
}
