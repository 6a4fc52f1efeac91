/**
 * `batch`, as CRestProvider::methodsBatch runs it: up to 50 commands, each a query string
 * `method?params`, run in order through the same platform step as an HTTP call (never through
 * HTTP again), with `$result[key][field]` references to earlier answers and `halt`.
 */
import { performance } from 'node:perf_hooks';
import { timeObject } from '../http/envelope.js';
import { assertNoNul, parsePhpQuery } from '../http/request-params.js';
import type { CommandTrace } from '../rest/dispatch.js';
import { errors, RestError } from '../rest/errors.js';
import { param } from '../rest/params.js';
import { isNumeric, isPhpArray, phpTruthy } from '../rest/php.js';
import { defineMethod, type MethodContext } from '../rest/registry.js';
import { result } from '../rest/result.js';

export const BATCH_MAX_LENGTH = 50;

/** The five maps of the answer, each keyed like `cmd`; references read them by these names. */
interface BatchMaps {
  result: Map<string, unknown>;
  next: Map<string, unknown>;
  total: Map<string, unknown>;
  time: Map<string, unknown>;
  error: Map<string, unknown>;
}

const batch = defineMethod({
  name: 'batch',
  caseInsensitiveParams: true,
  scope: 'basic',
  result: result.batch([
    errors.methodNotFound,
    errors.insufficientScope,
    errors.batchMethodNotAllowed,
    errors.batchLengthExceeded,
    () => errors.batchReferencesExceeded(MAX_REFERENCES_PER_COMMAND),
    errors.wrongEncoding,
  ]),
  params: { cmd: param.loose(), halt: param.loose() },
  // Only the commands' own time counts against the operating limit (limits.md).
  countsOperatingTime: false,
  handler: async ({ cmd, halt }, ctx) => {
    const maps: BatchMaps = { result: new Map(), next: new Map(), total: new Map(), time: new Map(), error: new Map() };
    if (isPhpArray(cmd)) await runCommands(ctx, Object.entries(cmd), phpTruthy(halt), maps);
    return {
      result: phpJson(maps.result),
      result_error: phpJson(maps.error),
      result_total: phpJson(maps.total),
      result_next: phpJson(maps.next),
      result_time: phpJson(maps.time),
    };
  },
});

async function runCommands(ctx: MethodContext, commands: [string, unknown][], halt: boolean, maps: BatchMaps) {
  let count = 0;
  for (const [key, command] of commands) {
    let failure: RestError | undefined;
    if (count++ < BATCH_MAX_LENGTH) {
      // The real server skips entries that are not strings (they still count toward 50).
      if (typeof command !== 'string') continue;
      failure = await runCommand(ctx, key, command, maps);
    } else {
      failure = errors.batchLengthExceeded();
      if (typeof command === 'string') traceCommand(ctx, methodOf(command), ctx.clock.now())?.end(undefined, failure);
    }
    if (failure) {
      maps.error.set(key, failure.toBody());
      if (halt) break;
    }
  }
}

const methodOf = (command: string) => {
  const at = command.indexOf('?');
  return at === -1 ? command : command.slice(0, at);
};

async function runCommand(ctx: MethodContext, key: string, command: string, maps: BatchMaps) {
  const method = methodOf(command);
  const startedAt = ctx.clock.now();
  const traced = traceCommand(ctx, method, startedAt);
  if (method.toLowerCase() === 'batch') {
    const refused = errors.batchMethodNotAllowed();
    traced?.end(undefined, refused);
    return refused;
  }
  const t0 = performance.now();
  try {
    const query = parsePhpQuery(method.length === command.length ? '' : command.slice(method.length + 1));
    // A command's query string decodes here, not in the transport: its %00 is checked here.
    assertNoNul(query);
    const params = resolveReferences(query, maps) as Record<string, unknown>;
    if (traced) traced.trace.params = params;
    const t1 = performance.now();
    const outcome = await ctx.call(method, params, traced?.trace);
    const t2 = performance.now();
    traced?.end(outcome.result);
    maps.result.set(key, outcome.result);
    if (outcome.next !== undefined) maps.next.set(key, outcome.next);
    if (outcome.total !== undefined) maps.total.set(key, outcome.total);
    // Each command's time carries the operating counter as a call's own `time` does (the SDK reads it per command).
    maps.time.set(key, timeObject(startedAt, t2 - t0, t2 - t1, outcome.operating));
    return undefined;
  } catch (error) {
    if (!(error instanceof RestError)) throw error;
    traced?.end(undefined, error);
    return error;
  }
}

