/**
 * A journal entry as the process that answered the call writes it: the call's facts, with every
 * credential taken out, serialized once. The id, a batch command's `batchId` and the `time` text
 * are added by the journal that keeps it, which may live in another process
 * (src/journal/cluster.ts).
 */
import type { Caller } from '../rest/auth.js';
import type { CommandTrace } from '../rest/dispatch.js';
import type { RestError } from '../rest/errors.js';
import type { Registry } from '../rest/registry.js';

/** Most bytes of serialized parameters, and of serialized result, an entry keeps. */
export const ENTRY_VALUE_LIMIT = 16 * 1024;

/** The longest method name an entry keeps (a client may send anything as the name). */
const METHOD_NAME_LIMIT = 200;

/**
 * Parameters that carry credentials (the `auth` token, the token of `?access_token=`) or that a
 * confused client may send its secrets in: never kept, in any case.
 */
const SECRET_PARAMS = new Set(['auth', 'access_token', 'refresh_token', 'client_secret']);

/** Who called, as an entry shows it. `console` is the web console's own calls. */
export interface JournalCaller {
  type: 'webhook' | 'oauth' | 'console';
  userId: number;
  webhookId?: number;
  clientId?: string;
}

/** An entry as the journal answers it (`GET .../journal`, `portal.journal()`). */
export interface JournalEntry {
  id: number;
  /** When the call arrived, on the portal's clock (ISO 8601, UTC). */
  time: string;
  /** As declared (`booking.v1.booking.add`), or as the client sent it when there is no such method. */
  method: string;
  caller: JournalCaller;
  /** Without `auth` and other credentials; a string when cut (`paramsTruncated`). */
  params: unknown;
  paramsTruncated?: true;
  status: number;
  /** The error answered, as the client received it. */
  error?: { error: string; error_description: string };
  /** The `result` answered; a string when cut (`resultTruncated`). */
  result?: unknown;
  resultTruncated?: true;
  durationMs: number;
  /** A command of a `batch`: the batch's entry id. */
  batchId?: number;
  /** The id of the fault rule that answered (or changed) this call. */
  fault?: string | number;
}

/** One call as a journal takes it: what filters read, and the rest of the entry as JSON. */
export interface JournalRecord {
  /** Lower case: globs match it whatever case they are written in. */
  method: string;
  status: number;
  /** When the call arrived, on the portal's clock (ms); the entry's `time` is written when read. */
  startedAt: number;
  /** The entry's members after `id`, `batchId` and `time`: `"method":...,"caller":...` (no braces). */
  members: string;
}

/** What happened in one call, as the transport (or `batch`, for a command) saw it. */
export interface CallFacts {
  /** When it arrived, on the portal's clock (ms). */
  startedAt: number;
  /** As declared, or as the client named it when no method has the name. */
  method: string;
  caller: Caller;
  params: Record<string, unknown>;
  status: number;
  error?: RestError;
  /** The result as serialized for the answer (JSON text), when the call succeeded. */
  resultText?: string;
  durationMs: number;
  fault?: string | number;
}

/** The records of a `batch`'s commands (see CommandTrace), made by the caller of the batch. */
export function commandRecords(registry: Registry, caller: Caller, commands: readonly CommandTrace[]): JournalRecord[] {
  return commands.map((command) =>
    journalRecord({
      startedAt: command.startedAt,
      method: registry.find(command.method)?.name ?? command.method,
      caller,
      params: command.params,
      status: command.error?.status ?? 200,
      error: command.error,
      resultText: command.error ? undefined : JSON.stringify(command.result),
      durationMs: command.durationMs,
      fault: command.fault,
    }),
  );
}

/** A caller's JSON, made once for each caller object (the caller cache hands out the same one for a second). */
const callerTexts = new WeakMap<Caller, string>();

function callerText(caller: Caller): string {
  let text = callerTexts.get(caller);
  if (text === undefined) {
    text = JSON.stringify(journalCaller(caller));
    callerTexts.set(caller, text);
  }
  return text;
}

