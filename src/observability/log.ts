/**
 * Structured JSON logs (pino): one line a request with method, status, duration, user and the
 * fault rule that fired on it (if one did), and never a secret (no URL, no parameters, no
 * headers: webhook secrets and tokens travel there).
 */
import { type Logger, pino } from 'pino';
import type { RequestRecord } from './metrics.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}

export function logRequest(logger: Logger, record: RequestRecord): void {
  // Below `info` nothing is written: skip building the line.
  if (!logger.isLevelEnabled('info')) return;
  logger.info(
    {
      method: record.method,
      status: record.status,
      ms: Math.round(record.durationMs * 100) / 100,
      user: record.userId,
      fault: record.fault,
    },
    'request',
  );
}
