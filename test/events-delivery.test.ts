/**
 * Delivery to online handlers over real HTTP on loopback: every booking, wait-list and CRM
 * event arrives in Bitrix24's form encoding with its documented data and the application's
 * token; failed tries are repeated with backoff; a handler that never answers holds up no one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingEvents } from '../src/booking/events.js';
import { ADMIN_TOKEN, type EventPost, HandlerServer, type InstalledApp, installApp, settle } from './support/events.js';
import { startTestServer, type TestServer } from './support/server.js';

const BACKOFF_MS = 100;
let srv: TestServer;
let hs: HandlerServer;
let app: InstalledApp;

beforeAll(async () => {
  srv = await startTestServer({
    adminToken: ADMIN_TOKEN,
    events: { backoffMs: BACKOFF_MS, timeoutMs: 4000, maxAttempts: 4, pollMs: 20 },
  });
  hs = await HandlerServer.start();
  app = await installApp(srv);
});
afterAll(async () => {
  await srv.server.close();
  await hs.close();
});

async function ok(method: string, params: unknown) {
  const reply = await srv.call(method, params);
  expect(reply.status, `${method}: ${reply.text}`).toBe(200);
  return reply.body.result;
}

async function bind(event: string, path: string) {
  const reply = await app.call('event.bind', { event, handler: `${hs.url}${path}` });
  expect(reply.body, reply.text).toMatchObject({ result: true });
}

const period = (from: number, to: number) => ({
  from: { timestamp: from, timezone: 'Europe/Berlin' },
  to: { timestamp: to, timezone: 'Europe/Berlin' },
});

describe('every event type', () => {
  const crmEvents = ['Deal', 'Contact', 'Company'].flatMap((e) =>
    ['Add', 'Update', 'Delete'].map((a) => `onCrm${e}${a}`),
  );

  it('arrives form-encoded with its documented data, auth and a valid application_token', async () => {
    for (const event of [...Object.values(bookingEvents), ...crmEvents]) await bind(event, '/all');

    const expected: [string, unknown][] = [];
    const booking = (name: string, id: number) => expected.push([name.toUpperCase(), { ID: String(id) }]);
    const crm = (name: string, id: number) => expected.push([name.toUpperCase(), { FIELDS: { ID: String(id) } }]);

    const typeId = await ok('booking.v1.resourceType.add', { fields: { name: 'Room', code: 'room' } });
    booking('onBookingResourceTypeAdd', typeId);
    await ok('booking.v1.resourceType.update', { id: typeId, fields: { name: 'Hall', code: 'hall' } });
    booking('onBookingResourceTypeUpdate', typeId);
    const resourceId = await ok('booking.v1.resource.add', { fields: { name: 'R1', typeId } });
    booking('onBookingResourceAdd', resourceId);
    await ok('booking.v1.resource.update', { id: resourceId, fields: { name: 'R2' } });
    booking('onBookingResourceUpdate', resourceId);
    const from = Math.floor(Date.UTC(2030, 0, 7, 9) / 1000);
    const bookingId = await ok('booking.v1.booking.add', {
      fields: { resourceIds: [resourceId], datePeriod: period(from, from + 3600) },
    });
    booking('onBookingAdd', bookingId);
    // A booking with no deal link gets a deal of its own, as the real booking.add does.
    const links = await ok('booking.v1.booking.externalData.list', { bookingId });
    crm('onCrmDealAdd', Number(links.externalData[0].value));
    await ok('booking.v1.booking.update', { id: bookingId, fields: { name: 'Check-up' } });
    booking('onBookingUpdate', bookingId);
    await ok('booking.v1.booking.delete', { id: bookingId });
    booking('onBookingDelete', bookingId);
    await ok('booking.v1.resource.delete', { id: resourceId });
    booking('onBookingResourceDelete', resourceId);
    const other = await ok('booking.v1.resourceType.add', { fields: { name: 'Spare', code: 'spare' } });
    booking('onBookingResourceTypeAdd', other);
    await ok('booking.v1.resourceType.delete', { id: other });
    booking('onBookingResourceTypeDelete', other);
    const entry = await ok('booking.v1.waitlist.add', { fields: { note: 'call back' } });
    booking('onBookingWaitListItemAdd', entry);
    await ok('booking.v1.waitlist.update', { id: entry, fields: { note: 'later' } });
    booking('onBookingWaitListItemUpdate', entry);
    await ok('booking.v1.waitlist.delete', { id: entry });
    booking('onBookingWaitListItemDelete', entry);
    for (const entity of ['deal', 'contact', 'company']) {
      const Name = entity.charAt(0).toUpperCase() + entity.slice(1);
      const id = await ok(`crm.${entity}.add`, { fields: { TITLE: 'T', NAME: 'N' } });
      crm(`onCrm${Name}Add`, id);
      await ok(`crm.${entity}.update`, { id, fields: { TITLE: 'U', NAME: 'M' } });
      crm(`onCrm${Name}Update`, id);
      await ok(`crm.${entity}.delete`, { id });
      crm(`onCrm${Name}Delete`, id);
    }

    await hs.waitFor(() => hs.to('/all').length >= expected.length);
    await settle(200);
    const posts = hs.to('/all');
    const got = posts.map((p) => [p.body.event, p.body.data]);
    // Every event (in any order: deliveries run concurrently), nothing else. Delivery is
    // at-least-once: on a loaded machine a slow answer may be retried, so repeats are allowed.
    const distinct = [...new Map(got.map((g) => [JSON.stringify(g), g])).values()];
    expect(distinct).toHaveLength(expected.length);
    expect(distinct).toEqual(expect.arrayContaining(expected));
    expect(new Set(Object.values(bookingEvents).map((e) => e.toUpperCase()))).toEqual(
      new Set(got.map(([e]) => e).filter((e) => (e as string).startsWith('ONBOOKING'))),
    );

    const host = new URL(srv.url).host;
    for (const post of posts) {
      expect(post.contentType).toBe('application/x-www-form-urlencoded');
      expect(Object.keys(post.body)).toEqual(['event', 'event_handler_id', 'data', 'ts', 'auth']);
      expect(post.body.event_handler_id).toMatch(/^[1-9]\d*$/);
      expect(Math.abs(Number(post.body.ts) - Date.now() / 1000)).toBeLessThan(60);
      expect(Object.keys(post.body.auth)).toEqual([
        'access_token',
        'expires_in',
        'scope',
        'domain',
        'server_endpoint',
        'status',
        'client_endpoint',
        'member_id',
        'refresh_token',
        'application_token',
      ]);
      expect(post.body.auth).toMatchObject({
        scope: (post.body.event as string).startsWith('ONCRM') ? 'crm' : 'booking',
        domain: host,
        server_endpoint: `${srv.url}/rest/`,
        client_endpoint: `${srv.url}/rest/`,
        status: 'L',
        application_token: app.applicationToken,
      });
      expect(post.body.auth.member_id).toMatch(/^[0-9a-f]{32}$/);
      expect(Number(post.body.auth.expires_in)).toBeGreaterThan(3000);
    }
    // The raw form, in Bitrix's key order (deliveries run concurrently: found by event, not position).
    expect(posts.find((p) => p.body.event === 'ONBOOKINGRESOURCETYPEADD')?.raw).toMatch(
      /^event=ONBOOKINGRESOURCETYPEADD&event_handler_id=\d+&data%5BID%5D=\d+&ts=/,
    );
    expect(posts.find((p) => p.body.event === 'ONCRMDEALADD')?.raw).toMatch(/&data%5BFIELDS%5D%5BID%5D=\d+&/);
  });

  it("gives tokens the handler can call back with, as the handler's user", async () => {
    const post = hs.to('/all').find((p) => p.body.event === 'ONBOOKINGWAITLISTITEMADD') as EventPost;
    const reply = await srv.request(`${post.body.auth.client_endpoint}profile`, { auth: post.body.auth.access_token });
    expect(reply.body.result).toMatchObject({ ID: '1', ADMIN: true });
  });

  it('sends each application its own application_token', async () => {
    const other = await installApp(srv, { scopes: ['booking'], name: 'Other' });
    expect(other.applicationToken).toMatch(/^[a-z0-9]{32}$/);
    expect(other.applicationToken).not.toBe(app.applicationToken);
    expect((await other.call('event.bind', { event: 'ONBOOKINGADD', handler: `${hs.url}/other` })).body.result).toBe(
      true,
    );
    await ok('booking.v1.resourceType.add', { fields: { name: 'Desk', code: 'desk' } });
    const typeId = await ok('booking.v1.resourceType.add', { fields: { name: 'Desk 2', code: 'desk2' } });
    const resourceId = await ok('booking.v1.resource.add', { fields: { name: 'D', typeId } });
    const from = Math.floor(Date.UTC(2030, 1, 4, 9) / 1000);
    await ok('booking.v1.booking.add', { fields: { resourceIds: [resourceId], datePeriod: period(from, from + 60) } });
    await hs.waitFor(() => hs.to('/other').length === 1);
    expect(hs.to('/other')[0]?.body.auth.application_token).toBe(other.applicationToken);
  });
});

describe('retries', () => {
  it('a handler that fails twice gets the event on the third try, after the backoff', async () => {
    hs.on('/flaky', (_post, nth) => ({ status: nth <= 2 ? 500 : 200 }));
    await bind('onBookingWaitListItemAdd', '/flaky');
    const id = await ok('booking.v1.waitlist.add', { fields: { note: 'flaky' } });
    await hs.waitFor(() => hs.to('/flaky').length >= 3);
    await settle(4 * BACKOFF_MS);
    const tries = hs.to('/flaky');
    expect(tries).toHaveLength(3);
    expect(tries.map((t) => t.body.data)).toEqual([{ ID: String(id) }, { ID: String(id) }, { ID: String(id) }]);
    // Backoff 100 ms, then 200 ms (each at least, the poll adds a little).
    expect((tries[1] as EventPost).at - (tries[0] as EventPost).at).toBeGreaterThanOrEqual(BACKOFF_MS - 10);
    expect((tries[2] as EventPost).at - (tries[1] as EventPost).at).toBeGreaterThanOrEqual(2 * BACKOFF_MS - 10);
    await app.call('event.unbind', { event: 'onBookingWaitListItemAdd', handler: `${hs.url}/flaky` });
  });

  it('gives up after the last try, records it, and tries no more', async () => {
    hs.on('/down', () => ({ status: 503 }));
    await bind('onBookingWaitListItemDelete', '/down');
    const id = await ok('booking.v1.waitlist.add', { fields: {} });
    await ok('booking.v1.waitlist.delete', { id });
    await hs.waitFor(() => hs.to('/down').length >= 4, 10_000);
    await settle(10 * BACKOFF_MS);
    expect(hs.to('/down')).toHaveLength(4);
    const failed = await srv.server.store.read(({ eventDeliveries }) => eventDeliveries.failed());
    expect(failed).toEqual([
      expect.objectContaining({
        event: 'onBookingWaitListItemDelete',
        data: { ID: id },
        handler: `${hs.url}/down`,
        attempts: 4,
        lastError: 'HTTP 503',
      }),
    ]);
  });

  it('a handler that never answers does not hold up the others', async () => {
    hs.on('/hang', () => 'hang');
    await bind('onCrmContactAdd', '/hang');
    await bind('onCrmContactAdd', '/fast');
    const started = Date.now();
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) ids.push(await ok('crm.contact.add', { fields: { NAME: `C${i}` } }));
    await hs.waitFor(() => hs.to('/fast').length === 20, 5000);
    // Before any hanging try has timed out (4 s): the hanging handler holds only its share.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(hs.to('/hang').length).toBeLessThanOrEqual(4);
    expect(hs.to('/fast').map((p) => Number(p.body.data.FIELDS.ID))).toEqual(expect.arrayContaining(ids));
    await app.call('event.unbind', { event: 'onCrmContactAdd', handler: `${hs.url}/hang` });
  });

  it('a handler that is unbound gets nothing more', async () => {
    await bind('onCrmCompanyAdd', '/gone');
    await app.call('event.unbind', { event: 'onCrmCompanyAdd', handler: `${hs.url}/gone` });
    await ok('crm.company.add', { fields: { TITLE: 'Gone' } });
    await settle();
    expect(hs.to('/gone')).toEqual([]);
  });
});

describe('events nothing is bound to', () => {
  it('are recorded as fanned out already, so the worker has nothing to claim; bound ones wait for it', async () => {
    // The worker's poll is left long: what waits stays waiting while the test reads it.
    const quiet = await startTestServer({ adminToken: ADMIN_TOKEN, events: { pollMs: 600_000 } });
    try {
      const quietApp = await installApp(quiet);
      const bound = await quietApp.call('event.bind', {
        event: 'onBookingWaitListItemAdd',
        handler: `${hs.url}/quiet`,
      });
      expect(bound.body, bound.text).toMatchObject({ result: true });
      const added = await quiet.call('booking.v1.waitlist.add', { fields: { note: 'bound' } });
      const id = added.body.result as number;
      expect((await quiet.call('booking.v1.waitlist.delete', { id })).status).toBe(200);
      const waiting = async () =>
        (
          await quiet.server.store.db
            .selectFrom('event_outbox')
            .select(['event', 'dispatched_at'])
            .orderBy('id')
            .execute()
        ).map((row) => [row.event, row.dispatched_at === null ? 'waiting' : 'done']);
      expect(await waiting()).toEqual([
        [bookingEvents.waitListItemAdd, 'waiting'],
        [bookingEvents.waitListItemDelete, 'done'],
      ]);
      // Unbound, the same event goes nowhere either.
      await quietApp.call('event.unbind', { event: 'onBookingWaitListItemAdd', handler: `${hs.url}/quiet` });
      await quiet.call('booking.v1.waitlist.add', { fields: { note: 'unbound' } });
      expect((await waiting()).at(-1)).toEqual([bookingEvents.waitListItemAdd, 'done']);
    } finally {
      await quiet.server.close();
    }
  });
});
