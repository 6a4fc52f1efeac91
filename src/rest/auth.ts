/**
 * Who is calling: an incoming webhook (user id and secret in the path) or an OAuth access token
 * (the `auth` parameter or an `access_token` query parameter). Secrets and tokens are looked up
 * by their SHA-256 hash: they are random strings, so a fast hash is enough and keeps the lookup
 * a single indexed read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import type { AuthThrottle } from './auth-throttle.js';
import { errors, type RestError } from './errors.js';
import type { Scope } from './registry.js';

export interface Credentials {
  /** From `/rest/<userId>/<secret>/<method>`. */
  webhook?: { userId: string; secret: string };
  /** From the `auth` parameter or an `access_token` query parameter. */
  token?: string;
}

/** What the directory of portals records besides webhook secrets (src/portals/portals.ts). */
export type CredentialKind = 'webhook' | 'client' | 'token';

/**
 * Where a portal other than `default` records which portal its applications' client ids and its
 * access tokens belong to, so a call carrying only one of them reaches that portal (the
 * default portal has none: what the directory does not know is the default's to judge). An entry
 * is written before the row it points at, so a client never holds a credential the directory
 * does not know; one whose row never comes is harmless (the portal's store decides).
 */
export interface CredentialIndex {
  /**
   * Records the credential with this hash (hashSecret) as this portal's; `expiresAt` (real
   * time, ms): when it stops working, so the entry can be dropped some time after.
   */
  claim(kind: CredentialKind, hash: string, expiresAt?: number): Promise<void>;
  /** Drops entries of credentials that are gone (revoked); a stale one would be harmless too. */
  forget(kind: CredentialKind, hashes: readonly string[]): Promise<void>;
}

export interface Caller {
  readonly userId: number;
  readonly scopes: readonly string[];
  /** The client the limits count against: `webhook:<id>` or `app:<id>`. */
  readonly clientKey: string;
  /** Set when the caller is an OAuth application. */
  readonly appId?: number;
  /** The application's client id, when the caller is an OAuth application. */
  readonly clientId?: string;
  /** The webhook's id, when the caller is an incoming webhook. */
  readonly webhookId?: number;
  /** Set when the web console calls, through the admin API, with the admin token. */
  readonly console?: true;
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

/** What a lookup found: a webhook or an access token, as the cache keeps it. */
type Found =
  | { kind: 'webhook'; id: number; userId: number; scopes: string[] }
  | { kind: 'token'; userId: number; scopes: string[]; appId: number; clientId: string; accessExpiresAt: number };

/** How long a found webhook or token is believed without asking the database again, ms. */
export const CALLER_CACHE_MS = 1000;
const CALLER_CACHE_LIMIT = 10_000;

/**
 * Webhooks and access tokens found in the last second, by their secret. Every request
 * authenticates, and the lookup (a SHA-256 and an indexed read) was a sixth of a wait-list get's
 * server time under load (measured). A webhook removed or re-scoped by another process (`webhook
 * remove`, a second server on the same data) is seen within CALLER_CACHE_MS; changes this
 * server makes itself (a seed) clear it. Token expiry is checked on every call against the
 * server's clock, cached or not. Only hits are kept, so wrong secrets cannot fill memory.
 */
export class CallerCache {
  private readonly entries = new Map<string, { found: Found; until: number }>();

  get(key: string): Found | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > performance.now()) return entry.found;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, found: Found): void {
    if (this.entries.size >= CALLER_CACHE_LIMIT) this.entries.clear();
    this.entries.set(key, { found, until: performance.now() + CALLER_CACHE_MS });
  }

  clear(): void {
    this.entries.clear();
  }
}

async function lookUp(store: Store, credentials: Credentials): Promise<Found | undefined> {
  if (credentials.webhook) {
    const hook = await store.read(({ webhooks }) =>
      webhooks.findBySecretHash(hashSecret(credentials.webhook?.secret ?? '')),
    );
    return hook && { kind: 'webhook', id: hook.id, userId: hook.userId, scopes: hook.scopes };
  }
  const token = await store.read(({ oauth }) => oauth.findAccessToken(hashSecret(credentials.token ?? '')));
  return token && { kind: 'token', ...token };
}

/** Where a call came from, for the failed-authentication throttle. */
export interface Origin {
  throttle: AuthThrottle;
  /** The client's address, as the transport saw it. */
  address: string;
}

/** How the caller cache (and the throttle) name credentials; undefined: there are none. */
export function callerKey(credentials: Credentials): string | undefined {
  if (credentials.webhook) return `webhook\u0000${credentials.webhook.secret}`;
  return credentials.token !== undefined && credentials.token !== '' ? `token\u0000${credentials.token}` : undefined;
}

export async function authenticate(
  store: Store,
  clock: Clock,
  credentials: Credentials,
  cache?: CallerCache,
  origin?: Origin,
  /** Told who is calling as soon as the credentials name someone, even when they are refused (expired). */
  identified?: { caller?: Caller },
): Promise<Caller> {
  const key = callerKey(credentials);
  if (key === undefined) throw errors.noAuthFound();
  let found = cache?.get(key);
  if (found === undefined) {
    if (origin && !origin.throttle.admits(origin.address, key)) throw errors.queryLimitExceeded();
    found = await lookUp(store, credentials);
    if (found !== undefined) {
      cache?.set(key, found);
      origin?.throttle.succeeded(key);
    }
  }
  try {
    return callerOf(found, credentials, clock, identified);
  } catch (error) {
    // An expired token is no guess: only credentials that match nothing count as failures.
    if (origin && (error as RestError).code !== 'expired_token') origin.throttle.failed(origin.address);
    throw error;
  }
}

function callerOf(
  found: Found | undefined,
  credentials: Credentials,
  clock: Clock,
  identified: { caller?: Caller } = {},
): Caller {
  if (credentials.webhook) {
    if (found?.kind !== 'webhook' || String(found.userId) !== credentials.webhook.userId) throw errors.noAuthFound();
    identified.caller = {
      userId: found.userId,
      scopes: found.scopes,
      clientKey: `webhook:${found.id}`,
      webhookId: found.id,
    };
    return identified.caller;
  }
  if (found?.kind !== 'token') throw errors.invalidToken();
  const { userId, scopes, appId, clientId } = found;
  identified.caller = { userId, scopes, clientKey: `app:${appId}`, appId, clientId };
  if (found.accessExpiresAt <= clock.now()) throw errors.expiredToken();
  return identified.caller;
}

export function hasScope(caller: Caller, scope: Scope): boolean {
  return scope === BASIC_SCOPE || caller.scopes.includes(scope);
}

export function assertScope(caller: Caller, scope: Scope): void {
  if (!hasScope(caller, scope)) throw errors.insufficientScope();
}
