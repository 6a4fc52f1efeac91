/**
 * The request journal: every call a portal answers, with its fields, filters, DELETE, the
 * Server-Sent Events stream, batch commands as entries of their own, sizes, redaction of every
 * credential, `portal.journal()` from startServer, and the deliveries of events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRY_VALUE_LIMIT } from '../src/journal/entry.js';
import { ADMIN_TOKEN, HandlerServer, installApp } from './support/events.js';
import { type Reply, readReply, SECRET, startTestServer, type TestServer, USER_ID } from './support/server.js';

let srv: TestServer;

beforeAll(async () => {
  srv = await startTestServer({ adminToken: ADMIN_TOKEN, events: { pollMs: 20, backoffMs: 50, maxAttempts: 2 } });
});
afterAll(async () => {
  await srv.server.close();
});

function admin(path: string, method = 'GET', body?: unknown): Promise<Reply> {
  return fetch(`${srv.url}/_admin/${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(readReply);
}

// biome-ignore lint/suspicious/noExplicitAny: entries are checked field by field
async function journal(query = '', portal = 'default'): Promise<any[]> {
  const reply = await admin(`portals/${portal}/journal${query}`);
  expect(reply.status, reply.text).toBe(200);
  return reply.body.entries;
}

async function ok(method: string, params: unknown = {}) {
  const reply = await srv.call(method, params);
  expect(reply.status, `${method}: ${reply.text}`).toBe(200);
  return reply.body.result;
}

describe('an entry', () => {
  it('has every field of a call that succeeded and of one that failed', async () => {
    await admin('journal', 'DELETE');
    const id = await ok('booking.v1.waitlist.add', { fields: { note: 'call back' } });
    const failed = await srv.call('booking.v1.waitlist.get', { id: 999 });
    const entries = await journal();
    expect(entries).toHaveLength(2);
    const [added, missing] = entries;
    expect(Object.keys(added)).toEqual(['id', 'time', 'method', 'caller', 'params', 'status', 'result', 'durationMs']);
    expect(added).toMatchObject({
      method: 'booking.v1.waitlist.add',
      caller: { type: 'webhook', userId: USER_ID, webhookId: expect.any(Number) },
      params: { fields: { note: 'call back' } },
      status: 200,
      result: id,
    });
    expect(new Date(added.time).toISOString()).toBe(added.time);
    expect(Math.abs(Date.parse(added.time) - Date.now())).toBeLessThan(60_000);
    expect(added.durationMs).toBeGreaterThan(0);
    expect(missing.id).toBe(added.id + 1);
    expect(missing).toMatchObject({
      method: 'booking.v1.waitlist.get',
      params: { id: 999 },
      status: failed.status,
      error: failed.body,
    });
    expect(missing).not.toHaveProperty('result');
  });

  it('keeps a method the server does not know as the client named it', async () => {
    await srv.call('no.such.method');
    const [entry] = await journal('?limit=1');
    expect(entry).toMatchObject({ method: 'no.such.method', status: 404, error: { error: 'ERROR_METHOD_NOT_FOUND' } });
  });

  it('keeps 16 KiB of parameters and of result, marked when cut, as valid JSON', async () => {
    const note = 'n'.repeat(ENTRY_VALUE_LIMIT + 100);
    const id = await ok('booking.v1.waitlist.add', { fields: { note } });
    await ok('booking.v1.waitlist.get', { id });
    const [add, get] = await journal('?limit=2');
    expect(add.paramsTruncated).toBe(true);
    expect(typeof add.params).toBe('string');
    expect(Buffer.byteLength(add.params)).toBeLessThanOrEqual(ENTRY_VALUE_LIMIT);
    expect(add.params.startsWith('{"fields":{"note":"nnn')).toBe(true);
    expect(add.result).toBe(id);
    expect(add).not.toHaveProperty('resultTruncated');
    expect(get.resultTruncated).toBe(true);
    expect(typeof get.result).toBe('string');
    expect(get.params).toEqual({ id });
  });
});

describe('filters', () => {
  it('method glob (any case), status, since (exclusive) and limit (the newest), oldest first', async () => {
    await admin('journal', 'DELETE');
    await ok('booking.v1.waitlist.list');
    await ok('booking.v1.resourceType.list');
    await srv.call('booking.v1.waitlist.get', { id: 424242 });
    await ok('server.time');
    const all = await journal();
    expect(all.map((e) => e.method)).toEqual([
      'booking.v1.waitlist.list',
      'booking.v1.resourceType.list',
      'booking.v1.waitlist.get',
      'server.time',
    ]);
    const ids = all.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect((await journal('?method=booking.v1.WAITLIST.*')).map((e) => e.method)).toEqual([
      'booking.v1.waitlist.list',
      'booking.v1.waitlist.get',
    ]);
    expect((await journal('?method=*.?ist')).map((e) => e.method)).toEqual([
      'booking.v1.waitlist.list',
      'booking.v1.resourceType.list',
    ]);
    expect((await journal('?method=server.[st]ime')).map((e) => e.method)).toEqual(['server.time']);
    expect((await journal('?status=4xx')).map((e) => e.method)).toEqual(['booking.v1.waitlist.get']);
    expect((await journal('?status=200')).map((e) => e.status)).toEqual([200, 200, 200]);
    expect(await journal('?status=5xx')).toEqual([]);
    expect((await journal(`?since=${ids[1]}`)).map((e) => e.id)).toEqual(ids.slice(2));
    expect((await journal('?limit=2')).map((e) => e.id)).toEqual(ids.slice(2));
    expect((await journal(`?since=${ids[0]}&limit=1&status=200`)).map((e) => e.id)).toEqual([ids[3]]);
  });

  it.each([
    ['method=booking.[v1', 'method'],
    ['method=a]b', 'method'],
    ['method=', 'method'],
    ['method=a%20b', 'method'],
    ['status=600', 'status'],
    ['status=4x', 'status'],
    ['status=ok', 'status'],
    ['since=-1', 'since'],
    ['since=abc', 'since'],
    ['limit=0', 'limit'],
    ['limit=1.5', 'limit'],
    ['methods=*', 'methods'],
  ])('refuses ?%s with a 400 naming %s', async (query, name) => {
    for (const path of [`journal?${query}`, `portals/default/journal?${query}`, `journal/stream?${query}`]) {
      const reply = await admin(path);
      expect(reply.status, reply.text).toBe(400);
      expect(reply.body.error).toBe('INVALID_FILTER');
      expect(reply.body.error_description).toContain(name === 'methods' ? '"methods"' : '');
    }
  });

  it('answers 404 for a portal that does not exist, and 401 without the admin token', async () => {
    const reply = await admin('portals/nosuchportal/journal');
    expect(reply.status).toBe(404);
    expect(reply.body.error).toBe('PORTAL_NOT_FOUND');
    const anonymous = await fetch(`${srv.url}/_admin/journal`);
    expect(anonymous.status).toBe(401);
  });
});

describe('DELETE', () => {
  it('empties the journal; ids go on counting', async () => {
    await ok('server.time');
    const [last] = await journal('?limit=1');
    const filtered = await admin('journal?method=server.*', 'DELETE');
    expect(filtered.status).toBe(400);
    expect(await journal('?limit=1')).toEqual([last]);
    const cleared = await admin('journal', 'DELETE');
    expect(cleared.status).toBe(200);
    expect(await journal()).toEqual([]);
    await ok('server.time');
    const [next] = await journal();
    expect(next.id).toBe(last.id + 1);
  });
});

describe('batch', () => {
  it('is an entry, and each command an entry of its own tied to it by batchId', async () => {
    await admin('journal', 'DELETE');
    const reply = await srv.call('batch', {
      halt: 0,
      cmd: {
        a: 'booking.v1.waitlist.add?fields[note]=from batch',
        b: 'booking.v1.waitlist.get?id=$result[a]',
        c: 'booking.v1.waitlist.get?id=987654',
        d: 'batch?cmd[x]=server.time',
      },
    });
    expect(reply.status, reply.text).toBe(200);
    const entries = await journal();
    expect(entries.map((e) => [e.method, e.status])).toEqual([
      ['batch', 200],
      ['booking.v1.waitlist.add', 200],
      ['booking.v1.waitlist.get', 200],
      ['booking.v1.waitlist.get', 400],
      // The status the error carries, as a call on its own would answer it.
      ['batch', 405],
    ]);
    const [batch, add, get, missing, nested] = entries;
    expect(batch).not.toHaveProperty('batchId');
    expect(batch.result).toEqual(reply.body.result);
    for (const command of [add, get, missing, nested]) {
      expect(command.batchId).toBe(batch.id);
      expect(command.caller).toEqual(batch.caller);
    }
    const id = reply.body.result.result.a;
    expect(add).toMatchObject({ params: { fields: { note: 'from batch' } }, result: id });
    expect(get).toMatchObject({ params: { id }, result: reply.body.result.result.b });
    expect(missing.error).toEqual(reply.body.result.result_error.c);
    expect(nested.error).toEqual(reply.body.result.result_error.d);
  });
});

describe('sizes', () => {
  it('`5` keeps the newest five; `0` keeps none', async () => {
    const five = await startTestServer({ journalSize: 5, adminToken: ADMIN_TOKEN });
    const none = await startTestServer({ journalSize: 0, adminToken: ADMIN_TOKEN });
    try {
      for (let i = 0; i < 8; i++) {
        for (const s of [five, none]) expect((await s.call('server.time')).status).toBe(200);
      }
      const kept = await five.server.portal('default').journal();
      expect(kept.map((e) => e.id)).toEqual([4, 5, 6, 7, 8]);
      expect(await none.server.portal('default').journal()).toEqual([]);
      const reply = await fetch(`${none.url}/_admin/journal`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(await reply.json()).toEqual({ entries: [] });
    } finally {
      await five.server.close();
      await none.server.close();
    }
  });
});

describe('portals', () => {
  it('each portal has its own journal; portal.journal(filter) reads it; a removed portal takes it along', async () => {
    const portal = await srv.server.createPortal({ name: 'journaled', webhooks: ['7:journaledsecret1'] });
    const hook = `${srv.url}/rest/7/journaledsecret1/`;
    const add = await srv.request(`${hook}booking.v1.waitlist.add`, { fields: { note: 'p' } });
    expect(add.status, add.text).toBe(200);
    await srv.request(`${hook}booking.v1.waitlist.get`, { id: 5555 });
    const entries = await portal.journal();
    expect(entries.map((e) => [e.id, e.method, e.status])).toEqual([
      [1, 'booking.v1.waitlist.add', 200],
      [2, 'booking.v1.waitlist.get', 400],
    ]);
    expect(entries[0]?.caller).toMatchObject({ type: 'webhook', userId: 7 });
    expect(await portal.journal({ method: '*.add' })).toHaveLength(1);
    expect(await portal.journal({ status: '4xx', since: 1 })).toHaveLength(1);
    await expect(portal.journal({ method: 'a[' })).rejects.toThrow('glob');
    expect((await journal('', 'journaled')).map((e) => e.id)).toEqual([1, 2]);
    const inDefault = await journal('?method=booking.v1.waitlist.get&limit=50');
    expect(inDefault.some((e) => e.params.id === 5555)).toBe(false);
    await portal.clearJournal();
    expect(await portal.journal()).toEqual([]);
    await srv.request(`${hook}server.time`, {});
    await portal.remove();
    const again = await srv.server.createPortal({ name: 'journaled', webhooks: ['7:journaledsecret2'] });
    expect(await again.journal()).toEqual([]);
    await again.remove();
  });
});

/** Reads Server-Sent Events from a stream until `count` events came; resolves with their data. */
async function readEvents(body: ReadableStream<Uint8Array>, count: number): Promise<{ id: string; data: string }[]> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const events: { id: string; data: string }[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let end = text.indexOf('\n\n');
    while (end !== -1) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const id = /^id: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (id !== undefined && data !== undefined) events.push({ id, data });
      end = text.indexOf('\n\n');
    }
  }
  reader.releaseLock();
  return events;
}

