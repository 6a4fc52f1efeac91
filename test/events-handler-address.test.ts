/**
 * Where event handlers may point: never at link-local or cloud metadata addresses, an
 * unspecified address or this server itself (it would POST the application's tokens there);
 * with `eventHandlers: 'public'` only at public addresses, checked at bind time and again when
 * each POST connects, so a name that later resolves to a local address gets no tokens.
 */
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyAddress } from '../src/events/handler-address.js';
import { ADMIN_TOKEN, HandlerServer, type InstalledApp, installApp, settle } from './support/events.js';
import { startTestServer, type TestServer } from './support/server.js';

describe('classifyAddress', () => {
  const cases: [string, string][] = [
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['2001:4860::8888', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.9.8.7', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:0.0.0.0', 'unspecified'],
    // Not public, not local either: refused in `public` mode.
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['ff02::1', 'reserved'],
    // IPv6 forms that carry an IPv4 address are the IPv4 address.
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:a00:1::', 'private'],
    ['2002:808:808::', 'public'],
  ];
  it.each(cases)('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});

async function refused(app: InstalledApp, handler: string) {
  const reply = await app.call('event.bind', { event: 'ONBOOKINGWAITLISTITEMADD', handler });
  expect({ handler, status: reply.status, body: reply.body }).toEqual({
    handler,
    status: 400,
    body: { error: 'ERROR_WRONG_HANDLER_URL', error_description: 'Wrong handler URL' },
  });
}

async function accepted(app: InstalledApp, handler: string) {
  const reply = await app.call('event.bind', { event: 'ONBOOKINGWAITLISTITEMADD', handler });
  expect(reply.body, `${handler}: ${reply.text}`).toEqual(expect.objectContaining({ result: true }));
}

let hs: HandlerServer;
beforeAll(async () => {
  hs = await HandlerServer.start();
});
afterAll(() => hs.close());

describe("event.bind on a server with the default 'local' handlers", () => {
  let srv: TestServer;
  let app: InstalledApp;
  beforeAll(async () => {
    srv = await startTestServer({ adminToken: ADMIN_TOKEN, events: { pollMs: 20 } });
    app = await installApp(srv);
  });
  afterAll(() => srv.server.close());

  it('refuses link-local, metadata and unspecified addresses and the server itself, and stores nothing', async () => {
    const port = new URL(srv.url).port;
    for (const handler of [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://[fe80::1]/',
      'http://[::ffff:169.254.169.254]/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://[fd00:ec2::254]/',
      `http://0.0.0.0:${port}/`,
      'http://[::]/',
      `${srv.url}/_admin/reset`,
      `http://localhost:${port}/`,
      `http://LOCALHOST.:${port}/rest/`,
      `http://[::1]:${port}/`,
      `http://127.0.0.2:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/_admin/reset`,
      `http://portal.localhost:${port}/`,
      // Other spellings of 127.0.0.1, as URL parsing reads them.
      `http://2130706433:${port}/`,
      `http://0x7f.0.0.1:${port}/`,
    ]) {
      await refused(app, handler);
    }
    expect((await app.call('event.get')).body.result).toEqual([]);
  });

  it('accepts loopback and private handlers on other ports (development)', async () => {
    await accepted(app, `${hs.url}/local`);
    await accepted(app, `http://localhost:${new URL(hs.url).port}/by-name`);
    await accepted(app, 'http://10.1.2.3/private');
    await accepted(app, 'https://192.168.1.10:8443/private');
    await app.call('event.unbind', { event: 'ONBOOKINGWAITLISTITEMADD', handler: 'http://10.1.2.3/private' });
    await app.call('event.unbind', { event: 'ONBOOKINGWAITLISTITEMADD', handler: 'https://192.168.1.10:8443/private' });
  });

  it('delivers to a handler named by a host name that resolves to loopback', async () => {
    await srv.call('booking.v1.waitlist.add', { fields: { note: 'by name' } });
    await hs.waitFor(() => hs.to('/by-name').length === 1 && hs.to('/local').length === 1);
  });
});

/** An address of this machine's own network interfaces, not loopback or link-local (none: skipped). */
const interfaceAddress = Object.values(networkInterfaces())
  .flat()
  .find(
    (info) =>
      info !== undefined && !info.internal && !info.address.startsWith('fe80') && !info.address.startsWith('169.254'),
  )?.address;

describe.runIf(interfaceAddress)('event.bind on a server listening on every interface', () => {
  let srv: TestServer;
  let app: InstalledApp;
  beforeAll(async () => {
    srv = await startTestServer({ adminToken: ADMIN_TOKEN, host: '0.0.0.0', events: { pollMs: 20 } });
    app = await installApp(srv);
  });
  afterAll(() => srv.server.close());

  it("refuses the server's port on the machine's own interface addresses, not other ports there", async () => {
    const host = interfaceAddress?.includes(':') ? `[${interfaceAddress}]` : interfaceAddress;
    const port = Number(new URL(srv.url).port);
    await refused(app, `http://${host}:${port}/_admin/reset`);
    await accepted(app, `http://${host}:${port + 1}/elsewhere`);
  });
});

describe("event.bind on a server with 'public' handlers", () => {
  let srv: TestServer;
  let app: InstalledApp;
  beforeAll(async () => {
    srv = await startTestServer({
      adminToken: ADMIN_TOKEN,
      eventHandlers: 'public',
      events: { pollMs: 20, backoffMs: 60_000 },
    });
    app = await installApp(srv);
  });
  afterAll(() => srv.server.close());

  it('refuses loopback, private and reserved addresses, and names that resolve to them', async () => {
    for (const handler of [
      `${hs.url}/loopback`,
      'http://10.1.2.3/private',
      'http://172.20.0.5/private',
      'http://192.168.1.10/private',
      'http://100.64.1.1/cgnat',
      'http://[fd12::1]/ula',
      'http://[::ffff:10.0.0.1]/mapped',
      'http://224.0.0.1/multicast',
      `http://localhost:${new URL(hs.url).port}/by-name`,
      'http://169.254.169.254/latest/meta-data/',
      'http://handler.invalid/unresolvable',
    ]) {
      await refused(app, handler);
    }
    expect((await app.call('event.get')).body.result).toEqual([]);
  });

  it('accepts a public address', async () => {
    await accepted(app, 'https://8.8.8.8/handler');
    await accepted(app, 'http://[2001:4860::8888]/handler');
    expect((await app.call('event.get')).body.result).toHaveLength(2);
    await app.call('event.unbind', { event: 'ONBOOKINGWAITLISTITEMADD', handler: 'https://8.8.8.8/handler' });
    await app.call('event.unbind', { event: 'ONBOOKINGWAITLISTITEMADD', handler: 'http://[2001:4860::8888]/handler' });
  });

  it('checks again when it POSTs: a name that now resolves to loopback, or a stored loopback address, gets nothing', async () => {
    // As if the names had resolved to public addresses at bind time and changed since (or the
    // bindings were made before the server ran with `public`).
    const port = new URL(hs.url).port;
    const handlers = [`http://localhost:${port}/rebound`, `http://127.0.0.1:${port}/stored`];
    const appId = (await srv.server.store.read(({ oauth }) => oauth.findApp({ clientId: app.clientId })))?.id as number;
    await srv.server.store.write(async ({ eventHandlers }) => {
      for (const handler of handlers) {
        await eventHandlers.add(
          {
            appId,
            event: 'ONBOOKINGWAITLISTITEMADD',
            handler,
            authType: 0,
            boundBy: 1,
            offline: false,
            authConnector: '',
          },
          Date.now(),
        );
      }
    });
    await srv.call('booking.v1.waitlist.add', { fields: { note: 'rebinding' } });
    const tried = async () =>
      srv.server.store.db
        .selectFrom('event_delivery')
        .select(['attempts', 'last_error'])
        .where('last_error', 'is not', null)
        .execute();
    for (let i = 0; i < 200 && (await tried()).length < 2; i++) await settle(20);
    const rows = await tried();
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.last_error).toMatch(/refused/);
    expect(hs.to('/rebound')).toEqual([]);
    expect(hs.to('/stored')).toEqual([]);
  });
});
