/**
 * Parameters of a REST call as PHP would see them: the query string merged with a JSON or a
 * form body into one tree, with PHP-style nesting (`fields[note]=x`, `a[0][b]=c`) parsed by
 * `qs`. The body wins over the query string for a key that is in both.
 */
import { parse as parseQs } from 'qs';
import { errors } from '../rest/errors.js';

export const MAX_DEPTH = 32;
export const MAX_PARAMETERS = 10_000;
/**
 * Most values a JSON body may hold (array items and object members, at any depth). Far above
 * any real call (50 batch commands, a filter of 40,000 ids) and far below what 8 MiB can
 * hold (four million zeros), so a body is refused before it is built into objects.
 */
export const MAX_JSON_VALUES = 200_000;

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

/**
 * JSON as PHP's json_decode into arrays reads it: `[]` is an empty object, scalars give nothing.
 * The text has passed a JsonBounds scan as it arrived (readBodyParams), so parsing it builds at
 * most MAX_JSON_VALUES values at most MAX_DEPTH levels deep.
 */
export function parseJsonParams(text: string): Params {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw errors.malformedJson(error instanceof Error ? error.message : 'syntax error');
  }
  if (Array.isArray(value)) return Object.assign({}, value) as unknown as Params;
  return typeof value === 'object' && value !== null ? (value as Params) : {};
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Refuses a JSON body nested deeper than a query string may be, or holding more than
 * MAX_JSON_VALUES values, while its bytes arrive: a body of millions of items or of nested
 * arrays is refused after its first few hundred kilobytes, before the rest is read, decoded or
 * built into objects. It counts structure only (strings are skipped, so brackets and commas in
 * them do not count; UTF-8's multi-byte sequences never contain these ASCII bytes); whether the
 * text is valid JSON, JSON.parse says next.
 */
export class JsonBounds {
  private depth = 0;
  private values = 0;
  private inString = false;
  private escaped = false;

  feed(bytes: Uint8Array): void {
    let { depth, values, inString, escaped } = this;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i] as number;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
      } else if (c === QUOTE) {
        inString = true;
      } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
        // The root container is level 0, as in the parameters tree.
        if (++depth > MAX_DEPTH + 1) throw errors.tooDeep(MAX_DEPTH);
        if (++values > MAX_JSON_VALUES) throw errors.tooManyParameters(MAX_JSON_VALUES);
      } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
        depth--;
      } else if (c === COMMA && ++values > MAX_JSON_VALUES) {
        throw errors.tooManyParameters(MAX_JSON_VALUES);
      }
    }
    this.depth = depth;
    this.values = values;
    this.inString = inString;
    this.escaped = escaped;
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
