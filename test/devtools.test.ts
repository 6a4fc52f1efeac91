/**
 * What integration developers use in their own test suites: startServer() side by side, the
 * admin API (reset, snapshots, seed, clock) behind its token, health and metrics, and logs that
 * never carry a secret.
 */
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { KEPT_TABLES } from '../src/store/state.js';
import { runCli, startCli, tempDataDir } from './support/cli.js';
import { accessTokenFor } from './support/oauth.js';
import { startTestServer, TEST_DATABASE, type TestServer } from './support/server.js';
import { storedState } from './support/state.js';

const CLINIC = readFileSync(new URL('../examples/clinic.yaml', import.meta.url), 'utf8');

const servers: TestServer[] = [];
async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const srv = await startTestServer(options);
  servers.push(srv);
  return srv;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.server.close()));
});

function admin(srv: TestServer, path: string, body?: unknown, token = srv.server.adminToken) {
  return fetch(`${srv.url}/_admin/${path}`, {
    method: body === undefined && !['reset', 'seed'].includes(path) && !path.startsWith('snapshots/') ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function noteIds(srv: TestServer): Promise<number[]> {
  const reply = await srv.call('booking.v1.waitlist.list', {});
  return reply.body.result.waitList.map((e: { id: number }) => e.id);
}

describe('startServer()', () => {
  it('runs two servers side by side without sharing state', async () => {
    const [a, b] = await Promise.all([server(), server()]);
    expect(a.url).not.toBe(b.url);
    await a.call('booking.v1.waitlist.add', { fields: { note: 'only in a' } });
    expect(await noteIds(a)).toEqual([1]);
    expect(await noteIds(b)).toEqual([]);
  });
});

describe('startServer() webhooks', () => {
  it('refuses a secret shorter than 8 characters, and a seed webhook with one', async () => {
    await expect(server({ webhooks: ['1:short7x:booking'] })).rejects.toThrow(/at least 8 characters/);
    const srv = await server();
    const seeded = await admin(srv, 'seed', { webhooks: [{ spec: '2:short7x' }] });
    expect(seeded.status).toBe(400);
    expect(((await seeded.json()) as { error_description: string }).error_description).toMatch(/at least 8/);
  });
});

describe.skipIf(TEST_DATABASE === 'postgres')('the data directory', () => {
  const mode = (path: string) => statSync(path).mode & 0o777;

  it('is made 0700 with the database files 0600; a directory the user made keeps its mode', async () => {
    const made = join(tempDataDir(), 'new', 'data');
    const srv = await server({ data: made });
    await srv.call('booking.v1.waitlist.add', { fields: { note: 'in the WAL' } });
    expect(mode(made).toString(8)).toBe('700');
    for (const file of ['b24-booking.sqlite', 'b24-booking.sqlite-wal', 'b24-booking.sqlite-shm']) {
      expect(mode(join(made, file)).toString(8), file).toBe('600');
    }

    const own = join(tempDataDir(), 'shared');
    mkdirSync(own, { mode: 0o750 });
    // A database file an older version left readable to others (an empty file is an empty database).
    writeFileSync(join(own, 'b24-booking.sqlite'), '', { mode: 0o644 });
    const second = await server({ data: own, tls: 'self-signed' });
    expect(mode(own).toString(8)).toBe('750');
    expect(mode(join(own, 'b24-booking.sqlite')).toString(8)).toBe('600');
    expect(mode(join(own, 'tls')).toString(8)).toBe('700');
    expect(mode(join(own, 'tls', 'key.pem')).toString(8)).toBe('600');
    expect(second.url).toMatch(/^https:/);
  });
});

/** GET over HTTPS trusting `ca` only; the status, or the TLS error's code. */
function getTrusting(url: string, ca: string, servername?: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = httpsRequest(url, { ca, servername, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

describe.skipIf(TEST_DATABASE === 'postgres')('--tls self-signed', () => {
  it('makes a leaf certificate for localhost, 127.0.0.1 and ::1 that signs for nothing else', async () => {
    const dir = tempDataDir();
    const srv = await server({ data: dir, tls: 'self-signed' });
    const pem = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const cert = new X509Certificate(pem);
    expect(cert.ca).toBe(false);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkHost('example.com')).toBeUndefined();
    // Trusted as it is, the only certificate a client knows.
    expect(await getTrusting(`${srv.url}/health`, pem)).toBe(200);

    // Its key signs a certificate for another host: a client trusting it must not accept that.
    const forged = await generate([{ name: 'commonName', value: 'bank.example' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'bank.example' }] }],
      ca: { cert: pem, key: readFileSync(join(dir, 'tls', 'key.pem'), 'utf8') },
    });
    const impostor = createHttpsServer({ cert: forged.cert, key: forged.private }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = impostor.address() as AddressInfo;
      const outcome = await getTrusting(`https://127.0.0.1:${port}/`, pem, 'bank.example');
      // OpenSSL refuses the chain (its code varies by version: INVALID_CA, UNSPECIFIED, ...).
      expect(outcome).toBeTypeOf('string');
    } finally {
      impostor.close();
    }
  });

  it('replaces a CA certificate an older version kept in <data>/tls, and says so', async () => {
    const dir = tempDataDir();
    const old = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'basicConstraints', cA: true }],
    });
    mkdirSync(join(dir, 'tls'));
    writeFileSync(join(dir, 'tls', 'cert.pem'), old.cert);
    writeFileSync(join(dir, 'tls', 'key.pem'), old.private);
    const srv = await server({ data: dir, tls: 'self-signed' });
    const pem = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    expect(pem).not.toBe(old.cert);
    expect(new X509Certificate(pem).ca).toBe(false);
    expect(srv.server.certReplaced).toBe(true);
    expect(await getTrusting(`${srv.url}/health`, pem)).toBe(200);
  });
});

