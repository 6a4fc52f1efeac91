/**
 * Repeated failed authentication from one client address, slowed to a trickle. Each failure
 * (a wrong webhook secret, an unknown token, a wrong admin token) fills that address's leaky
 * bucket by one; it drains by `drainPerSecond`. While the bucket is over `burst`, credentials
 * from that address are not even looked up: the answer is `QUERY_LIMIT_EXCEEDED`, which every
 * Bitrix24 client already backs off from. Callers are not punished for sharing an address with
 * a guesser (every local client shares 127.0.0.1): credentials that authenticated in the last
 * `provenMs` pass as always.
 */
import { performance } from 'node:perf_hooks';

export interface AuthThrottleSettings {
  /** Failures an address may make at once before it is throttled. */
  burst: number;
  /** Failures forgiven per second. */
  drainPerSecond: number;
  /** How long credentials that authenticated are let through a throttled address, ms. */
  provenMs: number;
}

export const DEFAULT_AUTH_THROTTLE: AuthThrottleSettings = { burst: 30, drainPerSecond: 1, provenMs: 10 * 60_000 };

/** Most addresses and credentials remembered; past it the oldest are forgotten first. */
const MEMORY_LIMIT = 10_000;

export class AuthThrottle {
  private readonly buckets = new Map<string, { level: number; at: number }>();
  private readonly proven = new Map<string, number>();

  constructor(private readonly settings: AuthThrottleSettings = DEFAULT_AUTH_THROTTLE) {}

  /** Whether `key` (the credentials, as the caller cache keys them) may be checked now. */
  admits(address: string, key: string): boolean {
    const bucket = this.buckets.get(address);
    if (bucket === undefined || this.level(bucket) <= this.settings.burst) return true;
    const until = this.proven.get(key);
    return until !== undefined && until > performance.now();
  }

  failed(address: string): void {
    const bucket = this.buckets.get(address);
    const level = bucket === undefined ? 0 : this.level(bucket);
    this.buckets.delete(address);
    remember(this.buckets, address, { level: level + 1, at: performance.now() });
  }

  succeeded(key: string): void {
    this.proven.delete(key);
    remember(this.proven, key, performance.now() + this.settings.provenMs);
  }

  private level(bucket: { level: number; at: number }): number {
    return Math.max(0, bucket.level - ((performance.now() - bucket.at) / 1000) * this.settings.drainPerSecond);
  }
}

/** Sets `key` as the newest entry, forgetting the oldest when the map is full. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MEMORY_LIMIT) map.delete(map.keys().next().value as string);
  map.set(key, value);
}