describe('the stream', () => {
  it('sends each new entry the filter keeps as an event, after those since the given id', async () => {
    await ok('server.time');
    const [last] = await journal('?limit=1');
    const controller = new AbortController();
    const res = await fetch(`${srv.url}/_admin/journal/stream?method=booking.*&since=${last.id - 1}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const body = res.body as ReadableStream<Uint8Array>;
    const events = readEvents(body, 2);
    await ok('server.time');
    const id = await ok('booking.v1.waitlist.add', { fields: { note: 'streamed' } });
    await ok('booking.v1.waitlist.get', { id });
    const [added, got] = await events;
    controller.abort();
    expect(JSON.parse(added?.data as string)).toMatchObject({ method: 'booking.v1.waitlist.add', result: id });
    expect(JSON.parse(got?.data as string)).toMatchObject({ method: 'booking.v1.waitlist.get' });
    expect(Number(got?.id)).toBe(Number(added?.id) + 1);
  });

  it('opens with a comment, and ends cleanly when the server stops', async () => {
    const own = await startTestServer({ adminToken: ADMIN_TOKEN });
    const res = await fetch(`${own.url}/_admin/journal/stream`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^: /);
    const started = Date.now();
    await own.server.close();
    expect(Date.now() - started).toBeLessThan(5000);
    let done = false;
    while (!done) done = (await reader.read()).done;
  });
});

describe('redaction', () => {
  it('no webhook secret, token or auth parameter in any byte the journal serves', async () => {
    const app = await installApp(srv);
    const token = app.accessToken;
    await admin('journal', 'DELETE');
    const controller = new AbortController();
    const streamed = fetch(`${srv.url}/_admin/journal/stream`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: controller.signal,
    }).then((res) => readEvents(res.body as ReadableStream<Uint8Array>, 8));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await app.call('booking.v1.waitlist.list')).status).toBe(200);
    expect((await srv.request(`${srv.url}/rest/server.time?access_token=${token}`, {}, 'query')).status).toBe(200);
    expect((await srv.request(`${srv.url}/rest/server.time`, { auth: token }, 'form')).status).toBe(200);
    const batch = await srv.request(`${srv.url}/rest/batch`, {
      auth: token,
      cmd: { a: `server.time?auth=${token}`, b: `server.time?a%75th=${token}&x=1`, c: `server.time?AUTH[0]=${token}` },
    });
    expect(batch.status, batch.text).toBe(200);
    expect((await srv.call('server.time', { AUTH: token, refresh_token: token })).status).toBe(200);
    const served = [
      (await admin('journal')).text,
      JSON.stringify(await srv.server.portal('default').journal()),
      JSON.stringify(await streamed),
    ];
    controller.abort();
    const entries = JSON.parse(served[0] as string).entries;
    expect(entries).toHaveLength(8);
    expect(entries[0].caller).toEqual({ type: 'oauth', userId: 1, clientId: app.clientId });
    expect(entries.slice(4, 7).map((e: { params: unknown }) => e.params)).toEqual([{}, { x: '1' }, {}]);
    expect(entries[3].params.cmd).toEqual({ a: 'server.time', b: 'server.time?x=1', c: 'server.time' });
    for (const text of served) {
      for (const secret of [token, SECRET, ADMIN_TOKEN]) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/"auth"|access_token|refresh_token/i);
    }
  });

  it('an expired token is journaled under its application, and without the token', async () => {
    const app = await installApp(srv);
    await admin('journal', 'DELETE');
    const clock = srv.server.portal('default').clock;
    await clock.advance(7200);
    try {
      const reply = await app.call('server.time');
      expect(reply.body.error).toBe('expired_token');
      const [entry] = await journal();
      expect(entry).toMatchObject({ status: 401, caller: { type: 'oauth', clientId: app.clientId } });
      expect(JSON.stringify(entry)).not.toContain(app.accessToken);
    } finally {
      await clock.advance(-7200);
    }
  });

  it('a call refused at authentication (wrong secret) belongs to no caller: not journaled', async () => {
    await admin('journal', 'DELETE');
    const reply = await srv.request(`${srv.url}/rest/1/wrongsecret00000/server.time`, {});
    expect(reply.status).toBe(401);
    expect(await journal()).toEqual([]);
  });
});

describe('deliveries', () => {
  it('lists each delivery of an event to a handler with its tries, last status and state', async () => {
    const hs = await HandlerServer.start();
    try {
      hs.on('/fail', () => ({ status: 500 }));
      const app = await installApp(srv);
      for (const path of ['/ok', '/fail']) {
        const bound = await app.call('event.bind', { event: 'onBookingWaitListItemAdd', handler: `${hs.url}${path}` });
        expect(bound.status, bound.text).toBe(200);
      }
      await ok('booking.v1.waitlist.add', { fields: { note: 'event' } });
      await hs.waitFor((posts) => posts.filter((p) => p.path === '/fail').length >= 2);
      let deliveries: { handler: string; state: string; tries: number; lastStatus: number | null; event: string }[] =
        [];
      for (let i = 0; i < 100; i++) {
        deliveries = (await admin('deliveries')).body.deliveries;
        if (deliveries.filter((d) => d.state !== 'pending').length >= 2) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const byHandler = Object.fromEntries(deliveries.map((d) => [new URL(d.handler).pathname, d]));
      expect(byHandler['/ok']).toMatchObject({
        event: 'ONBOOKINGWAITLISTITEMADD',
        state: 'delivered',
        tries: 1,
        lastStatus: 200,
      });
      expect(byHandler['/fail']).toMatchObject({ state: 'failed', tries: 2, lastStatus: 500 });
      const failed = await admin('portals/default/deliveries?state=failed&limit=1');
      expect(failed.body.deliveries).toHaveLength(1);
      expect((await admin('deliveries?state=gone')).status).toBe(400);
      expect((await admin('deliveries?limit=0')).status).toBe(400);
    } finally {
      await hs.close();
    }
  });

  it("lists every application's bindings and offline queue (newest rows, oldest first)", async () => {
    const app = await installApp(srv, { name: 'Offline reader' });
    const bound = await app.call('event.bind', { event: 'onBookingWaitListItemAdd', event_type: 'offline' });
    expect(bound.status, bound.text).toBe(200);
    await ok('booking.v1.waitlist.add', { fields: { note: 'first' } });
    await ok('booking.v1.waitlist.add', { fields: { note: 'second' } });
    // The events reach the queue from the outbox, a moment after the calls.
    let ours: Record<string, unknown>[] = [];
    for (let i = 0; i < 100 && ours.length < 2; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      const queue = (await admin('portals/default/offline')).body.offline as Record<string, unknown>[];
      ours = queue.filter((row) => row.clientId === app.clientId);
    }
    expect(ours).toHaveLength(2);
    expect(ours[0]).toMatchObject({ event: 'ONBOOKINGWAITLISTITEMADD', processId: '', error: false, connector: '' });
    expect((ours[0]?.id as number) < (ours[1]?.id as number)).toBe(true);
    // What the application itself reads: the same rows.
    const listed = (await app.call('event.offline.list')).body.result as { ID: number }[];
    expect(listed.map((row) => Number(row.ID))).toEqual(ours.map((row) => row.id));
    // Its binding, as event.get lists it to the application, with the application's client id.
    const bindings = (await admin('portals/default/bindings')).body.bindings as Record<string, unknown>[];
    const own = (await app.call('event.get')).body.result as Record<string, unknown>[];
    expect(bindings.filter((b) => b.clientId === app.clientId)).toEqual(
      own.map((b) => ({ clientId: app.clientId, ...b })),
    );
    expect(own).toMatchObject([{ event: 'ONBOOKINGWAITLISTITEMADD', offline: 1 }]);
    expect((await admin('offline?limit=1')).body.offline).toHaveLength(1);
    expect((await admin('offline?limit=1001')).status).toBe(400);
    expect((await admin('offline?state=failed')).status).toBe(400);
  });
});
