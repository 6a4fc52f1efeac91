import type { Executor } from '../store.js';

export interface OAuthApp {
  id: number;
  clientId: string;
  name: string;
  scopes: string[];
  handlerUrl: string | null;
}

export interface IssuedGrant {
  appId: number;
  userId: number;
  scopes: string[];
}

export interface AccessTokenRow extends IssuedGrant {
  accessExpiresAt: number;
  /** The application's client id (public: it names the caller in the journal). */
  clientId: string;
}

const scopeList = (text: string) => text.split(',').filter(Boolean);

/**
 * Applications, authorization codes and token pairs. Codes and tokens are looked up by the
 * SHA-256 of their value; spending a code or a refresh token is one conditional UPDATE, so two
 * processes racing for the same one cannot both win.
 */
export class OAuthRepository {
  constructor(private readonly db: Executor) {}

  async addApp(
    app: { clientId: string; secretHash: string; name: string; scopes: readonly string[]; handlerUrl?: string },
    now: number,
  ): Promise<OAuthApp> {
    const { id } = await this.db
      .insertInto('oauth_app')
      .values({
        client_id: app.clientId,
        client_secret_hash: app.secretHash,
        name: app.name,
        scopes: app.scopes.join(','),
        handler_url: app.handlerUrl ?? null,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id, clientId: app.clientId, name: app.name, scopes: [...app.scopes], handlerUrl: app.handlerUrl ?? null };
  }

  async findApp(by: { id: number } | { clientId: string }): Promise<(OAuthApp & { secretHash: string }) | undefined> {
    let q = this.db
      .selectFrom('oauth_app')
      .select(['id', 'client_id', 'client_secret_hash', 'name', 'scopes', 'handler_url']);
    q = 'id' in by ? q.where('id', '=', by.id) : q.where('client_id', '=', by.clientId);
    const row = await q.executeTakeFirst();
    return (
      row && {
        id: row.id,
        clientId: row.client_id,
        secretHash: row.client_secret_hash,
        name: row.name,
        scopes: scopeList(row.scopes),
        handlerUrl: row.handler_url,
      }
    );
  }

  /**
   * The application's `application_token` (sent to its event handlers), made with `fresh` the
   * first time it is asked for; two processes asking at once get the same one.
   */
  async applicationToken(appId: number, fresh: () => string): Promise<string | undefined> {
    await this.db
      .updateTable('oauth_app')
      .set({ application_token: fresh() })
      .where('id', '=', appId)
      .where('application_token', 'is', null)
      .execute();
    const row = await this.db
      .selectFrom('oauth_app')
      .select('application_token')
      .where('id', '=', appId)
      .executeTakeFirst();
    return row?.application_token ?? undefined;
  }

  async addCode(code: { hash: string; appId: number; userId: number; expiresAt: number }): Promise<void> {
    await this.db
      .insertInto('oauth_code')
      .values({ code_hash: code.hash, app_id: code.appId, user_id: code.userId, expires_at: code.expiresAt })
      .execute();
  }

  /** Marks the code used if it is live and unused; its id and user when it was. */
  async spendCode(hash: string, appId: number, now: number): Promise<{ id: number; userId: number } | undefined> {
    const row = await this.db
      .updateTable('oauth_code')
      .set({ used_at: now })
      .where('code_hash', '=', hash)
      .where('app_id', '=', appId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['id', 'user_id'])
      .executeTakeFirst();
    return row && { id: row.id, userId: row.user_id };
  }

  /** Records the family of the tokens a spent code was exchanged for. */
  async linkCode(codeId: number, familyId: number): Promise<void> {
    await this.db.updateTable('oauth_code').set({ family_id: familyId }).where('id', '=', codeId).execute();
  }

  /**
   * A code of the app that was spent already: the family issued from it (null when none is
   * recorded). Undefined when the code is unknown or was never spent.
   */
  async spentCodeFamily(hash: string, appId: number): Promise<number | null | undefined> {
    const row = await this.db
      .selectFrom('oauth_code')
      .select('family_id')
      .where('code_hash', '=', hash)
      .where('app_id', '=', appId)
      .where('used_at', 'is not', null)
      .executeTakeFirst();
    return row === undefined ? undefined : row.family_id;
  }

  /** Stores a pair; it joins `familyId`, or starts a family of its own. The family's id. */
  async addTokenPair(pair: {
    accessHash: string;
    refreshHash: string;
    grant: IssuedGrant;
    accessExpiresAt: number;
    refreshExpiresAt: number;
    familyId?: number;
  }): Promise<number> {
    const { id } = await this.db
      .insertInto('oauth_token')
      .values({
        access_hash: pair.accessHash,
        refresh_hash: pair.refreshHash,
        app_id: pair.grant.appId,
        user_id: pair.grant.userId,
        scopes: pair.grant.scopes.join(','),
        access_expires_at: pair.accessExpiresAt,
        refresh_expires_at: pair.refreshExpiresAt,
        family_id: pair.familyId ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (pair.familyId !== undefined) return pair.familyId;
    await this.db.updateTable('oauth_token').set({ family_id: id }).where('id', '=', id).execute();
    return id;
  }

  /** Spends a live, unspent refresh token of the app; the grant it carried and its family when it was. */
  async spendRefreshToken(
    hash: string,
    appId: number,
    now: number,
  ): Promise<{ grant: IssuedGrant; familyId: number | undefined } | undefined> {
    const row = await this.db
      .updateTable('oauth_token')
      .set({ refreshed_at: now })
      .where('refresh_hash', '=', hash)
      .where('app_id', '=', appId)
      .where('refreshed_at', 'is', null)
      .where('refresh_expires_at', '>', now)
      .returning(['app_id', 'user_id', 'scopes', 'family_id'])
      .executeTakeFirst();
    return (
      row && {
        grant: { appId: row.app_id, userId: row.user_id, scopes: scopeList(row.scopes) },
        familyId: row.family_id ?? undefined,
      }
    );
  }

  /** A refresh token of the app that was rotated already: its family (as spentCodeFamily). */
  async spentRefreshFamily(hash: string, appId: number): Promise<number | null | undefined> {
    const row = await this.db
      .selectFrom('oauth_token')
      .select('family_id')
      .where('refresh_hash', '=', hash)
      .where('app_id', '=', appId)
      .where('refreshed_at', 'is not', null)
      .executeTakeFirst();
    return row === undefined ? undefined : row.family_id;
  }

  /** Revokes every pair of a family: its access and refresh tokens are gone. Their access hashes. */
  async revokeFamily(familyId: number): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('oauth_token')
      .where('family_id', '=', familyId)
      .returning('access_hash')
      .execute();
    return rows.map((r) => r.access_hash);
  }

  async findAccessToken(hash: string): Promise<AccessTokenRow | undefined> {
    const row = await this.db
      .selectFrom('oauth_token as t')
      .innerJoin('oauth_app as a', 'a.id', 't.app_id')
      .select(['t.app_id', 't.user_id', 't.scopes', 't.access_expires_at', 'a.client_id'])
      .where('t.access_hash', '=', hash)
      .executeTakeFirst();
    return (
      row && {
        appId: row.app_id,
        userId: row.user_id,
        scopes: scopeList(row.scopes),
        accessExpiresAt: Number(row.access_expires_at),
        clientId: row.client_id,
      }
    );
  }
}
