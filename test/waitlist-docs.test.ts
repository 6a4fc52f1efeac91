/**
 * Every cURL example of the wait-list doc pages, run as written by the doc runner
 * (support/doc-runner.ts) against a fresh server, with only the host and the credentials replaced.
 *
 * Answers are checked against what the real Bitrix24 server sends (research/README.md), which
 * wins where a page's own sample differs: `add` returns a plain integer, lists carry a top-level
 * `"total": 0`.
 */
import { expect } from 'vitest';
import { type Params, runDocExamples, type Scenario } from './support/doc-runner.js';
import type { TestServer } from './support/server.js';

const PAGES = [
  'api-reference/booking/waitlist/booking-v1-waitlist-add.md',
  'api-reference/booking/waitlist/booking-v1-waitlist-get.md',
  'api-reference/booking/waitlist/booking-v1-waitlist-list.md',
  'api-reference/booking/waitlist/booking-v1-waitlist-update.md',
  'api-reference/booking/waitlist/booking-v1-waitlist-delete.md',
  'api-reference/booking/waitlist/external-data/booking-v1-waitlist-externaldata-set.md',
  'api-reference/booking/waitlist/external-data/booking-v1-waitlist-externaldata-list.md',
  'api-reference/booking/waitlist/external-data/booking-v1-waitlist-externaldata-unset.md',
];

// ---------------------------------------------------------------------------------------------
// What each example needs on the server, and what it must answer

/** Local midnight of a `dd.mm.yyyy` day, as the server reads `createdWithin`. */
function portalDay(text: string, plusDays = 0): number {
  const [day, month, year] = text.split('.').map(Number) as [number, number, number];
  return new Date(year, month - 1, day + plusDays).getTime();
}

/** Makes entries 1..count (a fresh store numbers them from 1). */
async function seedEntries(
  server: TestServer,
  count: number,
  entry: { note?: string | null; createdAt?: number } = {},
) {
  await server.server.store.write(async ({ waitList }) => {
    for (let i = 1; i <= count; i++) {
      const id = await waitList.insert({
        note: entry.note ?? null,
        createdBy: 1,
        createdAt: entry.createdAt ?? Date.now(),
      });
      expect(id).toBe(i);
    }
  });
}

async function seedLinks(server: TestServer, id: number, values: string[]) {
  await server.server.store.write(({ waitList }) =>
    waitList.replaceExternalData(
      id,
      values.map((value) => ({ moduleId: 'crm', entityTypeId: 'DEAL', value })),
    ),
  );
}

const call = (server: TestServer, method: string, params: Params) =>
  server.call(`booking.v1.waitlist.${method}`, params);

/** The natural key order the real server sends an external-data item in. */
const link = (item: Params) => ({ entityTypeId: item.entityTypeId, moduleId: item.moduleId, value: item.value });

const scenarios: Record<string, Scenario> = {
  'booking.v1.waitlist.add': {
    seed: async () => {},
    // The page's sample says {"id": 107}; the real server returns the id itself.
    answer: () => ({ result: 1 }),
    verify: async (server, params) => {
      const reply = await call(server, 'get', { id: 1 });
      expect(reply.body.result).toEqual({ waitList: { id: 1, note: (params.fields as Params).note } });
    },
  },
  'booking.v1.waitlist.get': {
    seed: (server, params) => seedEntries(server, params.id as number),
    answer: (params) => ({ result: { waitList: { id: params.id, note: null } } }),
  },
  'booking.v1.waitlist.list': {
    // Fourteen entries the day before the period, two on its first day (`from` is inclusive):
    // the page's sample answer lists ids 15 and 16.
    seed: async (server, params) => {
      const { from } = (params.filter as { createdWithin: { from: string } }).createdWithin;
      await seedEntries(server, 14, { note: 'note', createdAt: portalDay(from, -1) });
      await server.server.store.write(async ({ waitList }) => {
        for (let i = 0; i < 2; i++) await waitList.insert({ note: 'note', createdBy: 1, createdAt: portalDay(from) });
      });
    },
    answer: () => ({
      result: {
        waitList: [
          { id: 15, note: 'note' },
          { id: 16, note: 'note' },
        ],
      },
      total: 0,
    }),
  },
  'booking.v1.waitlist.update': {
    seed: (server, params) => seedEntries(server, params.id as number, { note: 'Old note' }),
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      const reply = await call(server, 'get', { id: params.id });
      expect(reply.body.result).toEqual({ waitList: { id: params.id, note: (params.fields as Params).note } });
    },
  },
  'booking.v1.waitlist.delete': {
    seed: (server, params) => seedEntries(server, params.id as number),
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      const reply = await call(server, 'get', { id: params.id });
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({ error: '1040', error_description: 'Wait list not found' });
    },
  },
  'booking.v1.waitlist.externalData.set': {
    seed: async (server, params) => {
      await seedEntries(server, params.waitListId as number);
      await seedLinks(server, params.waitListId as number, ['999']);
    },
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      const reply = await call(server, 'externalData.list', { waitListId: params.waitListId });
      expect(reply.body.result).toEqual({ externalData: (params.externalData as Params[]).map(link) });
    },
  },
  'booking.v1.waitlist.externalData.list': {
    // The page's sample answer: two deal links, keys in natural order.
    seed: async (server, params) => {
      await seedEntries(server, params.waitListId as number);
      await seedLinks(server, params.waitListId as number, ['1', '2']);
    },
    answer: () => ({
      result: {
        externalData: [
          { entityTypeId: 'DEAL', moduleId: 'crm', value: '1' },
          { entityTypeId: 'DEAL', moduleId: 'crm', value: '2' },
        ],
      },
      total: 0,
    }),
  },
  'booking.v1.waitlist.externalData.unset': {
    seed: async (server, params) => {
      await seedEntries(server, params.waitListId as number);
      await seedLinks(server, params.waitListId as number, ['1']);
    },
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      const reply = await call(server, 'externalData.list', { waitListId: params.waitListId });
      expect(reply.body.result).toEqual({ externalData: [] });
    },
  },
};

runDocExamples({ pages: PAGES, scenarios });
