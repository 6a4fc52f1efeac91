/**
 * OAuth applications (settings/oauth/): `b24-booking app add`, the no-browser approval, the
 * authorization_code and refresh_token grants, and tokens on REST calls.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, startTestServer, TEST_DATABASE, type TestServer, tempDir } from './support/server.js';

const clock = { ms: Date.UTC(2026, 4, 14, 10, 0, 0), now: () => clock.ms };
const HANDLER = 'https://app.example.com/handler/?from=b24';

interface AppKeys {
  client_id: string;
  client_secret: string;
  scopes: string[];
  handler: string | null;
}

let srv: TestServer;
let app: AppKeys;
let crmOnly: AppKeys;
let noHandler: AppKeys;
let both: AppKeys;

function cli(args: string[], store: string[]): AppKeys {
  const out = execFileSync(process.execPath, ['dist/cli.js', ...args, ...store], { encoding: 'utf8' });
  return JSON.parse(out) as AppKeys;
}

beforeAll(async () => {
  const data = tempDir();
  const database = TEST_DATABASE === 'postgres' ? await freshPostgresDatabase() : undefined;
  const store = database ? ['--database', database] : ['--data', data];
  // The server creates the schema first; the CLI then acts on the same store, as a user would.
  srv = await startTestServer({ data, database, clock, adminToken: 'admin-token-for-tests' });
  app = cli(['app', 'add', '--name', 'Booking sync', '--scopes', 'booking', '--handler', HANDLER], store);
  crmOnly = cli(['app', 'add', '--name', 'CRM only', '--scopes', 'crm', '--handler', HANDLER], store);
  noHandler = cli(['app', 'add', '--name', 'No handler', '--scopes', 'booking,crm'], store);
  both = cli(['app', 'add', '--name', 'Both', '--scopes', 'booking,crm', '--handler', HANDLER], store);
});
afterAll(() => srv.server.close());

const ADMIN = { authorization: 'Bearer admin-token-for-tests' };

async function authorize(clientId: string, state = 'JJHgsdgfkdaslg7lbadsfg', headers: Record<string, string> = ADMIN) {
  return fetch(`${srv.url}/oauth/authorize/?client_id=${encodeURIComponent(clientId)}&state=${state}`, {
    headers,
    redirect: 'manual',
  });
}

async function codeFor(keys: AppKeys): Promise<string> {
  const res = await authorize(keys.client_id);
  return new URL(res.headers.get('location') as string).searchParams.get('code') as string;
}

async function token(params: Record<string, string>, how: 'get' | 'post' = 'get') {
  const body = new URLSearchParams(params).toString();
  const res =
    how === 'get'
      ? await fetch(`${srv.url}/oauth/token/?${body}`)
      : await fetch(`${srv.url}/oauth/token/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
  // biome-ignore lint/suspicious/noExplicitAny: checked field by field
  return { status: res.status, body: (await res.json()) as any };
}

async function exchange(keys: AppKeys, code: string) {
  return token({
    grant_type: 'authorization_code',
    client_id: keys.client_id,
    client_secret: keys.client_secret,
    code,
  });
}

function refresh(keys: AppKeys, refreshToken: string, how: 'get' | 'post' = 'get') {
  return token(
    {
      grant_type: 'refresh_token',
      client_id: keys.client_id,
      client_secret: keys.client_secret,
      refresh_token: refreshToken,
    },
    how,
  );
}

function callWith(accessToken: string, method: string, params: Record<string, unknown> = {}) {
  return srv.request(`${srv.url}/rest/${method}`, { ...params, auth: accessToken });
}

describe('app add', () => {
  it('prints the keys of a local application as JSON', () => {
    expect(app.client_id).toMatch(/^local\.[0-9a-f]{14}\.\d{8}$/);
    expect(app.client_secret).toMatch(/^[A-Za-z0-9]{50}$/);
    expect(app.scopes).toEqual(['booking']);
    expect(app.handler).toBe(HANDLER);
  });
});

describe('authorization', () => {
  it('approves with the admin bearer and redirects to the handler with code, state, domain, member_id, scope, server_domain', async () => {
    const res = await authorize(app.client_id);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') as string);
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example.com/handler/');
    const q = location.searchParams;
    expect(q.get('from')).toBe('b24');
    expect(q.get('code')).toMatch(/^[a-z0-9]{32}$/);
    expect(q.get('state')).toBe('JJHgsdgfkdaslg7lbadsfg');
    expect(q.get('domain')).toBe(new URL(srv.url).host);
    expect(q.get('member_id')).toMatch(/^[0-9a-f]{32}$/);
    expect(q.get('scope')).toBe('booking');
    expect(q.get('server_domain')).toBe(new URL(srv.url).host);
    expect(res.headers.get('location')).toContain('scope=booking');
  });

  it('sends the scope list with its comma encoded as %2C', async () => {
    const res = await authorize(both.client_id);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain('scope=booking%2Ccrm');
  });

  it('shows the code to an application without a handler URL instead of redirecting', async () => {
    const res = await fetch(`${srv.url}/oauth/authorize/?client_id=${noHandler.client_id}&state=s1`, {
      headers: ADMIN,
    });
    expect(res.status).toBe(200);
    const shown = (await res.json()) as Record<string, string>;
    expect(shown).toMatchObject({ state: 's1', scope: 'booking,crm' });
    expect(shown.code).toMatch(/^[a-z0-9]{32}$/);
  });

  it('refuses approval without the admin token', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
      const res = await authorize(app.client_id, 's', headers);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe('ACCESS_DENIED');
    }
  });

  it('refuses an unknown client_id with invalid_client and a missing one with invalid_request', async () => {
    const unknown = await authorize('local.nothing.00000000');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: 'invalid_client', error_description: 'Invalid client credentials' });
    const missing = await fetch(`${srv.url}/oauth/authorize/`, { headers: ADMIN, redirect: 'manual' });
    expect(((await missing.json()) as { error: string }).error).toBe('invalid_request');
  });
});

describe('the full dance', () => {
  it('exchanges the code, calls methods with the token, refreshes by POST and GET, and expires', async () => {
    const code = await codeFor(app);
    const first = await exchange(app, code);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(
      [
        'access_token',
        'client_endpoint',
        'domain',
        'expires',
        'expires_in',
        'member_id',
        'refresh_token',
        'scope',
        'server_endpoint',
        'status',
        'user_id',
      ].sort(),
    );
    expect(first.body.expires_in).toBe(3600);
    expect(first.body.expires).toBe(Math.floor(clock.ms / 1000) + 3600);
    expect(first.body.client_endpoint).toBe(`${srv.url}/rest/`);
    expect(first.body.server_endpoint).toBe(`${srv.url}/rest/`);
    expect(first.body.scope).toBe('booking');
    expect(first.body.status).toBe('L');
    expect(first.body.user_id).toBe(1);

    // Calls as the docs show them: client_endpoint + method, the token in `auth` (body or query).
    const added = await srv.request(`${first.body.client_endpoint}booking.v1.waitlist.add`, {
      fields: { note: 'via oauth' },
      auth: first.body.access_token,
    });
    expect(added.status).toBe(200);
    const viaQuery = await fetch(
      `${srv.url}/rest/booking.v1.waitlist.get?id=${added.body.result}&access_token=${first.body.access_token}`,
    );
    expect(((await viaQuery.json()) as { result: unknown }).result).toEqual({
      waitList: { id: added.body.result, note: 'via oauth' },
    });
    const viaSdkPath = await srv.request(`${srv.url}/rest//server.time?bx24_request_id=1`, {
      auth: first.body.access_token,
    });
    expect(viaSdkPath.status).toBe(200);

    const info = await callWith(first.body.access_token, 'app.info');
    expect(info.body.result).toEqual({
      ID: expect.any(Number),
      CODE: app.client_id,
      VERSION: 1,
      STATUS: 'L',
      INSTALLED: true,
      PAYMENT_EXPIRED: 'N',
      DAYS: null,
      LANGUAGE_ID: 'en',
      LICENSE: 'en_selfhosted',
    });
    const profile = await callWith(first.body.access_token, 'profile');
    expect(profile.body.result).toMatchObject({ ID: '1', ADMIN: true });

    // Refresh by POST form, as b24jssdk sends it.
    const refreshed = await refresh(app, first.body.refresh_token, 'post');
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(first.body.access_token);
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    // The old access token stays valid until its hour is out (a second use of the spent refresh
    // token would revoke both: see "reuse" below).
    expect((await callWith(first.body.access_token, 'server.time')).status).toBe(200);

    // An hour later both access tokens have expired: 401 expired_token, as clients expect it.
    clock.ms += 3600 * 1000;
    for (const accessToken of [first.body.access_token, refreshed.body.access_token]) {
      const expired = await callWith(accessToken, 'server.time');
      expect(expired.status).toBe(401);
      expect(expired.body).toEqual({
        error: 'expired_token',
        error_description: 'The access token provided has expired.',
      });
    }

    // Refresh by GET, as b24phpsdk and the docs send it.
    const byGet = await refresh(app, refreshed.body.refresh_token);
    expect(byGet.status).toBe(200);
    expect(byGet.body.expires).toBe(Math.floor(clock.ms / 1000) + 3600);
    expect((await callWith(byGet.body.access_token, 'server.time')).status).toBe(200);
  });

  it('answers a token without the method scope with 403 insufficient_scope', async () => {
    const { body } = await exchange(crmOnly, await codeFor(crmOnly));
    const reply = await callWith(body.access_token, 'booking.v1.waitlist.add', { fields: { note: 'x' } });
    expect(reply.status).toBe(403);
    expect(reply.body.error).toBe('insufficient_scope');
    const method = await callWith(body.access_token, 'method.get', { name: 'booking.v1.waitlist.add' });
    expect(method.body.result).toEqual({ isExisting: true, isAvailable: false });
    expect((await callWith(body.access_token, 'scope')).body.result).toEqual(['crm']);
  });

  it('answers an unknown token with 401 invalid_token and no credentials with 401 NO_AUTH_FOUND', async () => {
    const unknown = await callWith('s1morf609228iwyjjpvfv6wsvuja4p8u', 'server.time');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_token');
    const none = await srv.request(`${srv.url}/rest/server.time`, {});
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('NO_AUTH_FOUND');
  });

  it('refuses a code older than 30 seconds, a wrong secret, and a bad grant_type', async () => {
    const code = await codeFor(app);
    clock.ms += 31_000;
    expect((await exchange(app, code)).body.error).toBe('invalid_grant');
    const wrongSecret = await exchange({ ...app, client_secret: 'nope' }, await codeFor(app));
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.body.error).toBe('invalid_client');
    const badGrant = await token({
      grant_type: 'password',
      client_id: app.client_id,
      client_secret: app.client_secret,
    });
    expect(badGrant.body.error).toBe('invalid_request');
    expect((await token({})).body.error).toBe('invalid_request');
  });

  it('runs a batch with the token in the outer body only', async () => {
    const { body } = await exchange(app, await codeFor(app));
    const reply = await callWith(body.access_token, 'batch', {
      halt: 0,
      cmd: { add: 'booking.v1.waitlist.add?fields%5Bnote%5D=b', get: 'booking.v1.waitlist.get?id=$result[add]' },
    });
    expect(reply.body.result.result_error).toEqual([]);
    expect(reply.body.result.result.get.waitList.note).toBe('b');
  });

  it('refuses a refresh token older than 180 days and accepts one just younger', async () => {
    const young = await exchange(app, await codeFor(app));
    const old = await exchange(app, await codeFor(app));
    clock.ms += 180 * 24 * 3600 * 1000 - 1000;
    expect((await refresh(app, young.body.refresh_token)).status).toBe(200);
    clock.ms += 1000;
    const expired = await refresh(app, old.body.refresh_token);
    expect(expired.status).toBe(400);
    expect(expired.body.error).toBe('invalid_grant');
  });
});

/** RFC 6749 section 4.1.2 and RFC 9700 section 4.14.2: a second use means a copy got out. */
describe('reuse', () => {
  const INVALID_TOKEN = { error: 'invalid_token', error_description: 'The access token provided is invalid.' };
  const INVALID_GRANT = { error: 'invalid_grant', error_description: 'Invalid grant' };

  async function works(accessToken: string): Promise<boolean> {
    const reply = await callWith(accessToken, 'server.time');
    if (reply.status === 200) return true;
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual(INVALID_TOKEN);
    return false;
  }

  it('of an authorization code is refused and revokes every token issued from that code', async () => {
    const code = await codeFor(app);
    const first = await exchange(app, code);
    const rotated = await refresh(app, first.body.refresh_token);
    const other = await exchange(app, await codeFor(app));
    // In use, so a cache of found tokens would hold them.
    expect([await works(first.body.access_token), await works(rotated.body.access_token)]).toEqual([true, true]);

    const again = await exchange(app, code);
    expect(again.status).toBe(400);
    expect(again.body).toEqual(INVALID_GRANT);
    expect(await works(first.body.access_token)).toBe(false);
    expect(await works(rotated.body.access_token)).toBe(false);
    expect((await refresh(app, rotated.body.refresh_token)).body).toEqual(INVALID_GRANT);
    // Tokens of another approval are not touched.
    expect(await works(other.body.access_token)).toBe(true);
    expect((await refresh(app, other.body.refresh_token)).status).toBe(200);
  });

  it('of a rotated refresh token is refused and revokes the tokens of its chain', async () => {
    const first = await exchange(app, await codeFor(app));
    const second = await refresh(app, first.body.refresh_token);
    const third = await refresh(app, second.body.refresh_token);
    const other = await exchange(app, await codeFor(app));
    expect(await works(third.body.access_token)).toBe(true);

    const reused = await refresh(app, first.body.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual(INVALID_GRANT);
    for (const pair of [first, second, third]) expect(await works(pair.body.access_token)).toBe(false);
    expect((await refresh(app, third.body.refresh_token)).body).toEqual(INVALID_GRANT);
    expect(await works(other.body.access_token)).toBe(true);
  });
});
