/**
 * A fault rule as the admin API takes it (`POST /_admin/portals/NAME/faults`), checked whole
 * before anything is stored: which methods it matches (a glob), what it does (an error, a
 * delay, a dropped connection), when (before the method runs, or after it committed), and how
 * often (a probability, a seed that makes it reproducible, a number of times).
 */
import { errors, type RestError } from '../rest/errors.js';

/**
 * The errors a rule can name, each answered exactly as the real server answers it (status,
 * code, text; none of them carries `time`): the constructors every other path raises them by.
 */
export const PRESETS = {
  QUERY_LIMIT_EXCEEDED: errors.queryLimitExceeded,
  OPERATION_TIME_LIMIT: errors.operationTimeLimit,
  expired_token: errors.expiredToken,
  INTERNAL_SERVER_ERROR: errors.internal,
  ACCESS_DENIED: () => errors.accessDenied(),
  BOOKING_DISABLED: errors.bookingDisabled,
} as const satisfies Record<string, () => RestError>;

export type PresetName = keyof typeof PRESETS;

/** The presets as `GET /_admin/portals/NAME/faults/presets` lists them: each name and its answer. */
export function presetList(): { name: PresetName; status: number; error: string; error_description: string }[] {
  return (Object.keys(PRESETS) as PresetName[]).map((name) => {
    const answer = PRESETS[name]();
    return { name, status: answer.status, ...answer.toBody() };
  });
}

/** An error of the rule's own: any status from 400 to 599, any code and text. */
export interface CustomError {
  status: number;
  error: string;
  error_description: string;
}

/** A rule as it is stored and answered (without its id and counters). */
export interface FaultRule {
  /** A glob of method names, matched without regard to case. */
  method: string;
  error?: PresetName | CustomError;
  /** Delays the answer by this many milliseconds. */
  latencyMs?: number;
  /** Closes the connection without an answer. */
  drop?: true;
  /** The method runs and commits; only its answer is replaced (a lost response). */
  after?: 'commit';
  /** The chance each matching call has of meeting the fault, 0 to 1. */
  probability: number;
  /** Fires at most this many times, then stays listed, spent. */
  times?: number;
  /** Makes `probability` draw the same sequence run after run. */
  seed?: number;
}

/** Ten minutes: longer than any client waits for an answer. */
export const MAX_LATENCY_MS = 600_000;

const FIELDS = ['method', 'error', 'latencyMs', 'drop', 'after', 'probability', 'times', 'seed'] as const;

/** A rule the admin API refuses (400), or a rule id it does not know (404). */
export class FaultRuleError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new FaultRuleError(400, 'INVALID_FAULT', message);

/** Checks a rule as given; every field is checked before the rule is accepted. */
export function parseFaultRule(given: unknown): FaultRule {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw invalid('A rule is a JSON object: {"method": "booking.v1.*", "error": "QUERY_LIMIT_EXCEEDED", ...}');
  }
  const body = given as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw invalid(`Unknown field "${key}"; a rule has ${FIELDS.join(', ')}`);
    }
  }
  const method = body.method ?? '*';
  if (typeof method !== 'string') throw invalid('"method" is a string: a glob of method names');
  globPattern(method);
  const error = body.error === undefined ? undefined : parseError(body.error);
  const latencyMs = checked(
    body.latencyMs,
    (v) => Number.isInteger(v) && v >= 0 && v <= MAX_LATENCY_MS,
    () => invalid(`"latencyMs" is a whole number of milliseconds from 0 to ${MAX_LATENCY_MS}`),
  );
  if (body.drop !== undefined && typeof body.drop !== 'boolean') {
    throw invalid('"drop" is true (the connection is closed without an answer)');
  }
  if (body.after !== undefined && body.after !== 'commit') {
    throw invalid('"after" is "commit" (the method runs; only its answer is replaced)');
  }
  const probability = checked(
    body.probability,
    (v) => v >= 0 && v <= 1,
    () => invalid('"probability" is a number from 0 to 1'),
  );
  const times = checked(
    body.times,
    (v) => Number.isSafeInteger(v) && v >= 1,
    () => invalid('"times" is a whole number of at least 1'),
  );
  const seed = checked(body.seed, Number.isSafeInteger, () => invalid('"seed" is a whole number'));
  if (error === undefined && latencyMs === undefined && body.drop !== true) {
    throw invalid('A rule does something: give "error", "latencyMs" or "drop"');
  }
  if (error !== undefined && body.drop === true) {
    throw invalid('"error" and "drop" exclude each other: a dropped connection carries no answer');
  }
  // In the order the fields are documented, whatever order they came in.
  return {
    method,
    ...(error === undefined ? {} : { error }),
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(body.drop === true ? { drop: true as const } : {}),
    ...(body.after === 'commit' ? { after: 'commit' as const } : {}),
    probability: probability ?? 1,
    ...(times === undefined ? {} : { times }),
    ...(seed === undefined ? {} : { seed }),
  };
}

