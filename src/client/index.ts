/**
 * A typed client for the Bitrix24 REST protocol: `import { createClient } from
 * 'b24-booking-server/client'`. Every method's parameters, answer and documented error codes
 * come from methods.generated.ts, written from the method declarations at build.
 *
 * It speaks the plain protocol (a JSON POST to `<webhook>/<method>.json`, or to
 * `<portal>/rest/<method>.json` with the OAuth token in `auth`), so it calls a real Bitrix24
 * portal as well as this server. It imports nothing of the server: no store, no native modules.
 */
import type { Methods, Time } from './methods.generated.js';

export type * from './methods.generated.js';

export type MethodName = keyof Methods & string;
/** What a method takes: the JSON request body. */
export type Params<M extends MethodName> = Methods[M]['params'];
/** The whole answer: `result`, `time`, and `total`/`next` where the method pages. */
export type Answer<M extends MethodName> = Methods[M]['response'];
export type Result<M extends MethodName> = Answer<M>['result'];
/** The codes of the errors the method documents. */
export type ErrorCode<M extends MethodName> = Methods[M]['errors'];

/** The params argument: optional where the method requires nothing. */
type ParamsArgument<M extends MethodName> =
  Record<string, never> extends Params<M> ? [params?: Params<M>] : [params: Params<M>];

/** The methods that page by `start` (the booking module's lists and CRM's). */
export type ListMethod = { [M in MethodName]: 'start' extends keyof Params<M> ? M : never }[MethodName];

/** A list's page size: the server answers at most this many records a call. */
const PAGE_SIZE = 50;

export type AccessToken = string | (() => string | Promise<string>);

export type ClientOptions = (
  | {
      /** An incoming webhook: `https://<portal>/rest/<userId>/<secret>/`. */
      webhookUrl: string;
    }
  | {
      /** The portal (`https://<portal>`) or its REST endpoint (`https://<portal>/rest/`). */
      url: string;
      /** An OAuth access token, or a function giving the current one (to refresh it). */
      accessToken: AccessToken;
    }
) & {
  /** The fetch to use; the global one by default. */
  fetch?: typeof fetch;
};

/** A code the method does not document may still come (a real portal's own, say). */
type AnyCode = string & Record<never, never>;

/** An error answer (`{"error", "error_description"}`), or an answer that was not JSON. */
export class B24Error<Code extends string = string> extends Error {
  override readonly name = 'B24Error';

  constructor(
    /** The method called. */
    readonly method: string,
    /** `error` of the answer; `INVALID_RESPONSE` when the answer was not a JSON object. */
    readonly code: Code,
    /** `error_description` of the answer. */
    readonly description: string,
    /** The HTTP status. */
    readonly status: number,
  ) {
    super(`${method}: ${code}${description === '' ? '' : `: ${description}`} (HTTP ${status})`);
  }
}

/** True when `error` is a B24Error of `method`: its code is then typed with the method's codes. */
export function isErrorOf<M extends MethodName>(error: unknown, method: M): error is B24Error<ErrorCode<M> | AnyCode> {
  return error instanceof B24Error && error.method.toLowerCase() === method.toLowerCase();
}

/** A batch reference to an earlier command's answer: `$result[first][id]`. */
export type BatchReference = `$${'result' | 'next' | 'total' | 'time' | 'error'}[${string}`;

/** A parameter of a batch command: any value may be a reference instead. */
export type Referable<T> = T extends string | number | boolean | null
  ? T | BatchReference
  : T extends readonly (infer U)[]
    ? readonly Referable<U>[] | BatchReference
    : T extends object
      ? { [K in keyof T]: Referable<T[K]> } | BatchReference
      : T;

/** A method's params in a batch command: each value may be a reference. */
export type BatchParams<M extends MethodName> = { [K in keyof Params<M>]: Referable<Params<M>[K]> };

export type BatchCommand = {
  [M in MethodName]: Record<string, never> extends Params<M>
    ? { method: M; params?: BatchParams<M> }
    : { method: M; params: BatchParams<M> };
}[MethodName];

export interface BatchError {
  error: string;
  error_description: string;
}

/** The answer of `batch`: each map keyed as the commands were, holding the commands that answered so. */
export interface BatchAnswer<C extends Record<string, BatchCommand>> {
  result: { [K in keyof C]?: Result<C[K]['method']> };
  result_error: { [K in keyof C]?: BatchError };
  result_total: { [K in keyof C]?: number };
  result_next: { [K in keyof C]?: number };
  result_time: { [K in keyof C]?: Time };
}

