/**
 * Portals: many isolated Bitrix24 accounts in one server. Each has its own records and id
 * counters, webhooks, settings and clock; a call acts on the portal its webhook belongs to.
 * On SQLite a portal is a database file of its own; on PostgreSQL a schema of its own.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRest } from './support/cli.js';
import {
  freshPostgresDatabase,
  readReply,
  startTestServer,
  TEST_DATABASE,
  type TestServer,
  tempDir,
} from './support/server.js';

let server: TestServer;
/** The server's PostgreSQL database, in the postgres project. */
let database: string | undefined;

beforeAll(async () => {
  database = TEST_DATABASE === 'postgres' ? await freshPostgresDatabase() : undefined;
  server = await startTestServer(database ? { database } : {});
});
afterAll(async () => {
  await server?.server.close();
});

function admin(path: string, method = 'GET', body?: unknown) {
  return fetch(`${server.url}/_admin/${path}`, {
    method,
    headers: { authorization: `Bearer ${server.server.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(readReply);
}

/** What a query on the server's PostgreSQL database answers, from a connection of the test's own. */
async function queryDatabase<R extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Connections the server holds open to its database (this probe not counted). */
async function connectionsTo(url: string): Promise<number> {
  const rows = await queryDatabase<{ n: number }>(
    url,
    'select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  );
  return rows[0]?.n ?? 0;
}

/** The schemas of the server's PostgreSQL database that hold portals. */
async function portalSchemas(url: string): Promise<string[]> {
  const rows = await queryDatabase<{ name: string }>(
    url,
    "select nspname as name from pg_namespace where nspname like 'portal\\_%' order by nspname",
  );
  return rows.map((r) => r.name);
}

function call(hook: string, method: string, params: unknown = {}) {
  return fetch(hook + method, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  }).then(readReply);
}

describe('portals', () => {
  it('a new portal answers through its own webhook, with its own records and ids from 1', async () => {
    const made = await admin('portals', 'POST', { name: 'alpha', webhooks: ['1:alphasecret01'] });
    expect(made.status, made.text).toBe(201);
    expect(made.body).toMatchObject({ name: 'alpha', domain: new URL(server.url).host });
    expect(made.body.memberId).toMatch(/^[0-9a-f]{32}$/);
    expect(made.body.webhookUrls).toEqual([`${server.url}/rest/1/alphasecret01/`]);
    const alpha = made.body.webhookUrls[0] as string;

    // The default portal has records of its own; the new one starts at 1.
    await server.call('booking.v1.waitlist.add', { fields: { note: 'default 1' } });
    await server.call('booking.v1.waitlist.add', { fields: { note: 'default 2' } });
    const added = await call(alpha, 'booking.v1.waitlist.add', { fields: { note: 'alpha 1' } });
    expect(added.body.result).toBe(1);
    const inAlpha = await call(alpha, 'booking.v1.waitlist.list');
    expect(inAlpha.body.result.waitList.map((w: { note: string }) => w.note)).toEqual(['alpha 1']);
    const inDefault = await server.call('booking.v1.waitlist.list');
    expect(inDefault.body.result.waitList.map((w: { note: string }) => w.note)).not.toContain('alpha 1');
    // The default webhook does not reach alpha's records, nor alpha's the default's.
    const other = await call(alpha, 'booking.v1.waitlist.get', { id: 2 });
    expect(other.body.error).toBe('1040');
  });

  it('fifty portals made at once: fifty, each counting its ids from 1', async () => {
    const made = await Promise.all(
      Array.from({ length: 50 }, (_, i) => admin('portals', 'POST', { name: `many-${i}` })),
    );
    expect(made.map((r) => r.status)).toEqual(Array(50).fill(201));
    const ids = await Promise.all(
      made.map((r) => call(r.body.webhookUrls[0], 'booking.v1.waitlist.add', { fields: { note: r.body.name } })),
    );
    const refused = ids.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.text}`);
    expect(
      ids.map((r) => r.body.result),
      refused.join('\n'),
    ).toEqual(Array(50).fill(1));
    const listed = await admin('portals');
    const names = listed.body.portals.map((p: { name: string }) => p.name);
    for (let i = 0; i < 50; i++) expect(names).toContain(`many-${i}`);
    expect(names[0]).toBe('default');
    if (TEST_DATABASE === 'postgres') {
      // Every portal's store draws on the server's one pool (10 connections by default), not
      // a pool each: fifty pools would pass the test PostgreSQL's max_connections (100).
      expect(await connectionsTo(database as string)).toBeLessThanOrEqual(10);
    }
  });

  it('two longest names that differ only in their last characters are two portals', async () => {
    // PostgreSQL cuts identifiers at 63 bytes: `portal_` and 63 characters would not fit.
    const stem = `long-${'x'.repeat(53)}`;
    const hooks: string[] = [];
    for (const end of ['aaaa', 'bbbb']) {
      const made = await admin('portals', 'POST', { name: `${stem}${end}` });
      expect(made.status, made.text).toBe(201);
      hooks.push(made.body.webhookUrls[0]);
      await call(made.body.webhookUrls[0], 'booking.v1.waitlist.add', { fields: { note: end } });
    }
    for (const [i, end] of ['aaaa', 'bbbb'].entries()) {
      const listed = await call(hooks[i] as string, 'booking.v1.waitlist.list');
      expect(listed.body.result.waitList.map((w: { note: string }) => w.note)).toEqual([end]);
    }
    expect((await admin(`portals/${stem}aaaa`, 'DELETE')).status).toBe(200);
    expect((await call(hooks[1] as string, 'booking.v1.waitlist.list')).body.result.waitList).toHaveLength(1);
  });

  it('refuses bad names, duplicates, unknown portals, bad settings and removing default, changing nothing', async () => {
    const before = (await admin('portals')).body;
    const cases: [string, string, unknown, number, string][] = [
      ['portals', 'POST', { name: 'Not_A_Label' }, 400, 'INVALID_PORTAL_NAME'],
      ['portals', 'POST', { name: '-x' }, 400, 'INVALID_PORTAL_NAME'],
      ['portals', 'POST', { name: 'a'.repeat(64) }, 400, 'INVALID_PORTAL_NAME'],
      ['portals', 'POST', { name: 'alpha' }, 409, 'PORTAL_EXISTS'],
      ['portals', 'POST', { name: 'default' }, 409, 'PORTAL_EXISTS'],
      ['portals', 'POST', { name: 'beta', settings: { overbooking: 'no' } }, 400, 'INVALID_SETTINGS'],
      ['portals', 'POST', { name: 'beta', settings: { colour: 'red' } }, 400, 'INVALID_SETTINGS'],
      ['portals', 'POST', { name: 'beta', settings: { rateLimit: '0:0' } }, 400, 'INVALID_SETTINGS'],
      ['portals', 'POST', { name: 'beta', webhooks: ['1:short'] }, 400, 'INVALID_WEBHOOKS'],
      ['portals', 'POST', { name: 'beta', webhooks: ['1:alphasecret01'] }, 409, 'SECRET_IN_USE'],
      ['portals', 'POST', { name: 'beta', webhooks: ['1:testsecret0000ab'] }, 409, 'SECRET_IN_USE'],
      ['portals/nope', 'GET', undefined, 404, 'PORTAL_NOT_FOUND'],
      ['portals/nope', 'DELETE', undefined, 404, 'PORTAL_NOT_FOUND'],
      ['portals/nope/reset', 'POST', undefined, 404, 'PORTAL_NOT_FOUND'],
      ['portals/alpha', 'PATCH', { settings: { bookingEnabled: 1 } }, 400, 'INVALID_SETTINGS'],
      ['portals/default', 'DELETE', undefined, 400, 'PORTAL_REQUIRED'],
    ];
    for (const [path, method, body, status, error] of cases) {
      const reply = await admin(path, method, body);
      expect({ path, body, status: reply.status, error: reply.body?.error }).toEqual({ path, body, status, error });
      expect(typeof reply.body.error_description).toBe('string');
    }
    expect((await admin('portals')).body).toEqual(before);
    const noToken = await fetch(`${server.url}/_admin/portals`, { method: 'POST', body: '{"name":"gamma"}' });
    expect(noToken.status).toBe(401);
    expect((await admin('portals')).body).toEqual(before);
  });

  it('settings per portal: bookingEnabled false refuses booking.v1.* as a real portal does, CRM goes on', async () => {
    const made = await admin('portals', 'POST', { name: 'off', webhooks: ['1:offsecret0001'] });
    const hook = made.body.webhookUrls[0] as string;
    const patched = await admin('portals/off', 'PATCH', { settings: { bookingEnabled: false } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.settings.bookingEnabled).toBe(false);
    const refused = await call(hook, 'booking.v1.waitlist.add', { fields: { note: 'x' } });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      error: '0',
      error_description: 'Booking tool is disabled. Please contact your administrator.',
    });
    expect((await call(hook, 'crm.contact.add', { fields: { NAME: 'Ann' } })).status).toBe(200);
    // Other portals are untouched.
    expect((await server.call('booking.v1.waitlist.list')).status).toBe(200);
    await admin('portals/off', 'PATCH', { settings: { bookingEnabled: true } });
    expect((await call(hook, 'booking.v1.waitlist.add', { fields: { note: 'x' } })).body.result).toBe(1);
  });

  it('clock, reset and snapshots of one portal leave the others alone', async () => {
    const made = await admin('portals', 'POST', { name: 'timed', webhooks: ['1:timedsecret01'] });
    const hook = made.body.webhookUrls[0] as string;
    const set = await admin('portals/timed/clock', 'POST', { now: '2030-01-02T03:04:05+00:00' });
    expect(set.status, set.text).toBe(200);
    expect((await call(hook, 'server.time')).body.result).toMatch(/^2030-01-02T03:04/);
    expect((await server.call('server.time')).body.result).not.toMatch(/^2030/);

    await call(hook, 'booking.v1.waitlist.add', { fields: { note: 'kept' } });
    expect((await admin('portals/timed/snapshots/one', 'POST')).status).toBe(200);
    await call(hook, 'booking.v1.waitlist.add', { fields: { note: 'after' } });
    const defaultBefore = (await server.call('booking.v1.waitlist.list')).body;
    const defaultLast = (await server.call('booking.v1.waitlist.add', { fields: { note: 'd' } })).body.result;
    expect((await admin('portals/timed/reset', 'POST')).status).toBe(200);
    expect((await call(hook, 'booking.v1.waitlist.list')).body.result.waitList).toEqual([]);
    // The reset restarted this portal's id counter, not the default portal's.
    expect((await call(hook, 'booking.v1.waitlist.add', { fields: { note: 'new' } })).body.result).toBe(1);
    const defaultNext = await server.call('booking.v1.waitlist.add', { fields: { note: 'd' } });
    expect(defaultNext.body.result).toBe(defaultLast + 1);
    expect((await server.call('booking.v1.waitlist.list')).body.result.waitList).toHaveLength(
      defaultBefore.result.waitList.length + 2,
    );
    expect((await admin('portals/timed/snapshots/one/load', 'POST')).status).toBe(200);
    const notes = (await call(hook, 'booking.v1.waitlist.list')).body.result.waitList.map(
      (w: { note: string }) => w.note,
    );
    expect(notes).toEqual(['kept']);
    // Ids go on from the snapshot's counter, as they would have when it was taken.
    expect((await call(hook, 'booking.v1.waitlist.add', { fields: { note: 'next' } })).body.result).toBe(2);
  });

  it('clock is a setting: given at creation or by PATCH, refused when it is no time; other portals keep theirs', async () => {
    const made = await admin('portals', 'POST', {
      name: 'dated',
      webhooks: ['1:datedsecret01'],
      settings: { clock: '2029-03-04T05:06:07Z', overbooking: false },
    });
    expect(made.status, made.text).toBe(201);
    const hook = made.body.webhookUrls[0] as string;
    expect((await call(hook, 'server.time')).body.result).toMatch(/^2029-03-04T05:06/);
    const patched = await admin('portals/dated', 'PATCH', { settings: { clock: '2032-08-09T10:11:12+00:00' } });
    expect(patched.status, patched.text).toBe(200);
    expect((await call(hook, 'server.time')).body.result).toMatch(/^2032-08-09T10:11/);
    expect((await admin('portals/dated/clock')).body.now).toMatch(/^2032-08-09T10:11/);
    for (const clock of ['soon', 12, '10000-01-01T00:00:00Z']) {
      const refused = await admin('portals/dated', 'PATCH', { settings: { clock, overbooking: true } });
      expect(refused.status, refused.text).toBe(400);
      expect(refused.body.error).toBe('INVALID_SETTINGS');
    }
    // Refused whole: neither the clock nor the other setting changed.
    expect((await call(hook, 'server.time')).body.result).toMatch(/^2032-08-09T10:11/);
    expect((await admin('portals/dated')).body.settings.overbooking).toBe(false);
    expect((await server.call('server.time')).body.result).not.toMatch(/^20(29|32)/);
  });

  it("a portal's settings and clock outlive a restart; the default portal starts from the flags again", async () => {
    const store = database ? { database: await freshPostgresDatabase() } : { data: tempDir('b24-portal-restart-') };
    const first = await startTestServer({ ...store, overbooking: true });
    try {
      await first.server.createPortal({
        name: 'kept',
        webhooks: ['1:keptsecret001'],
        settings: { overbooking: false, clock: '2033-01-01T00:00:00Z' },
      });
      await first.server.portal('kept').clock.advance(3600);
      await first.server.portal('default').settings({ overbooking: false });
    } finally {
      await first.server.close();
    }
    const second = await startTestServer({ ...store, overbooking: true });
    try {
      const hook = `${second.url}/rest/1/keptsecret001/`;
      expect((await call(hook, 'server.time')).body.result).toMatch(/^2033-01-01T01:0/);
      const read = (path: string) =>
        fetch(`${second.url}/_admin/${path}`, {
          headers: { authorization: `Bearer ${second.server.adminToken}` },
        }).then(readReply);
      expect((await read('portals/kept')).body.settings.overbooking).toBe(false);
      expect((await read('portals/default')).body.settings.overbooking).toBe(true);
    } finally {
      await second.server.close();
    }
  });

  it('a seed given at creation fills the new portal; a refused one leaves no portal', async () => {
    const made = await admin('portals', 'POST', {
      name: 'seeded',
      webhooks: ['1:seededsecret1'],
      seed: { waitList: [{ note: 'from the seed' }], webhooks: [{ spec: '2:seedhooksecret' }] },
    });
    expect(made.status, made.text).toBe(201);
    const listed = await call(made.body.webhookUrls[0], 'booking.v1.waitlist.list');
    expect(listed.body.result.waitList.map((w: { note: string }) => w.note)).toEqual(['from the seed']);
    // The seed's own webhook reaches this portal too.
    const viaSeeded = await call(`${server.url}/rest/2/seedhooksecret/`, 'booking.v1.waitlist.list');
    expect(viaSeeded.body.result.waitList).toHaveLength(1);

    const refused = await admin('portals', 'POST', { name: 'badseed', seed: { nope: [] } });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.body.error).toBe('SEED_REFUSED');
    expect((await admin('portals/badseed')).status).toBe(404);
  });

  it('a removed portal is gone at once: its webhook answers as a wrong secret', async () => {
    const made = await admin('portals', 'POST', { name: 'brief', webhooks: ['1:briefsecret01'] });
    const hook = made.body.webhookUrls[0] as string;
    expect((await call(hook, 'booking.v1.waitlist.list')).status).toBe(200);
    expect((await admin('portals/brief', 'DELETE')).status).toBe(200);
    const gone = await call(hook, 'booking.v1.waitlist.list');
    expect(gone.status).toBe(401);
    expect(gone.body.error).toBe('NO_AUTH_FOUND');
    expect((await admin('portals/brief')).status).toBe(404);
  });

  it('startServer: createPortal and portal(name) act on one portal', async () => {
    const portal = await server.server.createPortal({ name: 'lib', webhooks: ['1:libsecret0001'] });
    expect(portal.webhookUrl).toBe(`${server.url}/rest/1/libsecret0001/`);
    const hook = portal.webhookUrl as string;
    await call(hook, 'booking.v1.waitlist.add', { fields: { note: 'one' } });
    await portal.snapshot('s');
    await call(hook, 'booking.v1.waitlist.add', { fields: { note: 'two' } });
    await portal.reset();
    expect((await call(hook, 'booking.v1.waitlist.list')).body.result.waitList).toEqual([]);
    expect(await portal.load('s')).toBe(true);
    expect((await call(hook, 'booking.v1.waitlist.list')).body.result.waitList).toHaveLength(1);
    await portal.clock.set('2031-05-06T07:08:09+00:00');
    await portal.clock.advance(3600);
    expect((await call(hook, 'server.time')).body.result).toMatch(/^2031-05-06T08:08/);
    await server.server.portal('lib').settings({ overbooking: false });
    expect((await admin('portals/lib')).body.settings.overbooking).toBe(false);
    await portal.remove();
    expect((await call(hook, 'booking.v1.waitlist.list')).status).toBe(401);
  });
});

