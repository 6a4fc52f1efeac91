/**
 * Parameters of a REST call as PHP would see them: the query string merged with a JSON or a
 * form body into one tree, with PHP-style nesting (`fields[note]=x`, `a[0][b]=c`) parsed by
 * `qs`. The body wins over the query string for a key that is in both.
 */
import { parse as parseQs } from 'qs';
import { errors } from '../rest/errors.js';

export const MAX_DEPTH = 32;
export const MAX_PARAMETERS = 10_000;

const QS_OPTIONS = {
  depth: MAX_DEPTH,
  strictDepth: true,
  // Above this many items an indexed list becomes an object with the indices as keys, which
  // the server reads the same way (a PHP array is both).
  arrayLimit: 1000,
  // PHP's max_input_vars: the rest is dropped, not refused.
  parameterLimit: MAX_PARAMETERS,
  allowPrototypes: false,
  allowDots: false,
} as const;

export type Params = Record<string, unknown>;

export function parsePhpQuery(text: string): Params {
  if (text === '') return {};
  try {
    return parseQs(text, QS_OPTIONS) as Params;
  } catch {
    throw errors.tooDeep(MAX_DEPTH);
  }
}

/** JSON as PHP's json_decode into arrays reads it: `[]` is an empty object, scalars give nothing. */
export function parseJsonParams(text: string): Params {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw errors.malformedJson(error instanceof Error ? error.message : 'syntax error');
  }
  assertDepth(value);
  if (Array.isArray(value)) return { ...value };
  return typeof value === 'object' && value !== null ? (value as Params) : {};
}

/** Refuses trees deeper than the parser would build from a query string. */
function assertDepth(root: unknown): void {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DEPTH) throw errors.tooDeep(MAX_DEPTH);
    for (const child of Object.values(value)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
}

/**
 * Refuses U+0000 anywhere in the params, keys included, as invalid input encoding. PostgreSQL
 * text cannot hold it while SQLite can: refusing it here, where every request's params are
 * whole, keeps both stores answering alike, and nothing is silently altered.
 */
export function assertNoNul(params: unknown): void {
  const stack: unknown[] = [params];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) throw errors.wrongEncoding();
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) throw errors.wrongEncoding();
        stack.push(child);
      }
    }
  }
}

export type BodyKind = 'json' | 'form' | 'multipart' | 'other';

export function bodyKind(contentType: string | undefined): BodyKind {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'multipart/form-data') return 'multipart';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  return 'other';
}