export function journalCaller(caller: Caller): JournalCaller {
  if (caller.console) return { type: 'console', userId: caller.userId };
  if (caller.clientId !== undefined) return { type: 'oauth', userId: caller.userId, clientId: caller.clientId };
  return { type: 'webhook', userId: caller.userId, webhookId: caller.webhookId };
}

export function journalRecord(facts: CallFacts): JournalRecord {
  const method = facts.method.slice(0, METHOD_NAME_LIMIT);
  let members =
    `"method":${JSON.stringify(method)},"caller":${callerText(facts.caller)}` +
    `,${bounded('params', JSON.stringify(withoutSecrets(method, facts.params)))},"status":${facts.status}`;
  if (facts.error) members += `,"error":${JSON.stringify(facts.error.toBody())}`;
  if (facts.resultText !== undefined) members += `,${bounded('result', facts.resultText)}`;
  members += `,"durationMs":${Math.round(facts.durationMs * 100) / 100}`;
  if (facts.fault !== undefined) members += `,"fault":${JSON.stringify(facts.fault)}`;
  return { method: method.toLowerCase(), status: facts.status, startedAt: facts.startedAt, members };
}

/**
 * `"name":<json>`, or, past ENTRY_VALUE_LIMIT bytes, the JSON text cut to the limit as a string
 * and `"<name>Truncated":true`.
 */
function bounded(name: 'params' | 'result', json: string): string {
  // Three bytes a UTF-16 unit at most: short text needs no count.
  if (json.length * 3 <= ENTRY_VALUE_LIMIT || Buffer.byteLength(json) <= ENTRY_VALUE_LIMIT) {
    return `"${name}":${json}`;
  }
  // A character cut in two decodes as U+FFFD: dropped.
  const cut = Buffer.from(json)
    .subarray(0, ENTRY_VALUE_LIMIT)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `"${name}":${JSON.stringify(cut)},"${name}Truncated":true`;
}

/** The parameters without credentials; a `batch`'s commands without theirs either. */
function withoutSecrets(method: string, params: Record<string, unknown>): Record<string, unknown> {
  let out = params;
  for (const key of Object.keys(params)) {
    if (!SECRET_PARAMS.has(key.toLowerCase())) continue;
    if (out === params) out = { ...params };
    delete out[key];
  }
  if (method.toLowerCase() !== 'batch') return out;
  for (const key of Object.keys(out)) {
    const commands = out[key];
    if (key.toLowerCase() !== 'cmd' || typeof commands !== 'object' || commands === null) continue;
    const scrub = (command: unknown) => (typeof command === 'string' ? commandWithoutSecrets(command) : command);
    const scrubbed = Array.isArray(commands)
      ? commands.map(scrub)
      : Object.fromEntries(Object.entries(commands).map(([name, command]) => [name, scrub(command)]));
    out = { ...out, [key]: scrubbed };
  }
  return out;
}

/** `method?a=1&auth=x` without the pairs whose name (decoded, before any `[`) is a secret one. */
function commandWithoutSecrets(command: string): string {
  const at = command.indexOf('?');
  if (at === -1) return command;
  const pairs = command.slice(at + 1).split('&');
  const kept = pairs.filter((pair) => !SECRET_PARAMS.has(pairName(pair)));
  if (kept.length === pairs.length) return command;
  return kept.length === 0 ? command.slice(0, at) : `${command.slice(0, at)}?${kept.join('&')}`;
}

function pairName(pair: string): string {
  const eq = pair.indexOf('=');
  const raw = (eq === -1 ? pair : pair.slice(0, eq)).replaceAll('+', ' ');
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    name = raw;
  }
  const bracket = name.indexOf('[');
  // PHP's parse_str drops leading spaces of a name.
  return (bracket === -1 ? name : name.slice(0, bracket)).trimStart().toLowerCase();
}
