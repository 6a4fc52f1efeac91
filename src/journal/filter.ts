/**
 * Which entries a read of the journal wants: a method glob, a status or status class, the id
 * after which to start, and how many of the newest. Given as text (a query string, a CLI flag)
 * or as values (`portal.journal(filter)`); anything malformed is a FilterError, before any
 * entry is read.
 */

export class FilterError extends Error {}

/** A filter as it travels (also to the primary of `--workers`): plain values. */
export interface JournalFilter {
  /** A glob over method names, case-insensitive: `*` any run, `?` one character, `[a-z]` a class. */
  method?: string;
  /** `200`, or a class: `4xx`, `5xx`. */
  status?: string | number;
  /** Only entries with a greater id. */
  since?: number;
  /** Only the newest this many (of those the other filters keep). */
  limit?: number;
}

export interface EntryMatcher {
  matches(method: string, status: number): boolean;
  readonly since: number;
  readonly limit: number | undefined;
}

const GLOB_LIMIT = 200;
/** What a glob may hold: method-name characters and the glob's own. */
const GLOB_CHARACTERS = /^[A-Za-z0-9._*?[\]!-]+$/;
const STATUS = /^([1-5])(\d\d|xx)$/i;

/** A glob as a regular expression over whole names (case-insensitive). */
export function globPattern(glob: string): RegExp {
  if (glob.length === 0 || glob.length > GLOB_LIMIT || !GLOB_CHARACTERS.test(glob)) {
    throw new FilterError(
      `"${glob.slice(0, GLOB_LIMIT)}" is not a method glob: letters, digits, ".", "_", "-", and * ? [...] (1 to ${GLOB_LIMIT} characters)`,
    );
  }
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      const negated = glob[i + 1] === '!';
      const body = glob.slice(i + (negated ? 2 : 1), end);
      if (end === -1 || body === '' || body.includes('[') || /^-|-$/.test(body)) {
        throw new FilterError(`"${glob}" is not a method glob: a "[" opens a class of characters that "]" closes`);
      }
      source += `[${negated ? '^' : ''}${body}]`;
      i = end;
    } else if (c === ']') {
      throw new FilterError(`"${glob}" is not a method glob: a "]" without its "["`);
    } else if (c === '!' || c === '-') {
      source += `\\${c}`;
    } else source += c === '.' ? '\\.' : c;
  }
  try {
    return new RegExp(`^${source}$`, 'i');
  } catch {
    throw new FilterError(`"${glob}" is not a method glob: a class's range runs backwards`);
  }
}

/** A status filter as a test of a status: `200` that status, `4xx` any 400-499. */
function statusTest(given: string | number): (status: number) => boolean {
  const match = STATUS.exec(String(given));
  if (!match) throw new FilterError(`"${given}" is not a status filter: a status (200) or a class (4xx, 5xx)`);
  if ((match[2] as string).toLowerCase() !== 'xx') {
    const exact = Number(given);
    return (status) => status === exact;
  }
  const floor = Number(match[1]) * 100;
  return (status) => status >= floor && status < floor + 100;
}

function wholeNumber(value: unknown, name: string, least: number): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < least) {
    throw new FilterError(`"${name}" is a whole number from ${least}; got ${JSON.stringify(value)}`);
  }
  return n;
}

export function compileFilter(filter: JournalFilter): EntryMatcher {
  const glob = filter.method === undefined || filter.method === '*' ? undefined : globPattern(String(filter.method));
  const status = filter.status === undefined ? undefined : statusTest(filter.status);
  return {
    since: wholeNumber(filter.since, 'since', 0) ?? 0,
    limit: wholeNumber(filter.limit, 'limit', 1),
    matches: (method, code) => (glob === undefined || glob.test(method)) && (status === undefined || status(code)),
  };
}

const FILTER_NAMES = ['method', 'status', 'since', 'limit'] as const;

/** `?method=GLOB&status=4xx&since=ID&limit=N`; an unknown name is refused (a typo would read as no filter). */
export function filterOfQuery(query: URLSearchParams): JournalFilter {
  const filter: Record<string, string> = {};
  for (const [name, value] of query) {
    if (!(FILTER_NAMES as readonly string[]).includes(name)) {
      throw new FilterError(`Unknown filter "${name}": the filters are ${FILTER_NAMES.join(', ')}`);
    }
    filter[name] = value;
  }
  const parsed: JournalFilter = filter;
  // Checked here, so a bad filter is refused in the process that was asked.
  compileFilter(parsed);
  return parsed;
}
