/**
 * The `auth` block of an event POST (_includes/auth-params-in-events.md): tokens of the
 * handler's user for the application, so the handler can call back, and the application's
 * `application_token`, so it can tell the POST comes from this server. A token pair is issued
 * per application and user and reused while it has a while to live.
 */
import { issueTokens, memberId } from '../oauth/grants.js';
import { ensureUser } from '../platform/users.js';
import { type CredentialIndex, newToken } from '../rest/auth.js';
import type { Store } from '../store/store.js';

/** Tokens are issued again when less than this is left of their hour. */
const RENEW_BEFORE_MS = 10 * 60 * 1000;
const LOCAL_APP_STATUS = 'L';

interface Cached {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

export interface AuthBlock {
  access_token: string;
  expires_in: number;
  scope: string;
  domain: string;
  server_endpoint: string;
  status: string;
  client_endpoint: string;
  member_id: string;
  refresh_token: string;
  application_token: string;
}

export class HandlerAuth {
  private readonly tokens = new Map<string, Cached>();
  private readonly applicationTokens = new Map<number, string>();
  private member: string | undefined;

  constructor(
    private readonly store: Store,
    /** The server's base URL, `http://host:port`. */
    private readonly baseUrl: string,
    /** A portal other than `default`: its handlers call back with these tokens, so they are recorded. */
    private readonly index?: CredentialIndex,
  ) {}

  async block(appId: number, userId: number, scope: string, now: number): Promise<AuthBlock> {
    const key = `${appId}:${userId}`;
    let tokens = this.tokens.get(key);
    if (!tokens || tokens.expiresAt - now < RENEW_BEFORE_MS) {
      tokens = await this.store.write(async (repos) => {
        await ensureUser(repos, userId, now);
        return issueTokens(
          repos,
          { appId, userId, scopes: (await repos.oauth.findApp({ id: appId }))?.scopes ?? [] },
          now,
          undefined,
          this.index,
        );
      });
      this.tokens.set(key, tokens);
    }
    const rest = `${this.baseUrl}/rest/`;
    return {
      access_token: tokens.accessToken,
      expires_in: Math.max(0, Math.round((tokens.expiresAt - now) / 1000)),
      scope,
      domain: new URL(this.baseUrl).host,
      server_endpoint: rest,
      status: LOCAL_APP_STATUS,
      client_endpoint: rest,
      member_id: await this.memberId(),
      refresh_token: tokens.refreshToken,
      application_token: await this.applicationToken(appId),
    };
  }

  private async memberId(): Promise<string> {
    this.member ??= await this.store.write((repos) => memberId(repos));
    return this.member;
  }

  private async applicationToken(appId: number): Promise<string> {
    let token = this.applicationTokens.get(appId);
    if (token === undefined) {
      token = (await this.store.write(({ oauth }) => oauth.applicationToken(appId, newToken))) ?? '';
      this.applicationTokens.set(appId, token);
    }
    return token;
  }
}
