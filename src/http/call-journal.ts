/**
 * A REST call into its portal's journal, whoever carried it: a client through `/rest/`, or the
 * web console through the admin API. A `batch` leaves an entry for each of its commands too.
 */
import { performance } from 'node:perf_hooks';
import { commandRecords, journalRecord } from '../journal/entry.js';
import type { CallTrace, Platform } from '../rest/dispatch.js';
import type { RestError } from '../rest/errors.js';
import type { HttpOptions } from './server.js';

/** The status a call is counted under when a fault rule closed its connection (nginx's 444). */
export const CLOSED_WITHOUT_RESPONSE = 444;

type JournalOptions = Pick<HttpOptions, 'journal' | 'portals' | 'onUnexpectedError'>;

/** Whether calls are journaled (a journal of size 0 keeps nothing). */
export function journaling(options: JournalOptions): boolean {
  return options.journal !== undefined && options.journal.size > 0;
}

/** What the transport knew of a call when it answered. */
export interface AnsweredCall {
  /** When it arrived, on the portal's clock (ms). */
  startedAt: number;
  /** As the client named it. */
  method: string;
  params: Record<string, unknown>;
  status: number;
  /** `performance.now()` when the request arrived. */
  t0: number;
  trace: CallTrace;
}

/**
 * Records the call before its answer goes out, so a client that reads the journal next finds it.
 * A call whose caller is unknown (refused credentials) is not recorded. A journal that fails
 * never costs the call its answer.
 */
export function recordCall(
  options: JournalOptions,
  platform: Platform,
  call: AnsweredCall,
  error?: RestError,
  resultText?: string,
): void {
  const { journal } = options;
  const { caller, commands, fault } = call.trace;
  if (journal === undefined || !journaling(options) || caller === undefined) return;
  try {
    const entry = journalRecord({
      startedAt: call.startedAt,
      method: platform.registry.find(call.method)?.name ?? call.method,
      caller,
      params: call.params,
      status: call.status,
      error,
      resultText,
      durationMs: performance.now() - call.t0,
      fault,
    });
    const records = commands?.length ? commandRecords(platform.registry, caller, commands) : undefined;
    journal.record(options.portals.nameOf(platform), entry, records);
  } catch (failure) {
    options.onUnexpectedError?.(failure);
  }
}
