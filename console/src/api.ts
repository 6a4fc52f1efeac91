/**
 * How the console talks to the server: the admin API with the admin token (kept in this tab's
 * sessionStorage), and a portal's REST methods through `POST /_admin/portals/NAME/rest/METHOD`,
 * which runs them as the portal's user 1 (journaled with caller `console`, events fire, fault
 * rules apply). Every answer that is not a success becomes an ApiError with the server's text.
 */

const TOKEN_KEY = 'b24-console-token';

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** A refused call: the HTTP status and the `{error, error_description}` the server answered. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
  ) {
    super(description || code);
  }
}

/** Told when the admin API answers 401: the shell goes back to the sign-in page. */
let onUnauthorized: () => void = () => {};

export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

/** One admin API request; `path` follows `/_admin/`. Resolves to the parsed JSON answer. */
export async function admin<T = unknown>(
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<T> {
  const token = init.token ?? storedToken() ?? '';
  const response = await fetch(`/_admin/${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = (body ?? {}) as { error?: string; error_description?: string };
    if (response.status === 401 && init.token === undefined) onUnauthorized();
    throw new ApiError(response.status, error.error ?? String(response.status), error.error_description ?? text);
  }
  return body as T;
}

/** The Bitrix envelope of a successful call. */
export interface Envelope<T> {
  result: T;
  total?: number;
  next?: number;
}

/** Calls one REST method of a portal as the console; an error answer throws ApiError. */
export function rest<T = unknown>(portal: string, method: string, params: object = {}): Promise<Envelope<T>> {
  return admin<Envelope<T>>(`portals/${encodeURIComponent(portal)}/rest/${encodeURIComponent(method)}`, {
    method: 'POST',
    body: params,
  });
}

/** Booking-module lists come in pages of 50 and never say `next`: reads pages until one is short. */
export async function restAll<T>(
  portal: string,
  method: string,
  key: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const items: T[] = [];
  for (let start = 0; ; start += 50) {
    const { result } = await rest<Record<string, T[]>>(portal, method, { ...params, start });
    const page = result[key] ?? [];
    items.push(...page);
    if (page.length < 50) return items;
  }
}

/**
 * Several calls in one request (`batch`, up to 50 commands), each command's params as JSON-able
 * objects. Answers each command's result, or its error, by the command's key.
 */
export async function batch(
  portal: string,
  commands: Record<string, { method: string; params: object }>,
): Promise<{ result: Record<string, unknown>; errors: Record<string, { error: string; error_description: string }> }> {
  const cmd = Object.fromEntries(
    Object.entries(commands).map(([key, { method, params }]) => [key, `${method}?${phpQuery(params)}`]),
  );
  const { result } = await rest<{
    result: Record<string, unknown> | unknown[];
    result_error: Record<string, { error: string; error_description: string }> | unknown[];
  }>(portal, 'batch', { halt: 0, cmd });
  const asRecord = <T>(value: Record<string, T> | unknown[]): Record<string, T> => (Array.isArray(value) ? {} : value);
  return { result: asRecord(result.result), errors: asRecord(result.result_error) };
}

/** `a[b][0]=c` as PHP's http_build_query writes nested params (what `batch` commands hold). */
export function phpQuery(params: object, prefix = ''): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    const name = prefix === '' ? encodeURIComponent(key) : `${prefix}[${encodeURIComponent(key)}]`;
    if (value === undefined || value === null) continue;
    if (typeof value === 'object') parts.push(phpQuery(value as object, name));
    else parts.push(`${name}=${encodeURIComponent(String(value))}`);
  }
  return parts.filter((part) => part !== '').join('&');
}
