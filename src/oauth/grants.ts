/**
 * OAuth applications as `settings/oauth/` describes them: a local application (client id,
 * secret, scopes, handler URL), one-time authorization codes, and token pairs for the
 * `authorization_code` and `refresh_token` grants. Codes, tokens and secrets are stored hashed.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { defaultUser } from '../platform/users.js';
import { type CallerCache, type CredentialIndex, hashSecret, newClientSecret, newToken } from '../rest/auth.js';
import { errors } from '../rest/errors.js';
import type { IssuedGrant, OAuthApp } from '../store/repositories/oauth.js';
import type { Repositories, Store } from '../store/store.js';

export const ACCESS_TOKEN_TTL_MS = 60 * 60 * 1000;
/** `settings/oauth/`: "Lifetime — 180 days". */
export const REFRESH_TOKEN_TTL_MS = 180 * 24 * 60 * 60 * 1000;
/** `settings/oauth/`: "The lifetime of the authorization code `code` is 30 seconds". */
export const CODE_TTL_MS = 30 * 1000;
/** `app.info` STATUS of a local application. */
const LOCAL_APP_STATUS = 'L';

/** Where the portal is reached, as the request that asked saw it. */
export interface PortalAddress {
  /** `https://host:port` */
  origin: string;
  /** `host:port` */
  host: string;
}

export interface NewApp {
  name: string;
  scopes: readonly string[];
  handlerUrl?: string;
}

/**
 * Registers a local application; the only time its secret is seen in clear. In a portal other
 * than `default`, `index` records the client id as the portal's first, so /oauth/ finds it.
 */
export async function registerApp(store: Store, app: NewApp, now: number, index?: CredentialIndex) {
  const clientId = `local.${randomBytes(7).toString('hex').slice(0, 14)}.${String(randomBytes(4).readUInt32BE()).padStart(8, '0').slice(0, 8)}`;
  const clientSecret = newClientSecret();
  await index?.claim('client', hashSecret(clientId));
  const { row, applicationToken } = await store.write(async ({ oauth }) => {
    const row = await oauth.addApp({ ...app, clientId, secretHash: hashSecret(clientSecret) }, now);
    return { row, applicationToken: await oauth.applicationToken(row.id, newToken) };
  });
  return {
    id: row.id,
    client_id: clientId,
    client_secret: clientSecret,
    name: row.name,
    scopes: row.scopes,
    handler: row.handlerUrl,
    application_token: applicationToken,
  };
}

export function memberId(repos: Repositories): Promise<string> {
  return repos.portal.setting('member_id', () => randomBytes(16).toString('hex'));
}

/** What the application's handler receives after approval (step 1 of the protocol). */
export interface Approval {
  app: OAuthApp;
  query: Record<string, string>;
}

/** Approves the application for a user at once and makes its one-time code. */
export async function approve(
  store: Store,
  clock: Clock,
  request: { clientId: string; state?: string; userId: number },
  address: PortalAddress,
): Promise<Approval> {
  return store.write(async (repos) => {
    const app = await repos.oauth.findApp({ clientId: request.clientId });
    if (!app) throw errors.oauthInvalidClient();
    const now = clock.now();
    await repos.portal.ensureUser(defaultUser(request.userId), now);
    const code = newToken();
    await repos.oauth.addCode({
      hash: hashSecret(code),
      appId: app.id,
      userId: request.userId,
      expiresAt: now + CODE_TTL_MS,
    });
    const query: Record<string, string> = { code };
    if (request.state !== undefined) query.state = request.state;
    Object.assign(query, {
      domain: address.host,
      member_id: await memberId(repos),
      scope: app.scopes.join(','),
      server_domain: address.host,
    });
    return { app, query };
  });
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  /** The family the pair belongs to (see migration 008): revoked together. */
  familyId: number;
}

/**
 * A new token pair for a grant (the token endpoint's, or an event handler's): in `familyId`'s
 * family when it is a rotation, else the first of a family of its own. In a portal other than
 * `default`, `index` records the access token as the portal's before its row is written: from
 * inside the portal's transaction, so only a grant that passed every check leaves an entry (the
 * directory is another database; nothing writes the portal's from inside the directory's).
 */
