/**
 * The rate limit (a leaky bucket per client) and the operating-time limit (per client and
 * method, ten one-minute baskets), as `limits.md` describes them. Both counters live in the
 * database so that every server process sharing it sees the same ones. When a limit is off it
 * costs nothing: no query is made.
 */

import { OPERATING_WINDOW_MS, type OperatingTotal } from '../store/repositories/limits.js';
import type { Store } from '../store/store.js';
import type { Caller } from './auth.js';
import { errors } from './errors.js';

export interface LimitSettings {
  /** Leaky bucket: threshold X, drain Y per second. Off when absent. */
  rate?: { threshold: number; drainPerSecond: number };
  /** Operating seconds allowed per method and client in ten minutes. Off when absent. */
  operatingSeconds?: number;
}

/** `--rate-limit cloud`: the Bitrix24 cloud's 50 and 2. */
export const CLOUD_RATE = { threshold: 50, drainPerSecond: 2 } as const;

export const NO_LIMITS: LimitSettings = {};

/** `X:Y`, `cloud` or `off`. */
export function parseRateLimit(text: string | undefined): LimitSettings['rate'] {
  if (text === undefined || text === 'off') return undefined;
  if (text === 'cloud') return { ...CLOUD_RATE };
  const [x, y] = text.split(':').map(Number);
  if (!(x !== undefined && y !== undefined && x >= 1 && y > 0 && Number.isFinite(x) && Number.isFinite(y))) {
    throw new Error(`--rate-limit must be X:Y (threshold >= 1, drain > 0 per second), cloud or off; got "${text}"`);
  }
  return { threshold: x, drainPerSecond: y };
}

export function parseOperatingLimit(text: string | undefined): number | undefined {
  if (text === undefined || text === 'off') return undefined;
  const seconds = Number(text);
  if (!(Number.isFinite(seconds) && seconds > 0)) {
    throw new Error(`--operating-limit must be a number of seconds or off; got "${text}"`);
  }
  return seconds;
}

/** One HTTP request of the caller; 503 QUERY_LIMIT_EXCEEDED when its bucket is full. */
export async function admitRequest(store: Store, settings: LimitSettings, caller: Caller, now: number): Promise<void> {
  const rate = settings.rate;
  if (!rate) return;
  const admitted = await store.autocommit(({ limits }) =>
    limits.admit(caller.clientKey, now, rate.threshold, rate.drainPerSecond),
  );
  if (!admitted) throw errors.queryLimitExceeded();
}

/** Before a method runs: 429 OPERATION_TIME_LIMIT when its counter is already over the limit. */
export async function checkOperating(
  store: Store,
  limit: number,
  caller: Caller,
  method: string,
  now: number,
): Promise<OperatingTotal> {
  const total = await store.read(({ limits }) => limits.operatingTotal(caller.clientKey, method, now));
  if (total.seconds > limit) throw errors.operationTimeLimit();
  return total;
}

export async function recordOperating(
  store: Store,
  caller: Caller,
  method: string,
  now: number,
  seconds: number,
  before: OperatingTotal,
): Promise<{ seconds: number; resetAt: number }> {
  await store.autocommit(({ limits }) => limits.recordOperating(caller.clientKey, method, now, seconds));
  // The oldest live basket leaves the window ten minutes after its first call.
  const oldest = before.oldestStart ?? now;
  return { seconds: before.seconds + seconds, resetAt: Math.floor((oldest + OPERATING_WINDOW_MS) / 1000) };
}