describe.runIf(TEST_DATABASE === 'postgres')('portals on PostgreSQL: a schema each', () => {
  it('a portal is a schema of its own, dropped with the portal', async () => {
    const url = database as string;
    await admin('portals', 'POST', { name: 'schema-one' });
    expect(await portalSchemas(url)).toContain('portal_schema_one');
    const tables = await queryDatabase<{ name: string }>(
      url,
      "select tablename as name from pg_tables where schemaname = 'portal_schema_one'",
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['booking', 'webhook', 'kysely_migration']));
    expect((await admin('portals/schema-one', 'DELETE')).status).toBe(200);
    expect(await portalSchemas(url)).not.toContain('portal_schema_one');
  });

  it("two portals on one connection never see each other's rows, whichever ran a statement first", async () => {
    // One connection for the default portal and both others: every named statement is
    // prepared once on it and runs for whichever portal's schema is current.
    const small = await startTestServer({ database: await freshPostgresDatabase(), poolSize: 1 });
    try {
      const hooks: string[] = [];
      for (const name of ['left', 'right']) {
        const made = await fetch(`${small.url}/_admin/portals`, {
          method: 'POST',
          headers: { authorization: `Bearer ${small.server.adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name }),
        }).then(readReply);
        expect(made.status, made.text).toBe(201);
        hooks.push(made.body.webhookUrls[0]);
      }
      const [left, right] = hooks as [string, string];
      expect((await call(left, 'booking.v1.waitlist.add', { fields: { note: 'left 1' } })).body.result).toBe(1);
      expect((await call(right, 'booking.v1.waitlist.add', { fields: { note: 'right 1' } })).body.result).toBe(1);
      expect((await small.call('booking.v1.waitlist.add', { fields: { note: 'default 1' } })).body.result).toBe(1);
      for (let round = 0; round < 3; round++) {
        for (const [hook, note] of [
          [left, 'left 1'],
          [right, 'right 1'],
          [small.hook, 'default 1'],
        ] as const) {
          const got = await call(hook, 'booking.v1.waitlist.get', { id: 1 });
          expect(got.body.result?.waitList?.note, got.text).toBe(note);
        }
      }
      // Writes too: each portal's second entry is its own 2.
      const seconds = await Promise.all(
        [left, right, small.hook].map((hook) => call(hook, 'booking.v1.waitlist.add', { fields: { note: 'two' } })),
      );
      expect(seconds.map((r) => r.body.result)).toEqual([2, 2, 2]);
    } finally {
      await small.server.close();
    }
  });
});

describe.runIf(TEST_DATABASE === 'sqlite')('portals named by the Host', () => {
  /** A call whose Host header names `host` (fetch cannot set Host; node:http can). */
  const callAs = (host: string, url: string, method: string) => callRest(url + method, {}, { headers: { host } });

  it('a Host naming a portal must go with that portal’s credentials; others are refused as wrong ones', async () => {
    const made = await admin('portals', 'POST', { name: 'hosted', webhooks: ['1:hostedsecret1'] });
    const hook = made.body.webhookUrls[0] as string;
    const { port } = new URL(server.url);
    expect((await callAs(`hosted.localhost:${port}`, hook, 'booking.v1.waitlist.list')).status).toBe(200);
    expect((await callAs(`default.localhost:${port}`, server.hook, 'booking.v1.waitlist.list')).status).toBe(200);
    const crossed = await callAs(`hosted.localhost:${port}`, server.hook, 'booking.v1.waitlist.list');
    expect(crossed.status).toBe(401);
    expect(crossed.body.error).toBe('NO_AUTH_FOUND');
    const other = await callAs(`alpha.localhost:${port}`, hook, 'booking.v1.waitlist.list');
    expect(other.status).toBe(401);
    // A Host that names no portal (an address, a plain name) changes nothing.
    expect((await callAs(`127.0.0.1:${port}`, hook, 'booking.v1.waitlist.list')).status).toBe(200);
  });

  it('with portalDomain, each portal’s domain and webhook URLs are <name>.<domain>:<port>', async () => {
    const own = await startTestServer({ portalDomain: 'portals.test' });
    try {
      const portal = await own.server.createPortal({ name: 'acme', webhooks: ['1:acmesecret001'] });
      const { port } = new URL(own.url);
      expect(portal.webhookUrl).toBe(`http://acme.portals.test:${port}/rest/1/acmesecret001/`);
      const listed = (await own.server.portals.list()).map((p) => p.domain);
      expect(listed).toEqual([`default.portals.test:${port}`, `acme.portals.test:${port}`]);
    } finally {
      await own.server.close();
    }
  });
});
