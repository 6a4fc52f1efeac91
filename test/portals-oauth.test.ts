/**
 * OAuth applications, tokens and events in portals other than `default`: an application is one
 * portal's, the no-browser approval and the token endpoint act in the portal of the client id, a
 * REST call with a token reaches the portal the token was issued in (and never another), and
 * events of a portal reach its handlers with the portal's own member_id. A removed portal's
 * client ids and tokens stop at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, HandlerServer, settle } from './support/events.js';
import { readReply, startTestServer, TEST_DATABASE, type TestServer, tempDir } from './support/server.js';

interface AppKeys {
  id: number;
  client_id: string;
  client_secret: string;
  name: string;
  scopes: string[];
  handler: string | null;
  application_token: string;
}

let server: TestServer;
let hs: HandlerServer;

beforeAll(async () => {
  server = await startTestServer({ adminToken: ADMIN_TOKEN, events: { pollMs: 20 } });
  hs = await HandlerServer.start();
});
afterAll(async () => {
  await server?.server.close();
  await hs?.close();
});

function admin(srv: TestServer, path: string, method = 'GET', body?: unknown) {
  return fetch(`${srv.url}/_admin/${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(readReply);
}

async function makePortal(srv: TestServer, name: string): Promise<{ memberId: string; hook: string }> {
  const made = await admin(srv, 'portals', 'POST', { name });
  expect(made.status, made.text).toBe(201);
  return { memberId: made.body.memberId, hook: made.body.webhookUrls[0] };
}

async function addApp(srv: TestServer, portal: string, handler?: string): Promise<AppKeys> {
  const made = await admin(srv, `portals/${portal}/apps`, 'POST', {
    name: `${portal} app`,
    scopes: ['booking', 'crm'],
    ...(handler ? { handler } : {}),
  });
  expect(made.status, made.text).toBe(201);
  return made.body;
}

/** The approval with the admin token: the redirect's (or the page's) parameters. */
async function approve(srv: TestServer, clientId: string): Promise<{ status: number; query: Record<string, string> }> {
  const res = await fetch(`${srv.url}/oauth/authorize/?client_id=${encodeURIComponent(clientId)}&state=st`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    redirect: 'manual',
  });
  if (res.status === 302) {
    const location = new URL(res.headers.get('location') as string);
    return { status: 302, query: Object.fromEntries(location.searchParams) };
  }
  return { status: res.status, query: (await res.json()) as Record<string, string> };
}

async function token(srv: TestServer, params: Record<string, string>) {
  return readReply(await fetch(`${srv.url}/oauth/token/?${new URLSearchParams(params)}`));
}

async function exchange(srv: TestServer, app: AppKeys) {
  const { query } = await approve(srv, app.client_id);
  const reply = await token(srv, {
    grant_type: 'authorization_code',
    client_id: app.client_id,
    client_secret: app.client_secret,
    code: query.code as string,
  });
  expect(reply.status, reply.text).toBe(200);
  return reply.body;
}

/** A REST call without a webhook: the token in `auth`, as an application calls. */
function withToken(srv: TestServer, accessToken: string, method: string, params: Record<string, unknown> = {}) {
  return srv.request(`${srv.url}/rest/${method}`, { ...params, auth: accessToken });
}

const notes = (reply: { body: { result: { waitList: { note: string }[] } } }) =>
  reply.body.result.waitList.map((w) => w.note);

