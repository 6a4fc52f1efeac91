/**
 * An event is recorded as fanned out already when nothing is bound to it. On SQLite the bound
 * events are kept in memory (src/store/bound-events.ts); whatever changes a binding, in this
 * store, in a write that is rolled back, or in another process on the same file, the next
 * event is recorded as the bindings in the database say.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Store, type StoreOptions } from '../src/store/store.js';
import { freshPostgresDatabase, TEST_DATABASE, tempDir } from './support/server.js';

const EVENT = 'onBookingWaitListItemAdd';
const binding = {
  appId: 1,
  event: EVENT.toUpperCase(),
  handler: 'http://127.0.0.1:9/',
  authType: 0,
  boundBy: 1,
  offline: false,
  authConnector: '',
};

let options: StoreOptions;
let stores: Store[] = [];

beforeEach(async () => {
  options =
    TEST_DATABASE === 'postgres' ? { data: ':memory:', database: await freshPostgresDatabase() } : { data: tempDir() };
  stores = [];
});
afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
});

async function open(): Promise<Store> {
  const store = await Store.open(options);
  stores.push(store);
  return store;
}

/** Records the event in its own write; whether it waits to be fanned out (something is bound). */
async function recordWaits(store: Store): Promise<boolean> {
  await store.write(({ outbox }) => outbox.record(EVENT, { ID: 1 }, 1));
  const last = await store.db
    .selectFrom('event_outbox')
    .select('dispatched_at')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return last.dispatched_at === null;
}

it('sees a binding another store (another process) on the same database adds or removes', async () => {
  const here = await open();
  const there = await open();
  expect(await recordWaits(here)).toBe(false);
  await there.write(({ eventHandlers }) => eventHandlers.add(binding, 1));
  expect(await recordWaits(here)).toBe(true);
  await there.write(({ eventHandlers }) => eventHandlers.remove(binding));
  expect(await recordWaits(here)).toBe(false);
});

it('sees its own bindings at once, and none that a failed write added', async () => {
  const store = await open();
  expect(await recordWaits(store)).toBe(false);
  await expect(
    store.write(async ({ eventHandlers, outbox }) => {
      await eventHandlers.add(binding, 1);
      // Read into the kept set inside the write that is then rolled back.
      await outbox.record(EVENT, { ID: 0 }, 1);
      throw new Error('the write fails');
    }),
  ).rejects.toThrow('the write fails');
  expect(await recordWaits(store)).toBe(false);
  await store.write(({ eventHandlers }) => eventHandlers.add(binding, 1));
  expect(await recordWaits(store)).toBe(true);
});

it('a write grouped after a binding (one transaction) records its event for it', async () => {
  const store = await open();
  expect(await recordWaits(store)).toBe(false);
  await Promise.all([
    store.write(({ eventHandlers }) => eventHandlers.add(binding, 1)),
    store.write(({ outbox }) => outbox.record(EVENT, { ID: 2 }, 1)),
  ]);
  const rows = await store.db.selectFrom('event_outbox').select(['payload', 'dispatched_at']).execute();
  expect(rows.find((r) => r.payload === '{"ID":2}')?.dispatched_at).toBeNull();
});