/** A number field: absent (undefined), or a number `valid` accepts; anything else is refused. */
function checked(value: unknown, valid: (v: number) => boolean, refusal: () => FaultRuleError): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !valid(value)) throw refusal();
  return value;
}

function parseError(given: unknown): PresetName | CustomError {
  if (typeof given === 'string') {
    const preset = (Object.keys(PRESETS) as PresetName[]).find((name) => name.toLowerCase() === given.toLowerCase());
    if (preset === undefined) {
      throw invalid(`Unknown preset "${given}"; the presets are ${Object.keys(PRESETS).join(', ')}`);
    }
    return preset;
  }
  const shape =
    '"error" is a preset name or {"status": 400-599, "error": "CODE", "error_description": "text"}; the presets are ' +
    Object.keys(PRESETS).join(', ');
  if (typeof given !== 'object' || given === null || Array.isArray(given)) throw invalid(shape);
  const { status, error, error_description, ...rest } = given as Record<string, unknown>;
  if (
    Object.keys(rest).length > 0 ||
    typeof status !== 'number' ||
    !Number.isInteger(status) ||
    status < 400 ||
    status > 599 ||
    typeof error !== 'string' ||
    error === '' ||
    typeof error_description !== 'string'
  ) {
    throw invalid(shape);
  }
  return { status, error, error_description };
}

/** The error a rule answers with: a fresh one each time, as every raise of it is. */
export function faultError(error: PresetName | CustomError): RestError {
  if (typeof error === 'string') return PRESETS[error]();
  return errors.faultRuleOwn(error.error, error.error_description, error.status);
}

const GLOB_TEXT =
  '"method" is a glob of method names: letters, digits, ".", "_" and "-", with * (any run), ? (one character), [abc] or [a-z] (one of), {a,b} (either)';
const NAME_CHARACTER = /[A-Za-z0-9._-]/;
const MAX_GLOB_LENGTH = 200;

/** A glob as a regular expression over the whole name, without regard to case; throws when malformed. */
export function globPattern(glob: string): RegExp {
  if (glob === '' || glob.length > MAX_GLOB_LENGTH)
    throw invalid(`${GLOB_TEXT}; not empty, at most ${MAX_GLOB_LENGTH} long`);
  let source = '';
  let inBraces = false;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) throw invalid(`${GLOB_TEXT}; "[" at ${i} is not closed`);
      source += characterClass(glob.slice(i + 1, end), i);
      i = end;
    } else if (c === '{') {
      if (inBraces) throw invalid(`${GLOB_TEXT}; "{" at ${i} is inside another`);
      inBraces = true;
      source += '(?:';
    } else if (c === ',' && inBraces) source += '|';
    else if (c === '}' && inBraces) {
      inBraces = false;
      source += ')';
    } else if (NAME_CHARACTER.test(c)) source += c === '.' ? '\\.' : c;
    else throw invalid(`${GLOB_TEXT}; "${c}" at ${i} is none of these`);
  }
  if (inBraces) throw invalid(`${GLOB_TEXT}; a "{" is not closed`);
  return new RegExp(`^${source}$`, 'i');
}

/** `[abc]`, `[a-z]`, `[!abc]` (none of): only name characters inside. */
function characterClass(inside: string, at: number): string {
  const negated = inside.startsWith('!') || inside.startsWith('^');
  const body = negated ? inside.slice(1) : inside;
  if (body === '') throw invalid(`${GLOB_TEXT}; "[" at ${at} holds no character`);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '-' && i > 0 && i < body.length - 1) {
      if ((body[i - 1] as string) > (body[i + 1] as string))
        throw invalid(`${GLOB_TEXT}; the range in "[" at ${at} runs backwards`);
      out += '-';
    } else if (NAME_CHARACTER.test(c)) out += c === '-' || c === '.' ? `\\${c}` : c;
    else throw invalid(`${GLOB_TEXT}; "${c}" in "[" at ${at} is none of these`);
  }
  return `[${negated ? '^' : ''}${out}]`;
}

/**
 * The `n`th number (from 0) of the sequence `seed` gives, in [0, 1): a hash of the two
 * (SplitMix32's finaliser over both halves of the seed), so a rule's sequence needs no state
 * but how many draws it took, which the database counts across processes.
 */
export function seededDraw(seed: number, n: number): number {
  const low = seed >>> 0;
  const high = Math.floor(seed / 2 ** 32) >>> 0;
  let z = (low ^ Math.imul(high, 0x85ebca6b) ^ Math.imul(n + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return (z >>> 0) / 2 ** 32;
}