export interface Client {
  /** Calls a method; its `result`, or a B24Error. */
  call<M extends MethodName>(method: M, ...params: ParamsArgument<M>): Promise<Result<M>>;
  /** Calls a method; the whole answer (`total`, `next` and `time` besides `result`). */
  answer<M extends MethodName>(method: M, ...params: ParamsArgument<M>): Promise<Answer<M>>;
  /**
   * Every page of a list, from `params.start` on, one answer a page: a CRM list while it
   * answers `next`; a booking-module list (which never does) until a page holds fewer than 50.
   */
  pages<M extends ListMethod>(method: M, ...params: ParamsArgument<M>): AsyncGenerator<Answer<M>, void, undefined>;
  /**
   * Up to 50 commands in one request. A command that fails is in `result_error` (no throw);
   * `halt` stops at the first. Parameters may refer to earlier answers (`$result[key][field]`).
   */
  batch<const C extends Record<string, BatchCommand>>(
    commands: C,
    options?: { halt?: boolean },
  ): Promise<BatchAnswer<C>>;
}

/** Where calls go, and what the body carries besides the params. */
interface Endpoint {
  base: string;
  auth(): Promise<Record<string, string>>;
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

function endpointOf(options: ClientOptions): Endpoint {
  if ('webhookUrl' in options) return { base: withSlash(options.webhookUrl), auth: async () => ({}) };
  const { accessToken } = options;
  const portal = withSlash(options.url);
  return {
    base: portal.endsWith('/rest/') ? portal : `${portal}rest/`,
    auth: async () => ({ auth: typeof accessToken === 'string' ? accessToken : await accessToken() }),
  };
}

/**
 * A command's params as the query string of `method?query`, nested PHP-style
 * (`fields[note]=x`, `ids[0]=1`), as `http_build_query` writes them.
 */
export function phpQuery(params: object): string {
  const pairs: string[] = [];
  const add = (key: string, value: unknown): void => {
    if (value === null || value === undefined) return;
    if (typeof value === 'object') {
      for (const [name, item] of Object.entries(value)) add(`${key}[${encodeURIComponent(name)}]`, item);
    } else {
      const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
      pairs.push(`${key}=${encodeURIComponent(text)}`);
    }
  };
  for (const [name, value] of Object.entries(params)) add(encodeURIComponent(name), value);
  return pairs.join('&');
}

/** How many records a page holds: CRM's are the result, a booking list's are under its one key. */
function recordsIn(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  const lists = Object.values(asMap(result)).filter(Array.isArray);
  return lists[0]?.length ?? 0;
}

/** PHP writes an empty map, or one keyed 0..n-1, as a JSON list: read both as a map. */
function asMap(value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) return { ...value };
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

export function createClient(options: ClientOptions): Client {
  const endpoint = endpointOf(options);
  const send = options.fetch ?? fetch;

  async function request(method: string, params: object = {}): Promise<Record<string, unknown>> {
    const body = JSON.stringify({ ...params, ...(await endpoint.auth()) });
    const response = await send(`${endpoint.base}${method}.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
    });
    const text = await response.text();
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = undefined;
    }
    if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
      throw new B24Error(method, 'INVALID_RESPONSE', text.slice(0, 200), response.status);
    }
    const record = answer as Record<string, unknown>;
    if (record.error !== undefined) {
      throw new B24Error(method, String(record.error), String(record.error_description ?? ''), response.status);
    }
    if (!response.ok || !('result' in record)) {
      throw new B24Error(method, 'INVALID_RESPONSE', text.slice(0, 200), response.status);
    }
    return record;
  }

  const answer = async <M extends MethodName>(method: M, ...params: ParamsArgument<M>) =>
    (await request(method, params[0])) as Answer<M>;

  async function* pages<M extends ListMethod>(method: M, ...params: ParamsArgument<M>) {
    const first = (params[0] ?? {}) as { start?: number };
    let start = first.start ?? 0;
    for (;;) {
      const page = await request(method, { ...first, start });
      yield page as Answer<M>;
      if (typeof page.next === 'number') start = page.next;
      // A CRM list counts its records and says `next` while more remain.
      else if (typeof page.total === 'number' && page.total > 0) return;
      // A booking-module list says neither (`total` is always 0): a short page is the last.
      else if (recordsIn(page.result) < PAGE_SIZE) return;
      else start = Math.max(start, 0) + PAGE_SIZE;
    }
  }

  return {
    answer,
    pages,
    call: async (method, ...params) => (await answer(method, ...params)).result,
    async batch(commands, { halt = false } = {}) {
      const cmd = Object.fromEntries(
        Object.entries(commands).map(([key, command]) => {
          const query = command.params === undefined ? '' : phpQuery(command.params);
          return [key, query === '' ? command.method : `${command.method}?${query}`];
        }),
      );
      const maps = asMap((await request('batch', { cmd, halt: halt ? 1 : 0 })).result);
      return {
        result: asMap(maps.result),
        result_error: asMap(maps.result_error),
        result_total: asMap(maps.result_total),
        result_next: asMap(maps.result_next),
        result_time: asMap(maps.result_time),
      } as BatchAnswer<typeof commands>;
    },
  };
}
