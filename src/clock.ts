/** Where the server reads the time. One clock per server, so tests can set or advance it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The server's own clock: real time, shifted by an offset an administrator can set or
 * advance (`serve --clock`, `POST /_admin/clock`). It keeps running from where it was put, so
 * durations, token expiry and rate-limit drain behave as in real time from that point on.
 */
export class AdjustableClock implements Clock {
  private offset = 0;

  constructor(start?: number) {
    if (start !== undefined) this.set(start);
  }

  now(): number {
    return Date.now() + this.offset;
  }

  set(ms: number): void {
    this.offset = ms - Date.now();
  }

  advance(ms: number): void {
    this.offset += ms;
  }

  /** How far it is ahead of real time, ms: what is stored so other processes run on the same time. */
  get offsetMs(): number {
    return this.offset;
  }

  setOffset(ms: number): void {
    this.offset = ms;
  }
}

/**
 * The times the clock may be put at: years 1 to 9999 (UTC). Past JavaScript's Date range
 * (±8.64e15 ms) every date the server writes would be `NaN`; past four-digit years the wire's
 * dates (`2025-04-01T09:00:00+02:00`, `dd.mm.yyyy`) cannot say them, so those are refused too.
 */
const EARLIEST_CLOCK_MS = Date.parse('0001-01-01T00:00:00Z');
const LATEST_CLOCK_MS = Date.parse('9999-12-31T23:59:59.999Z');
export const CLOCK_RANGE_TEXT = 'The clock takes times from 0001-01-01 to 9999-12-31 (UTC)';

export function isClockTime(ms: number): boolean {
  return ms >= EARLIEST_CLOCK_MS && ms <= LATEST_CLOCK_MS;
}

/** `--clock`: an ISO 8601 time, with its offset (`2025-04-01T09:00:00+02:00`). */
export function parseClockStart(text: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms))
    throw new Error(`--clock takes an ISO 8601 time such as 2025-04-01T09:00:00+02:00, not "${text}"`);
  if (!isClockTime(ms)) throw new Error(`--clock: ${CLOCK_RANGE_TEXT}; got "${text}"`);
  return ms;
}