export async function issueTokens(
  repos: Repositories,
  grant: IssuedGrant,
  now: number,
  familyId?: number,
  index?: CredentialIndex,
): Promise<IssuedTokens> {
  const accessToken = newToken();
  const refreshToken = newToken();
  const expiresAt = now + ACCESS_TOKEN_TTL_MS;
  const accessHash = hashSecret(accessToken);
  // The entry's expiry is in real time: a portal's clock may be anywhere.
  await index?.claim('token', accessHash, Date.now() + ACCESS_TOKEN_TTL_MS);
  const family = await repos.oauth.addTokenPair({
    accessHash,
    refreshHash: hashSecret(refreshToken),
    grant,
    accessExpiresAt: expiresAt,
    refreshExpiresAt: now + REFRESH_TOKEN_TTL_MS,
    familyId,
  });
  return { accessToken, refreshToken, expiresAt, familyId: family };
}

export interface TokenRequest {
  grantType: string;
  clientId: string;
  clientSecret: string;
  code?: string;
  refreshToken?: string;
}

/**
 * What spending a code or a refresh token came to: a grant to issue tokens for, a second use of
 * one spent already (with the family issued from it, null when none is recorded), or nothing.
 */
type Spent = { grant: IssuedGrant; familyId?: number; codeId?: number } | { reusedFamily: number | null } | undefined;

async function spend(repos: Repositories, app: OAuthApp, request: TokenRequest, now: number): Promise<Spent> {
  const { oauth } = repos;
  if (request.grantType === 'authorization_code') {
    const hash = hashSecret(request.code ?? '');
    const code = await oauth.spendCode(hash, app.id, now);
    if (code) return { grant: { appId: app.id, userId: code.userId, scopes: app.scopes }, codeId: code.id };
    const reused = await oauth.spentCodeFamily(hash, app.id);
    return reused === undefined ? undefined : { reusedFamily: reused };
  }
  const hash = hashSecret(request.refreshToken ?? '');
  const token = await oauth.spendRefreshToken(hash, app.id, now);
  if (token) return token;
  const reused = await oauth.spentRefreshFamily(hash, app.id);
  return reused === undefined ? undefined : { reusedFamily: reused };
}

/**
 * The token endpoint: checks the client, spends the code or refresh token, issues a new pair.
 * A second use of a code (RFC 6749 section 4.1.2) or of a rotated refresh token (RFC 9700
 * section 4.14.2) means a copy is out, and the server cannot tell the client from the thief: it
 * is refused, and every token of that approval's chain is revoked. `callers` (this process's
 * cache of found tokens) forgets them at once; other processes within CALLER_CACHE_MS.
 */
export async function grantTokens(
  store: Store,
  clock: Clock,
  request: TokenRequest,
  address: PortalAddress,
  callers?: CallerCache,
  index?: CredentialIndex,
) {
  // The revocation commits, and only then is the request refused (a throw would roll it back).
  let revoked: string[] = [];
  const outcome = await store.write(async (repos) => {
    const app = await repos.oauth.findApp({ clientId: request.clientId });
    if (!app || app.secretHash !== hashSecret(request.clientSecret)) throw errors.oauthInvalidClient();
    const now = clock.now();
    const spent = await spend(repos, app, request, now);
    if (spent === undefined) return undefined;
    if ('reusedFamily' in spent) {
      if (spent.reusedFamily !== null) revoked = await repos.oauth.revokeFamily(spent.reusedFamily);
      return 'revoked' as const;
    }
    const { grant } = spent;
    const { accessToken, refreshToken, expiresAt, familyId } = await issueTokens(
      repos,
      grant,
      now,
      spent.familyId,
      index,
    );
    if (spent.codeId !== undefined) await repos.oauth.linkCode(spent.codeId, familyId);
    const rest = `${address.origin}/rest/`;
    return {
      access_token: accessToken,
      client_endpoint: rest,
      domain: address.host,
      expires: Math.floor(expiresAt / 1000),
      expires_in: ACCESS_TOKEN_TTL_MS / 1000,
      member_id: await memberId(repos),
      refresh_token: refreshToken,
      scope: grant.scopes.join(','),
      server_endpoint: rest,
      status: LOCAL_APP_STATUS,
      user_id: grant.userId,
    };
  });
  if (outcome === 'revoked') {
    callers?.clear();
    await index?.forget('token', revoked);
  }
  if (outcome === undefined || outcome === 'revoked') throw errors.oauthInvalidGrant();
  return outcome;
}
