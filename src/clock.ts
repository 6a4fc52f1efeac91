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
}

/** `--clock`: an ISO 8601 time, with its offset (`2025-04-01T09:00:00+02:00`). */
export function parseClockStart(text: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms))
    throw new Error(`--clock takes an ISO 8601 time such as 2025-04-01T09:00:00+02:00, not "${text}"`);
  return ms;
}