describe('the admin API', () => {
  it('takes the Bearer scheme in any case', async () => {
    const srv = await server();
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const res = await fetch(`${srv.url}/_admin/clock`, {
        headers: { authorization: `${scheme} ${srv.server.adminToken}` },
      });
      expect(res.status, scheme).toBe(200);
    }
  });

  it('refuses a missing or wrong token with 401 and changes nothing', async () => {
    const srv = await server();
    await srv.call('booking.v1.waitlist.add', { fields: { note: 'kept' } });
    const before = await storedState(srv);
    for (const [path, body] of [
      ['reset', undefined],
      ['snapshots/x', undefined],
      ['snapshots/x/load', undefined],
      ['seed', CLINIC],
      ['clock', { advance: 3600 }],
    ] as const) {
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: srv.server.adminToken }] as Record<
        string,
        string
      >[]) {
        const res = await fetch(`${srv.url}/_admin/${path}`, {
          method: 'POST',
          headers,
          body: body && JSON.stringify(body),
        });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(((await res.json()) as { error: string }).error).toBe('UNAUTHORIZED');
      }
    }
    expect(await storedState(srv)).toBe(before);
  });

  it('resets the state between tests: records gone, ids from 1 again, webhooks kept', async () => {
    const srv = await server();
    for (let i = 0; i < 3; i++) await srv.call('booking.v1.waitlist.add', { fields: { note: `n${i}` } });
    await srv.call('crm.contact.add', { fields: { NAME: 'Ann' } });
    expect((await admin(srv, 'reset')).status).toBe(200);
    expect(await noteIds(srv)).toEqual([]);
    expect((await srv.call('crm.contact.list', {})).body.total).toBe(0);
    const again = await srv.call('booking.v1.waitlist.add', { fields: { note: 'first again' } });
    expect(again.body.result).toBe(1);
  });

  it('saves a snapshot and returns to it; ids go on from the snapshot', async () => {
    const srv = await server();
    await srv.call('booking.v1.waitlist.add', { fields: { note: 'before' } });
    await srv.call('booking.v1.waitlist.externalData.set', {
      waitListId: 1,
      externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: '9' }],
    });
    expect((await admin(srv, 'snapshots/base')).status).toBe(200);
    await srv.call('booking.v1.waitlist.add', { fields: { note: 'after' } });
    await srv.call('booking.v1.waitlist.delete', { id: 1 });
    expect((await admin(srv, 'snapshots/base/load')).status).toBe(200);
    expect(await noteIds(srv)).toEqual([1]);
    const links = await srv.call('booking.v1.waitlist.externalData.list', { waitListId: 1 });
    expect(links.body.result.externalData).toEqual([{ entityTypeId: 'DEAL', moduleId: 'crm', value: '9' }]);
    // Entry 2 existed after the snapshot: ids are never reused, as in Bitrix... from the snapshot's own counter.
    expect((await srv.call('booking.v1.waitlist.add', { fields: { note: 'next' } })).body.result).toBe(2);
    const missing = await admin(srv, 'snapshots/nope/load');
    expect(missing.status).toBe(404);
  });

  it('seeds the example clinic, then the data answers through REST', async () => {
    const srv = await server();
    const res = await admin(srv, 'seed', CLINIC);
    expect(res.status).toBe(200);
    const seeded = (await res.json()) as { ids: Record<string, number>; counts: Record<string, number> };
    expect(seeded.counts).toMatchObject({ resources: 3, bookings: 2, waitList: 2, 'crm.deals': 2 });
    const resources = await srv.call('booking.v1.resource.list', { filter: { typeId: seeded.ids.doctor } });
    expect(resources.body.result.resource.map((r: { name: string }) => r.name)).toEqual(['Dr Smith', 'Dr Jones']);
    const slots = await srv.call('booking.v1.resource.slots.list', { resourceId: seeded.ids.smith });
    expect(slots.body.result.slots[0]).toMatchObject({ from: 540, to: 1020, slotSize: 30 });
    const clients = await srv.call('booking.v1.waitlist.client.list', { waitListId: 1 });
    expect(clients.body.result.waitListClient).toEqual([
      { id: seeded.ids.clara, type: { code: 'CONTACT', module: 'crm' } },
    ]);
    // The second entry links the physiotherapy deal: it took the deal's contact and company.
    const fromDeal = await srv.call('booking.v1.waitlist.client.list', { waitListId: 2 });
    expect(fromDeal.body.result.waitListClient).toHaveLength(2);
  });

  it('refuses a bad seed whole: unknown sections, unknown keys, refused items change nothing', async () => {
    const srv = await server();
    await srv.call('booking.v1.waitlist.add', { fields: { note: 'kept' } });
    const before = await storedState(srv);
    const bad = [
      { rooms: [{ name: 'x' }] },
      { resourceTypes: [{ name: 'Doctor', code: 'doctor' }], resources: [{ name: 'Dr X', typeId: '$nobody' }] },
      {
        resourceTypes: [
          { name: 'Doctor', code: 'doctor' },
          { name: 'Again', code: 'doctor' },
        ],
      },
      { waitList: 'not a list' },
      '{ not json: [',
    ];
    for (const document of bad) {
      const res = await admin(srv, 'seed', typeof document === 'string' ? document : JSON.stringify(document));
      expect(res.status, JSON.stringify(document)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('SEED_REFUSED');
      expect(await storedState(srv)).toBe(before);
    }
  });
});

