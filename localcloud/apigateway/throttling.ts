import type { Stage, Throttle } from './rest-apis';

/**
 * A stage's throttling as API Gateway applies it: a token bucket per method
 * (its MethodSettings for `resourcePath/METHOD`, else for the resource's
 * `*`, else the stage's `/*` `*`), holding `burstLimit` requests and refilled
 * at `rateLimit` a second. An empty bucket is 429 Too Many Requests.
 */
export class Throttling {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** The limit for a method of a stage, if any. */
  static limitFor(stage: Stage, resourcePath: string, httpMethod: string): Throttle | undefined {
    return stage.throttling.get(`${resourcePath} ${httpMethod}`) ?? stage.throttling.get(`${resourcePath} *`) ?? stage.throttling.get('/* *');
  }

  /** True when the request may proceed (a token was taken). */
  take(key: string, limit: Throttle, nowMs: number): boolean {
    const capacity = Math.max(0, limit.burstLimit);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: capacity, at: nowMs };
      this.buckets.set(key, bucket);
    }
    const elapsed = Math.max(0, nowMs - bucket.at) / 1000;
    bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * Math.max(0, limit.rateLimit));
    bucket.at = nowMs;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
