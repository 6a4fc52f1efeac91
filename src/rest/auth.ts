/**
 * Who is calling: an incoming webhook (user id and secret in the path) or an OAuth access token
 * (the `auth` parameter or an `access_token` query parameter). Secrets and tokens are looked up
 * by their SHA-256 hash: they are random strings, so a fast hash is enough and keeps the lookup
 * a single indexed read.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { errors } from './errors.js';
import type { Scope } from './registry.js';

export interface Credentials {
  /** From `/rest/<userId>/<secret>/<method>`. */
  webhook?: { userId: string; secret: string };
  /** From the `auth` parameter or an `access_token` query parameter. */
  token?: string;
}

export interface Caller {
  readonly userId: number;
  readonly scopes: readonly string[];
  /** The client the limits count against: `webhook:<id>` or `app:<id>`. */
  readonly clientKey: string;
  /** Set when the caller is an OAuth application. */
  readonly appId?: number;
}

/** Methods every caller may call whatever its scopes (Bitrix's global scope). */
export const BASIC_SCOPE: Scope = 'basic';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED_ALNUM = `${LOWER_ALNUM}ABCDEFGHIJKLMNOPQRSTUVWXYZ`;

/** A random string over `alphabet` (both alphabets divide 256 unevenly by little; fine for secrets). */
export function randomString(length: number, alphabet = LOWER_ALNUM): string {
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** A webhook secret as Bitrix24 makes them: 16 lower-case letters and digits. */
export function newWebhookSecret(): string {
  return randomString(16);
}

/** Access and refresh tokens and codes as Bitrix24 makes them: 32 lower-case letters and digits. */
export function newToken(): string {
  return randomString(32);
}

/** A client secret as Bitrix24 makes them: 50 letters and digits. */
export function newClientSecret(): string {
  return randomString(50, MIXED_ALNUM);
}

export async function authenticate(store: Store, clock: Clock, credentials: Credentials): Promise<Caller> {
  if (credentials.webhook) {
    const { userId, secret } = credentials.webhook;
    const hook = await store.read(({ webhooks }) => webhooks.findBySecretHash(hashSecret(secret)));
    if (!hook || String(hook.userId) !== userId) throw errors.noAuthFound();
    return { userId: hook.userId, scopes: hook.scopes, clientKey: `webhook:${hook.id}` };
  }
  if (credentials.token !== undefined && credentials.token !== '') {
    const token = await store.read(({ oauth }) => oauth.findAccessToken(hashSecret(credentials.token as string)));
    if (!token) throw errors.invalidToken();
    if (token.accessExpiresAt <= clock.now()) throw errors.expiredToken();
    return { userId: token.userId, scopes: token.scopes, clientKey: `app:${token.appId}`, appId: token.appId };
  }
  throw errors.noAuthFound();
}

export function hasScope(caller: Caller, scope: Scope): boolean {
  return scope === BASIC_SCOPE || caller.scopes.includes(scope);
}

export function assertScope(caller: Caller, scope: Scope): void {
  if (!hasScope(caller, scope)) throw errors.insufficientScope();
}
