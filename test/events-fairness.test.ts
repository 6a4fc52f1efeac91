/**
 * One application cannot starve the others: its handlers that hang hold at most its share of
 * the delivery slots, a handler that fails is backed off as a whole instead of being tried
 * again for every queued event, and an application binds at most MAX_BINDINGS_PER_EVENT
 * handlers to one event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BINDINGS_PER_EVENT } from '../src/events/methods.js';
import { ADMIN_TOKEN, type EventPost, HandlerServer, installApp } from './support/events.js';
import { startTestServer, type TestServer } from './support/server.js';

const EVENT = 'ONBOOKINGWAITLISTITEMADD';
let hs: HandlerServer;
beforeAll(async () => {
  hs = await HandlerServer.start();
});
afterAll(() => hs.close());

describe('fair delivery', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ adminToken: ADMIN_TOKEN, events: { timeoutMs: 5000, pollMs: 20 } });
  });
  afterAll(() => srv.server.close());

  it("eight hanging handlers of one application do not delay another application's events", async () => {
    const hanging = await installApp(srv, { name: 'Hanging' });
    const quick = await installApp(srv, { name: 'Quick' });
    for (let i = 1; i <= 8; i++) {
      hs.on(`/hang-${i}`, () => 'hang');
      expect((await hanging.call('event.bind', { event: EVENT, handler: `${hs.url}/hang-${i}` })).body.result).toBe(
        true,
      );
    }
    expect((await quick.call('event.bind', { event: EVENT, handler: `${hs.url}/quick` })).body.result).toBe(true);

    const started = Date.now();
    const writes = 6;
    for (let i = 0; i < writes; i++) await srv.call('booking.v1.waitlist.add', { fields: { note: `w${i}` } });
    // 6 writes x 8 hanging handlers is far more than the 16 slots; the quick application's
    // events must not wait for those tries to time out (5 s).
    await hs.waitFor(() => hs.to('/quick').length >= writes, 2500);
    expect(Date.now() - started).toBeLessThan(2500);
  });
});

describe('a failing handler', () => {
  const BACKOFF_MS = 1500;
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({
      adminToken: ADMIN_TOKEN,
      events: { timeoutMs: 2000, pollMs: 20, backoffMs: BACKOFF_MS, maxAttempts: 3 },
    });
  });
  afterAll(() => srv.server.close());

  it('is backed off as a handler: its other queued events wait for the backoff too', async () => {
    const app = await installApp(srv, { name: 'Failing' });
    hs.on('/failing', () => ({ status: 500 }));
    expect((await app.call('event.bind', { event: EVENT, handler: `${hs.url}/failing` })).body.result).toBe(true);
    // The events queue before the worker's next pass, so the first pass sees them all.
    await srv.server.store.write(async ({ outbox }) => {
      for (let i = 0; i < 10; i++) await outbox.record(EVENT, { ID: String(i + 1) }, Date.now());
    });
    await hs.waitFor(() => hs.to('/failing').length > 0);
    const first = (hs.to('/failing')[0] as EventPost).at;
    await hs.waitFor(() => hs.to('/failing').some((p) => p.at >= first + BACKOFF_MS), 10_000);
    // Only the tries already running when the first failure came back: at most the 4 one
    // handler may have in flight, not one for each of the 10 queued events.
    const beforeBackoff = hs.to('/failing').filter((p) => p.at < first + BACKOFF_MS);
    expect(beforeBackoff.length).toBeLessThanOrEqual(4);
  });
});

describe('bindings per application and event', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ adminToken: ADMIN_TOKEN, events: { pollMs: 20 } });
  });
  afterAll(() => srv.server.close());

  it(`are at most ${MAX_BINDINGS_PER_EVENT}: the next is refused with ERROR_CORE, nothing stored`, async () => {
    const app = await installApp(srv, { name: 'Many' });
    const other = await installApp(srv, { name: 'Other' });
    for (let i = 0; i < MAX_BINDINGS_PER_EVENT; i++) {
      expect((await app.call('event.bind', { event: EVENT, handler: `${hs.url}/many-${i}` })).body.result).toBe(true);
    }
    const reply = await app.call('event.bind', { event: EVENT, handler: `${hs.url}/one-too-many` });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      error: 'ERROR_CORE',
      error_description: `Too many handlers for this event: an application may bind at most ${MAX_BINDINGS_PER_EVENT}`,
    });
    // Binding the same handler again is still "already binded"; other events and other
    // applications are not affected.
    expect((await app.call('event.bind', { event: EVENT, handler: `${hs.url}/many-0` })).body).toEqual({
      error: 'ERROR_CORE',
      error_description: 'Handler already binded',
    });
    expect((await app.call('event.bind', { event: 'ONBOOKINGADD', handler: `${hs.url}/x` })).body.result).toBe(true);
    expect((await other.call('event.bind', { event: EVENT, handler: `${hs.url}/x` })).body.result).toBe(true);
    const bound = (await app.call('event.get')).body.result as { event: string; handler: string }[];
    expect(bound.filter((b) => b.event === EVENT)).toHaveLength(MAX_BINDINGS_PER_EVENT);
    expect(bound.map((b) => b.handler)).not.toContain(`${hs.url}/one-too-many`);
    // After an unbind there is room again.
    await app.call('event.unbind', { event: EVENT, handler: `${hs.url}/many-0` });
    expect((await app.call('event.bind', { event: EVENT, handler: `${hs.url}/one-too-many` })).body.result).toBe(true);
  });
});
