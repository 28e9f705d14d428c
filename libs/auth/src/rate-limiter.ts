/**
 * A token bucket per API key: `rate` requests per second on average, bursts of up to two seconds'
 * worth. In-process: with several API replicas each enforces the rate on its own share.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** 0 when the request may go ahead, else the seconds to wait before retrying. */
  take(keyId: string, ratePerSecond: number, cost = 1): number {
    if (ratePerSecond <= 0) return 0;
    const capacity = Math.max(ratePerSecond * 2, cost);
    const now = this.now();
    const bucket = this.buckets.get(keyId) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * ratePerSecond);
    bucket.at = now;
    this.buckets.set(keyId, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    return Math.max(1, Math.ceil((cost - bucket.tokens) / ratePerSecond));
  }
}