describe('OAuth in portals', () => {
  it('each portal approves, exchanges and answers with its own member_id; each token sees its own data', async () => {
    const a = await makePortal(server, 'oa');
    const b = await makePortal(server, 'ob');
    expect(a.memberId).not.toBe(b.memberId);
    const appA = await addApp(server, 'oa', 'https://a.example.com/handler/');
    // The library's handle registers the same way.
    const appB = (await server.server.portal('ob').addApp({
      name: 'ob app',
      scopes: ['booking', 'crm'],
      handler: 'https://b.example.com/handler/',
    })) as AppKeys;
    expect(appA).toMatchObject({
      name: 'oa app',
      scopes: ['booking', 'crm'],
      handler: 'https://a.example.com/handler/',
    });
    expect(appA.client_id).toMatch(/^local\.[0-9a-f]{14}\.\d{8}$/);
    expect(appB.client_id).not.toBe(appA.client_id);

    const host = new URL(server.url).host;
    for (const [app, portal] of [
      [appA, a],
      [appB, b],
    ] as const) {
      const approval = await approve(server, app.client_id);
      expect(approval.status).toBe(302);
      expect(approval.query).toMatchObject({ member_id: portal.memberId, domain: host, state: 'st' });
      const answer = await exchange(server, app);
      expect(answer).toMatchObject({
        member_id: portal.memberId,
        domain: host,
        client_endpoint: `${server.url}/rest/`,
        scope: 'booking,crm',
      });
    }

    const tokenA = (await exchange(server, appA)).access_token as string;
    const tokenB = (await exchange(server, appB)).access_token as string;
    await server.call('booking.v1.waitlist.add', { fields: { note: 'default' } });
    expect((await withToken(server, tokenA, 'booking.v1.waitlist.add', { fields: { note: 'in a' } })).body.result).toBe(
      1,
    );
    expect((await withToken(server, tokenB, 'booking.v1.waitlist.add', { fields: { note: 'in b' } })).body.result).toBe(
      1,
    );
    expect(notes(await withToken(server, tokenA, 'booking.v1.waitlist.list'))).toEqual(['in a']);
    expect(notes(await withToken(server, tokenB, 'booking.v1.waitlist.list'))).toEqual(['in b']);
    // The same token as `access_token` in the query reaches the same portal.
    const byQuery = await readReply(await fetch(`${server.url}/rest/booking.v1.waitlist.list?access_token=${tokenB}`));
    expect(notes(byQuery)).toEqual(['in b']);
    // The portals' webhooks agree with the tokens, and the default portal saw none of it.
    expect(notes(await server.request(`${a.hook}booking.v1.waitlist.list`, {}))).toEqual(['in a']);
    expect(notes(await server.call('booking.v1.waitlist.list'))).not.toContain('in a');
    expect(notes(await server.call('booking.v1.waitlist.list'))).not.toContain('in b');
  });

  it("a portal's client id and tokens are refused everywhere else: a secret of one app never opens another", async () => {
    await makePortal(server, 'oc');
    const appC = await addApp(server, 'oc');
    const answer = await exchange(server, appC);
    // Refresh: the client id finds the portal; the new token works there, the rotated one is spent.
    const refreshed = await token(server, {
      grant_type: 'refresh_token',
      client_id: appC.client_id,
      client_secret: appC.client_secret,
      refresh_token: answer.refresh_token,
    });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.body.member_id).toBe(answer.member_id);
    expect((await withToken(server, refreshed.body.access_token, 'booking.v1.waitlist.list')).status).toBe(200);

    // A client secret of another portal's app with this client id: invalid_client, nothing issued.
    const appD = await addApp(server, 'oa');
    const mixed = await token(server, {
      grant_type: 'refresh_token',
      client_id: appC.client_id,
      client_secret: appD.client_secret,
      refresh_token: refreshed.body.refresh_token,
    });
    expect(mixed.body.error).toBe('invalid_client');

    // A second use of the rotated refresh token revokes the family: the portal's tokens stop at once.
    const reused = await token(server, {
      grant_type: 'refresh_token',
      client_id: appC.client_id,
      client_secret: appC.client_secret,
      refresh_token: answer.refresh_token,
    });
    expect(reused.body.error).toBe('invalid_grant');
    const revoked = await withToken(server, refreshed.body.access_token, 'booking.v1.waitlist.list');
    expect(revoked.status).toBe(401);
    expect(revoked.body.error).toBe('invalid_token');
  });

  it('an application of the default portal still works as before, and only there', async () => {
    const app = await addApp(server, 'default', 'https://d.example.com/handler/');
    const answer = await exchange(server, app);
    const defaultMember = (await admin(server, 'portals/default')).body.memberId;
    expect(answer.member_id).toBe(defaultMember);
    const list = await withToken(server, answer.access_token, 'booking.v1.waitlist.list');
    expect(notes(list)).toContain('default');
  });

  it('refuses bad application requests with a Bitrix-shaped error, registering nothing', async () => {
    await makePortal(server, 'oe');
    const cases: [string, unknown, number, string][] = [
      ['portals/oe/apps', {}, 400, 'INVALID_APP'],
      ['portals/oe/apps', { name: '' }, 400, 'INVALID_APP'],
      ['portals/oe/apps', { name: 'x', scopes: 'booking' }, 400, 'INVALID_APP'],
      ['portals/oe/apps', { name: 'x', scopes: [1] }, 400, 'INVALID_APP'],
      ['portals/oe/apps', { name: 'x', scopes: ['booking'], handler: 'ftp://h/' }, 400, 'INVALID_APP'],
      ['portals/nope/apps', { name: 'x', scopes: ['booking'] }, 404, 'PORTAL_NOT_FOUND'],
    ];
    for (const [path, body, status, error] of cases) {
      const reply = await admin(server, path, 'POST', body);
      expect({ body, status: reply.status, error: reply.body?.error }).toEqual({ body, status, error });
      expect(typeof reply.body.error_description).toBe('string');
    }
  });

  it('events of a portal reach its handlers with its member_id and tokens that call back into it; removal stops all', async () => {
    const b = await makePortal(server, 'ev');
    const other = await makePortal(server, 'ev-quiet');
    const app = await addApp(server, 'ev');
    const answer = await exchange(server, app);
    // An event recorded before any binding goes nowhere, as in the default portal.
    await server.request(`${b.hook}booking.v1.waitlist.add`, { fields: { note: 'before' } });
    const portalOf = (name: string) => server.server.portals.get(name);
    // A portal without bindings runs no delivery worker (idle portals do not poll).
    expect((await portalOf('ev'))?.delivery).toBeUndefined();
    const bound = await withToken(server, answer.access_token, 'event.bind', {
      event: 'onBookingWaitListItemAdd',
      handler: `${hs.url}/ev`,
    });
    expect(bound.body, bound.text).toMatchObject({ result: true });
    expect((await portalOf('ev'))?.delivery).toBeDefined();
    // Written through the portal's webhook: the event is the portal's, whoever wrote.
    await server.request(`${b.hook}booking.v1.waitlist.add`, { fields: { note: 'after' } });
    await server.request(`${other.hook}booking.v1.waitlist.add`, { fields: { note: 'elsewhere' } });
    await hs.waitFor((posts) => posts.some((p) => p.path === '/ev'));
    await settle();
    const posts = hs.to('/ev');
    expect(posts.map((p) => p.body.data)).toEqual([{ ID: '2' }]);
    const { auth } = posts[0]?.body ?? {};
    expect(auth).toMatchObject({
      member_id: b.memberId,
      domain: new URL(server.url).host,
      client_endpoint: `${server.url}/rest/`,
      application_token: app.application_token,
    });
    expect((await portalOf('ev-quiet'))?.delivery).toBeUndefined();

    // The handler's token calls back into the portal the event came from.
    const item = await withToken(server, auth.access_token, 'booking.v1.waitlist.get', { id: 2 });
    expect(item.body.result?.waitList?.note, item.text).toBe('after');

    const portal = await portalOf('ev');
    expect((await admin(server, 'portals/ev', 'DELETE')).status).toBe(200);
    for (const t of [answer.access_token, auth.access_token]) {
      const gone = await withToken(server, t, 'booking.v1.waitlist.list');
      expect(gone.status).toBe(401);
      expect(gone.body.error).toBe('invalid_token');
    }
    expect((await approve(server, app.client_id)).query.error).toBe('invalid_client');
    const refused = await token(server, {
      grant_type: 'refresh_token',
      client_id: app.client_id,
      client_secret: app.client_secret,
      refresh_token: answer.refresh_token,
    });
    expect(refused.body.error).toBe('invalid_client');
    // Its worker is stopped with it.
    expect(portal?.delivery).toBeUndefined();
  });

  it("the directory drops an access token's entry a week after it expired, never a webhook's or a client id's", async () => {
    const made = await makePortal(server, 'pruned');
    const app = await addApp(server, 'pruned');
    const answer = await exchange(server, app);
    await server.server.portals.pruneExpired();
    expect((await withToken(server, answer.access_token, 'booking.v1.waitlist.list')).status).toBe(200);
    // Eight days on (an hour's token, kept a week after): the entry is gone, so the token finds no portal.
    await server.server.portals.pruneExpired(Date.now() + 8 * 24 * 3600_000);
    // Past the one-second memory of where credentials were found.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const stale = await withToken(server, answer.access_token, 'booking.v1.waitlist.list');
    expect(stale.status).toBe(401);
    expect((await server.request(`${made.hook}booking.v1.waitlist.list`, {})).status).toBe(200);
    // The client id still finds the portal: a new approval and token work.
    const again = await exchange(server, app);
    expect((await withToken(server, again.access_token, 'booking.v1.waitlist.list')).status).toBe(200);
  });

  it('with --portal-domain, approvals, token answers and event payloads name the portal at its own domain', async () => {
    const named = await startTestServer({ adminToken: ADMIN_TOKEN, events: { pollMs: 20 }, portalDomain: 'localhost' });
    try {
      const { port, protocol } = new URL(named.url);
      const made = await makePortal(named, 'dom');
      const domain = `dom.localhost:${port}`;
      const app = await addApp(named, 'dom', 'https://dom.example.com/handler/');
      const approval = await approve(named, app.client_id);
      expect(approval.query).toMatchObject({ domain, server_domain: domain, member_id: made.memberId });
      const answer = await exchange(named, app);
      expect(answer).toMatchObject({
        domain,
        client_endpoint: `${protocol}//${domain}/rest/`,
        server_endpoint: `${protocol}//${domain}/rest/`,
        member_id: made.memberId,
      });
      const bound = await withToken(named, answer.access_token, 'event.bind', {
        event: 'onBookingWaitListItemAdd',
        handler: `${hs.url}/dom`,
      });
      expect(bound.body, bound.text).toMatchObject({ result: true });
      // The webhook URL names the portal's domain; called at the server's address, as without DNS.
      expect(made.hook.startsWith(`${protocol}//${domain}/rest/`)).toBe(true);
      const hook = made.hook.replace(domain, new URL(named.url).host);
      await named.request(`${hook}booking.v1.waitlist.add`, { fields: { note: 'x' } });
      await hs.waitFor((posts) => posts.some((p) => p.path === '/dom'));
      expect(hs.to('/dom')[0]?.body.auth).toMatchObject({
        domain,
        client_endpoint: `${protocol}//${domain}/rest/`,
        member_id: made.memberId,
      });
      // The default portal is `default.<domain>` likewise.
      const own = await addApp(named, 'default', 'https://d.example.com/handler/');
      expect((await exchange(named, own)).domain).toBe(`default.localhost:${port}`);
    } finally {
      await named.server.close();
    }
  });

  // A restart on the same data directory: SQLite's (the postgres project gives each server a new database).
  it.runIf(TEST_DATABASE === 'sqlite')(
    'a portal with bindings delivers what it still owes after a restart, before its next call',
    async () => {
      const data = tempDir('b24-portal-oauth-');
      const events = { pollMs: 20, backoffMs: 100 };
      let failing = true;
      hs.on('/kept', () => ({ status: failing ? 500 : 200 }));
      const first = await startTestServer({ data, adminToken: ADMIN_TOKEN, events });
      let hook: string;
      let accessToken: string;
      try {
        const made = await makePortal(first, 'kept');
        hook = made.hook;
        const app = await addApp(first, 'kept');
        accessToken = (await exchange(first, app)).access_token;
        const bound = await withToken(first, accessToken, 'event.bind', {
          event: 'onBookingWaitListItemAdd',
          handler: `${hs.url}/kept`,
        });
        expect(bound.body, bound.text).toMatchObject({ result: true });
        await first.request(`${hook}booking.v1.waitlist.add`, { fields: { note: 'before restart' } });
        // Refused by the handler: the delivery is still owed when the server stops.
        await hs.waitFor((posts) => posts.some((p) => p.path === '/kept'));
      } finally {
        await first.server.close();
      }
      failing = false;
      const refusedBefore = hs.to('/kept').length;
      const second = await startTestServer({ data, adminToken: ADMIN_TOKEN, events });
      try {
        // No call reaches the portal: its worker was started with the server.
        await hs.waitFor((posts) => posts.filter((p) => p.path === '/kept').length > refusedBefore);
        expect(hs.to('/kept').at(-1)?.body.data).toEqual({ ID: '1' });
        const port = new URL(second.url).port;
        const again = hook.replace(/:\d+\//, `:${port}/`);
        // The token issued before the restart still finds its portal.
        expect((await withToken(second, accessToken, 'booking.v1.waitlist.list')).status).toBe(200);
        await second.request(`${again}booking.v1.waitlist.add`, { fields: { note: 'after restart' } });
        await hs.waitFor((posts) => posts.some((p) => p.path === '/kept' && p.body.data?.ID === '2'));
      } finally {
        await second.server.close();
      }
    },
  );
});
