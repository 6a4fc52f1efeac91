/**
 * Who is calling: an incoming webhook (user id and secret in the path) or, in a later issue, an
 * OAuth access token in `auth`. Secrets are looked up by their SHA-256 hash: they are random
 * strings, so a fast hash is enough and keeps the lookup a single indexed read.
 */
import { createHash, randomBytes } from 'node:crypto';
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
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A webhook secret as Bitrix24 makes them: 16 lower-case letters and digits. */
export function newWebhookSecret(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(16)].map((b) => alphabet[b % alphabet.length]).join('');
}

export async function authenticate(store: Store, credentials: Credentials): Promise<Caller> {
  if (credentials.webhook) {
    const { userId, secret } = credentials.webhook;
    const hook = await store.read(({ webhooks }) => webhooks.findBySecretHash(hashSecret(secret)));
    if (!hook || String(hook.userId) !== userId) throw errors.noAuthFound();
    return { userId: hook.userId, scopes: hook.scopes };
  }
  // No application can hold a token yet: every token is unknown.
  if (credentials.token !== undefined && credentials.token !== '') throw errors.invalidToken();
  throw errors.noAuthFound();
}

export function assertScope(caller: Caller, scope: Scope): void {
  if (!caller.scopes.includes(scope)) throw errors.insufficientScope();
}