describe('the clock', () => {
  it('starts where --clock says, and every time the server uses follows it', async () => {
    const srv = await server({ clock: '2025-04-01T09:00:00+02:00' });
    const first = await srv.call('booking.v1.waitlist.add', { fields: { note: 'April 1st' } });
    expect(Math.abs(first.body.time.start - Date.parse('2025-04-01T07:00:00Z') / 1000)).toBeLessThan(60);
    const advanced = await admin(srv, 'clock', { advance: 86_400 });
    expect(advanced.status).toBe(200);
    await srv.call('booking.v1.waitlist.add', { fields: { note: 'April 2nd' } });
    const within = (from: string, to: string) =>
      srv.call('booking.v1.waitlist.list', { filter: { createdWithin: { from, to } } });
    // Dates are read in the server's time zone; a day either side keeps this test zone-proof.
    expect((await within('30.03.2025', '01.04.2025')).body.result.waitList).toEqual([]);
    const both = await within('31.03.2025', '04.04.2025');
    expect(both.body.result.waitList.map((e: { note: string }) => e.note)).toEqual(['April 1st', 'April 2nd']);
    const set = await admin(srv, 'clock', { now: '2030-01-01T00:00:00Z' });
    const clock = (await set.json()) as { timestamp: number };
    expect(Math.abs(clock.timestamp - Date.parse('2030-01-01T00:00:00Z') / 1000)).toBeLessThan(60);
  });

  it('refuses a time outside years 1 to 9999 with 400 INVALID_CLOCK and keeps the time it had', async () => {
    const srv = await server({ clock: '2025-04-01T09:00:00Z' });
    const before = ((await (await admin(srv, 'clock')).json()) as { timestamp: number }).timestamp;
    for (const body of [
      { advance: 1e300 },
      { advance: -1e14 },
      { now: '+275760-09-13T00:00:00.000Z' },
      { now: '10000-01-01T00:00:00Z' },
    ]) {
      const refused = await admin(srv, 'clock', body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toBe('INVALID_CLOCK');
    }
    const after = ((await (await admin(srv, 'clock')).json()) as { timestamp: number }).timestamp;
    expect(Math.abs(after - before)).toBeLessThan(60);
    const time = await srv.call('server.time');
    expect(time.body.result).toMatch(/^2025-04-01T/);
    // At the start too.
    await expect(server({ clock: '+275760-09-13T00:00:00.000Z' })).rejects.toThrow(/--clock/);
  });

  it('expires an access token when the clock passes its hour', async () => {
    const srv = await server({ adminToken: 'clock-admin' });
    const { accessToken } = await accessTokenFor(srv);
    const call = () => srv.request(`${srv.url}/rest/booking.v1.waitlist.list`, { auth: accessToken });
    expect((await call()).status).toBe(200);
    await admin(srv, 'clock', { advance: 3_601 });
    const expired = await call();
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe('expired_token');
  });
});

describe('health and metrics', () => {
  it('answers /health while the database does, and counts requests in /metrics', async () => {
    // The delivery worker marks outbox entries dispatched on its pass (every pollMs): with a long
    // poll, the entry this test writes is still in the outbox when /metrics is read.
    const srv = await server({ events: { pollMs: 600_000 } });
    // An event nothing is bound to is not waiting for anyone (src/store/repositories/outbox.ts).
    await srv.server.store.write(({ eventHandlers }) =>
      eventHandlers.add(
        {
          appId: 1,
          event: 'ONBOOKINGWAITLISTITEMADD',
          handler: '',
          authType: 0,
          boundBy: 1,
          offline: true,
          authConnector: '',
        },
        Date.now(),
      ),
    );
    const health = await fetch(`${srv.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    await srv.call('booking.v1.waitlist.get', { id: 999 });
    const refused = await fetch(`${srv.url}/metrics`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: 'UNAUTHORIZED',
      error_description: 'GET /metrics needs Authorization: Bearer <admin token>',
    });
    const metricsText = async () => {
      const metrics = await fetch(`${srv.url}/metrics`, {
        headers: { authorization: `bearer ${srv.server.adminToken}` },
      });
      expect(metrics.status).toBe(200);
      return metrics.text();
    };
    // The worker's pass at start may still be running when the first entry is written, and mark it
    // dispatched; it then waits pollMs, so a second entry stays in the outbox.
    let adds = 0;
    let text = '';
    do {
      await srv.call('booking.v1.waitlist.add', { fields: { note: 'x' } });
      adds++;
      text = await metricsText();
    } while (!/b24_outbox_depth 1/.test(text) && adds < 2);
    expect(text).toMatch(
      new RegExp(`b24_requests_total\\{method="booking\\.v1\\.waitlist\\.add",status="200"\\} ${adds}`),
    );
    expect(text).toMatch(/b24_requests_total\{method="booking\.v1\.waitlist\.get",status="400"\} 1/);
    expect(text).toMatch(
      new RegExp(`b24_request_duration_seconds_count\\{method="booking\\.v1\\.waitlist\\.add"\\} ${adds}`),
    );
    expect(text).toMatch(/b24_outbox_depth 1/);
  });

  it('answers /metrics without a token with metrics: public', async () => {
    const srv = await server({ metrics: 'public' });
    expect((await fetch(`${srv.url}/metrics`)).status).toBe(200);
  });
});

describe('state tables', () => {
  it('are every table but the kept ones, and each has an id a snapshot can restore', async () => {
    const srv = await server();
    const db = srv.server.store.db as unknown as Kysely<unknown>;
    for (const table of await db.introspection.getTables()) {
      if (KEPT_TABLES.has(table.name)) continue;
      expect(
        table.columns.some((c) => c.name === 'id'),
        table.name,
      ).toBe(true);
    }
  });
});

describe.skipIf(TEST_DATABASE === 'postgres')('request logs', () => {
  it('write one JSON line a request and never a webhook secret or a token', async () => {
    const secret = 'logsecret0000000';
    const cli = await startCli([
      '--port',
      '0',
      '--data',
      tempDataDir(),
      '--webhook',
      `1:${secret}:booking,crm`,
      '--log-level',
      'info',
    ]);
    const hook = `${cli.url}/rest/1/${secret}/`;
    await fetch(`${hook}booking.v1.waitlist.add`, { method: 'POST', body: 'fields[note]=x' });
    await fetch(`${cli.url}/rest/booking.v1.waitlist.list?auth=sometokenvalue123`);
    await fetch(`${hook}booking.v1.waitlist.get?id=5`);
    await cli.stop();
    // The start-up lines print the webhook URL on purpose; the log is every line after them.
    const logText = cli.stdout.slice(cli.stdout.indexOf('Admin token:')).split('\n').slice(1).join('\n') + cli.stderr;
    const lines = logText
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(
      lines.filter((l) => l.msg === 'request').map((l) => [l.method, l.status, l.user]),
      logText,
    ).toEqual([
      ['booking.v1.waitlist.add', 200, 1],
      ['booking.v1.waitlist.list', 401, undefined],
      ['booking.v1.waitlist.get', 400, 1],
    ]);
    expect(logText).not.toContain(secret);
    expect(logText).not.toContain('sometokenvalue123');
  });
});

describe.skipIf(TEST_DATABASE === 'postgres')('the offline commands', () => {
  it('seed, snapshot save, reset and snapshot load act on the data directory; serve --seed seeds a first start only', async () => {
    const data = tempDataDir();
    const seeded = await runCli(['seed', 'examples/clinic.yaml', '--data', data]);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(JSON.parse(seeded.stdout).counts).toMatchObject({ resources: 3, waitList: 2 });
    expect((await runCli(['snapshot', 'save', 'clinic', '--data', data])).code).toBe(0);
    expect((await runCli(['reset', '--data', data])).code).toBe(0);
    expect((await runCli(['snapshot', 'load', 'clinic', '--data', data])).code).toBe(0);
    expect((await runCli(['snapshot', 'load', 'missing', '--data', data])).code).toBe(1);

    const secret = 'seedsecret000000';
    const args = [
      '--port',
      '0',
      '--data',
      data,
      '--webhook',
      `1:${secret}:booking,crm`,
      '--seed',
      'examples/clinic.yaml',
    ];
    const cli = await startCli(args);
    // The data directory holds the loaded snapshot: not empty, so the seed is skipped.
    expect(cli.stdout).not.toContain('Seeded:');
    const list = await fetch(`${cli.url}/rest/1/${secret}/booking.v1.waitlist.list`);
    expect(((await list.json()) as { result: { waitList: unknown[] } }).result.waitList).toHaveLength(2);
    await cli.stop();

    const fresh = await startCli(['--port', '0', '--data', tempDataDir(), '--seed', 'examples/clinic.yaml']);
    expect(fresh.stdout).toMatch(/Seeded: \{.*"resources":3/);
    await fresh.stop();
  });
});
