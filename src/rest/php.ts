/**
 * The few PHP value rules the real server applies to what it receives, written once.
 * Bitrix binds request values to PHP-typed arguments; a Bitrix client must see the same
 * acceptance and the same casts here.
 */

export type PhpArray = Record<string, unknown> | unknown[];

/** A PHP array is either a JSON object or a JSON list (form encodings only make these). */
export function isPhpArray(value: unknown): value is PhpArray {
  return typeof value === 'object' && value !== null;
}

/** The values of a PHP array in order, whether it arrived as a list or as an object. */
export function phpArrayValues(value: PhpArray): unknown[] {
  return Array.isArray(value) ? value : Object.values(value);
}

/** `is_numeric()`: numbers, and strings such as "14", " 14", "-3", "5.5", "1e3". */
const NUMERIC = /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$/;
export function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && NUMERIC.test(value);
}

/**
 * `(int)` of a numeric value: truncation toward zero. Values outside the safe integer range
 * become 0, which matches no row (PHP's own result there is platform-dependent).
 */
export function phpInt(value: number | string): number {
  const n = Math.trunc(typeof value === 'number' ? value : Number(value.trim()));
  return Number.isSafeInteger(n) ? n : 0;
}

/** The number a string starts with, as PHP's casts read it ("12abc" -> "12", " 1e3x" -> " 1e3"). */
const LEADING_NUMBER = /^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/;

/**
 * PHP's `(int)` cast of any value: numbers truncate, strings take their leading number
 * ("12abc" -> 12, "abc" -> 0), booleans 0/1, arrays 0 when empty and 1 otherwise.
 */
export function phpIntCast(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? phpInt(value) : 0;
  if (typeof value === 'string') {
    const match = LEADING_NUMBER.exec(value);
    return match ? phpInt(match[0]) : 0;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (isPhpArray(value)) return phpArrayValues(value).length > 0 ? 1 : 0;
  return 0;
}

/** PHP_INT_MAX + 1 as a double: where PHP's 64-bit integers end. */
const PHP_INT_LIMIT = 2 ** 63;

/**
 * `intval()` of a position or a count rather than an id: as `phpIntCast`, but a number past
 * 64 bits saturates at PHP_INT_MAX or PHP_INT_MIN (here ±2^63, the nearest double), as PHP's
 * cast of a numeric string does ("9223372036854775808", "1e30").
 */
export function phpIntSaturating(value: unknown): number {
  let n: number;
  if (typeof value === 'number') n = Number.isFinite(value) ? Math.trunc(value) : 0;
  else if (typeof value === 'string') {
    const match = LEADING_NUMBER.exec(value);
    n = match ? Math.trunc(Number(match[0].trim())) : 0;
  } else return phpIntCast(value);
  return Math.max(-PHP_INT_LIMIT, Math.min(PHP_INT_LIMIT, n));
}

/** `(string)`: how PHP turns a scalar or an array into a string. */
export function phpString(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value === true) return '1';
  if (typeof value === 'object') return 'Array';
  return String(value);
}

/** PHP's `empty()`, which the output conversion uses to turn a value into `null`. */
export function phpEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '' || value === '0') {
    return true;
  }
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

const SNAKE_CACHE_SIZE = 10_000;
const snakeCache = new Map<string, string>();

/**
 * Bitrix's camel-to-snake key conversion (`preg_replace('/(.)([A-Z])/', '$1_$2')`, upper-cased).
 * `moduleId`, `ModuleId` and `module_id` all become `MODULE_ID`; an UPPER_SNAKE key such as
 * `MODULE_ID` becomes `M_OD_UL_E__ID` and so matches nothing, as on the real server.
 */
export function toUpperSnake(key: string): string {
  let snake = snakeCache.get(key);
  if (snake === undefined) {
    snake = key.replace(/(.)([A-Z])/g, '$1_$2').toUpperCase();
    // Keys come from requests: keep the cache bounded against a flood of distinct ones.
    if (snakeCache.size >= SNAKE_CACHE_SIZE) snakeCache.clear();
    snakeCache.set(key, snake);
  }
  return snake;
}

/** `ksort($data, SORT_NATURAL)`: case-sensitive natural order, digits compared as numbers. */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** PHP's truthiness of a request value: false for absent, `0`, `"0"`, `""`, `false` and empty arrays. */
export function phpTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '' || value === '0') {
    return false;
  }
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** PHP's `urlencode`: everything but letters, digits and `-_.` percent-encoded, spaces as `+`. */
export function phpUrlencode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/**
 * PHP's `http_build_query` of a nested array: `data[FIELDS][ID]=5`, brackets encoded, `true`
 * as 1, `false` as 0, nulls left out; what Bitrix24 posts to event handlers.
 */
export function phpHttpBuildQuery(value: Record<string, unknown>): string {
  const parts: string[] = [];
  const walk = (key: string, item: unknown) => {
    if (item === null || item === undefined) return;
    if (typeof item === 'object') {
      for (const [inner, v] of Object.entries(item)) walk(`${key}[${inner}]`, v);
      return;
    }
    const scalar = item === true ? '1' : item === false ? '0' : String(item);
    parts.push(`${phpUrlencode(key)}=${phpUrlencode(scalar)}`);
  };
  for (const [key, item] of Object.entries(value)) walk(key, item);
  return parts.join('&');
}