/**
 * When the batch is journaled: the command's trace, added to the batch's, and how to close it
 * with the command's answer. Undefined when nothing is journaled.
 */
function traceCommand(ctx: MethodContext, method: string, startedAt: number) {
  const commands = ctx.trace?.commands;
  if (commands === undefined) return undefined;
  const t0 = performance.now();
  const trace: CommandTrace = { method, params: {}, startedAt, durationMs: 0 };
  commands.push(trace);
  return {
    trace,
    end(result: unknown, error?: RestError): CommandTrace {
      trace.durationMs = performance.now() - t0;
      if (error) trace.error = error;
      else trace.result = result;
      return trace;
    },
  };
}

const REFERENCE = /\$(result|next|total|time|error)(\S*)/gi;
const WHOLE_REFERENCE = /^\$(result|next|total|time|error)(\S*)$/i;
const PATH_SEGMENT = /\[([^\]]+)\]/g;

/**
 * Most references one command may hold. Each costs a walk of the earlier answers; a command
 * of a few MB could otherwise hold hundreds of thousands of them.
 */
export const MAX_REFERENCES_PER_COMMAND = 1000;

/**
 * Replaces `$result[key][field]...` in every value, as CRestUtil::processBatchElement does, in
 * one pass over each string (one replacement per reference, whatever the string's length).
 */
function resolveReferences(value: unknown, maps: BatchMaps, seen = { count: 0 }): unknown {
  if (isPhpArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveReferences(v, maps, seen);
    return Array.isArray(value) ? Object.values(out) : out;
  }
  if (typeof value !== 'string' || !value.includes('$')) return value;
  const count = () => {
    if (++seen.count > MAX_REFERENCES_PER_COMMAND) throw errors.batchReferencesExceeded(MAX_REFERENCES_PER_COMMAND);
  };
  // A value that is exactly one reference takes the referenced value itself, arrays included.
  const whole = WHOLE_REFERENCE.exec(value);
  if (whole) {
    const segments = pathOf(whole[2] as string);
    if (segments.length > 0) {
      count();
      return lookUpReference(maps, whole[1] as string, segments);
    }
  }
  return value.replace(REFERENCE, (text: string, kind: string, path: string) => {
    const segments = pathOf(path);
    if (segments.length === 0) return text;
    count();
    const resolved = lookUpReference(maps, kind, segments);
    const replacement = isNumeric(resolved) ? String(resolved) : resolved;
    // Only text takes the place of a reference inside a longer string; anything else leaves it.
    return typeof replacement === 'string' ? replacement : text;
  });
}

function pathOf(text: string): string[] {
  return [...text.matchAll(PATH_SEGMENT)].map((m) => m[1] as string);
}

function lookUpReference(maps: BatchMaps, kind: string, segments: string[]): unknown {
  return walk(maps[kind.toLowerCase() as keyof BatchMaps], segments);
}

/** Follows the path as far as it exists (PHP's isset loop stops at the first missing key). */
function walk(root: Map<string, unknown>, segments: string[]): unknown {
  let current: unknown = root;
  for (const segment of segments) {
    const next =
      current instanceof Map
        ? current.get(segment)
        : isPhpArray(current)
          ? (current as Record<string, unknown>)[segment]
          : undefined;
    if (next === undefined || next === null) break;
    current = next;
  }
  return current instanceof Map ? phpJson(current) : current;
}

/** A PHP array as json_encode writes it: a list when keyed 0..n-1 in order (so `[]` when empty). */
function phpJson(map: Map<string, unknown>): unknown {
  const keys = [...map.keys()];
  if (keys.every((k, i) => k === String(i))) return [...map.values()];
  return Object.fromEntries(map);
}

export const batchMethods = [batch];
