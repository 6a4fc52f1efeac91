/**
 * Every cURL example of the booking, booking client and booking external-data doc pages, and of
 * the two move pages (createfromwaitlist, createfrombooking), run as written by the doc runner
 * (support/doc-runner.ts), with the ids they name created first.
 * Answers are what the real server sends: plain-integer ids, `"total": 0` on lists, natural key
 * order.
 */
import { expect } from 'vitest';
import { type Params, runDocExamples, type Scenario } from './support/doc-runner.js';
import type { TestServer } from './support/server.js';

const DIR = 'api-reference/booking/booking';
const PAGES = [
  `${DIR}/booking-v1-booking-add.md`,
  `${DIR}/booking-v1-booking-get.md`,
  `${DIR}/booking-v1-booking-list.md`,
  `${DIR}/booking-v1-booking-update.md`,
  `${DIR}/booking-v1-booking-delete.md`,
  `${DIR}/client/booking-v1-booking-client-set.md`,
  `${DIR}/client/booking-v1-booking-client-list.md`,
  `${DIR}/client/booking-v1-booking-client-unset.md`,
  `${DIR}/external-data/booking-v1-booking-externaldata-set.md`,
  `${DIR}/external-data/booking-v1-booking-externaldata-list.md`,
  `${DIR}/external-data/booking-v1-booking-externaldata-unset.md`,
  `${DIR}/booking-v1-booking-createfromwaitlist.md`,
  'api-reference/booking/waitlist/booking-v1-waitlist-createfrombooking.md',
];

const HOUR = 3600;
const BASE = 1_700_000_000;

async function call(server: TestServer, method: string, params: Params) {
  const reply = await server.call(method, params);
  expect(reply.status, `${method}: ${reply.text}`).toBe(200);
  return reply.body;
}

/** Resources 1..3 (a fresh store numbers them from 1). */
async function seedResources(server: TestServer) {
  const typeId = (await call(server, 'booking.v1.resourceType.add', { fields: { name: 'Room', code: 'room' } })).result;
  for (let i = 1; i <= 3; i++) {
    expect((await call(server, 'booking.v1.resource.add', { fields: { name: `Room ${i}`, typeId } })).result).toBe(i);
  }
}

/** Bookings 1..count on resource 1, an hour each, one after another from BASE. */
async function seedBookings(server: TestServer, count: number) {
  await seedResources(server);
  await server.server.store.write(async ({ bookings }) => {
    for (let i = 1; i <= count; i++) {
      const from = BASE + i * HOUR;
      const id = await bookings.insert(
        {
          resourceIds: [1],
          from: { at: from * 1000, timezone: 'Europe/Berlin' },
          to: { at: (from + HOUR) * 1000, timezone: 'Europe/Berlin' },
          name: `Booking ${i}`,
          description: null,
          note: null,
        },
        1,
        Date.now(),
      );
      expect(id).toBe(i);
    }
  });
}

const bookingOf = (id: number) => ({
  datePeriod: {
    from: { timestamp: BASE + id * HOUR, timezone: 'Europe/Berlin' },
    to: { timestamp: BASE + (id + 1) * HOUR, timezone: 'Europe/Berlin' },
  },
  description: null,
  id,
  name: `Booking ${id}`,
  resourceIds: [1],
});

const clientsOf = async (server: TestServer, bookingId: unknown) =>
  (await call(server, 'booking.v1.booking.client.list', { bookingId })).result.bookingClient;
const linksOf = async (server: TestServer, bookingId: unknown) =>
  (await call(server, 'booking.v1.booking.externalData.list', { bookingId })).result.externalData;
const listed = (id: number, code: string) => ({ id, type: { code, module: 'crm' } });
const deal = (value: string) => ({ entityTypeId: 'DEAL', moduleId: 'crm', value });

/** Bookings up to `bookingId`, that one linking the given deals. */
async function seedLinks(server: TestServer, params: Params, values: string[]) {
  await seedBookings(server, params.bookingId as number);
  await server.server.store.write(({ bookings }) =>
    bookings.replaceExternalData(
      params.bookingId as number,
      values.map((value) => ({ moduleId: 'crm', entityTypeId: 'DEAL', value })),
    ),
  );
}

const seedOwner = (key: 'id' | 'bookingId') => (server: TestServer, params: Params) =>
  seedBookings(server, params[key] as number);

/** Wait-list entries 1..count with a note. */
async function seedEntries(server: TestServer, count: number) {
  await server.server.store.write(async ({ waitList }) => {
    for (let i = 1; i <= count; i++) {
      expect(await waitList.insert({ note: `Entry ${i}`, createdBy: 1, createdAt: Date.now() })).toBe(i);
    }
  });
}

async function expectError(server: TestServer, method: string, params: Params, error: string, description: string) {
  const reply = await server.call(method, params);
  expect(reply.status, reply.text).toBe(400);
  expect(reply.body).toEqual({ error, error_description: description });
}

/** Booking 1, made from an example's `fields`, as `get` shows it. */
async function expectFirstBooking(server: TestServer, fields: Params) {
  const { booking } = (await call(server, 'booking.v1.booking.get', { id: 1 })).result;
  expect(booking).toEqual({
    datePeriod: fields.datePeriod,
    description: fields.description ?? null,
    id: 1,
    name: fields.name ?? null,
    resourceIds: fields.resourceIds,
  });
}

const scenarios: Record<string, Scenario> = {
  'booking.v1.booking.add': {
    seed: seedResources,
    answer: () => ({ result: 1 }),
    verify: async (server, params) => {
      await expectFirstBooking(server, params.fields as Params);
      // Since 25.1150 the new booking links a new deal.
      expect(await linksOf(server, 1)).toEqual([deal('1')]);
    },
  },
  'booking.v1.booking.get': {
    seed: seedOwner('id'),
    answer: (params) => ({ result: { booking: bookingOf(params.id as number) } }),
  },
  'booking.v1.booking.list': {
    // Three bookings inside the period; the first has contact 1, the third company 1.
    seed: async (server) => {
      await seedBookings(server, 3);
      await call(server, 'booking.v1.booking.client.set', {
        bookingId: 1,
        clients: [{ id: 1, type: { module: 'crm', code: 'CONTACT' } }],
      });
      await call(server, 'booking.v1.booking.client.set', {
        bookingId: 3,
        clients: [{ id: 1, type: { module: 'crm', code: 'COMPANY' } }],
      });
    },
    answer: () => ({ result: { booking: [bookingOf(1), bookingOf(3)] }, total: 0 }),
  },
  'booking.v1.booking.update': {
    seed: seedOwner('id'),
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      const fields = params.fields as Params;
      const { booking } = (await call(server, 'booking.v1.booking.get', { id: params.id })).result;
      expect(booking).toEqual({ ...fields, id: params.id });
    },
  },
  'booking.v1.booking.delete': {
    seed: seedOwner('id'),
    answer: () => ({ result: true }),
    verify: (server, params) =>
      expectError(server, 'booking.v1.booking.get', { id: params.id }, '1021', 'Booking not found'),
  },
  'booking.v1.booking.client.set': {
    seed: seedOwner('bookingId'),
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      expect(await clientsOf(server, params.bookingId)).toEqual([listed(1, 'CONTACT'), listed(2, 'CONTACT')]);
    },
  },
  'booking.v1.booking.client.list': {
    // The page's sample answer: company 1, contact 2.
    seed: async (server, params) => {
      await seedBookings(server, params.bookingId as number);
      await call(server, 'booking.v1.booking.client.set', {
        bookingId: params.bookingId,
        clients: [
          { id: 1, type: { module: 'crm', code: 'COMPANY' } },
          { id: 2, type: { module: 'crm', code: 'CONTACT' } },
        ],
      });
    },
    answer: () => ({ result: { bookingClient: [listed(1, 'COMPANY'), listed(2, 'CONTACT')] }, total: 0 }),
  },
  'booking.v1.booking.client.unset': {
    seed: async (server, params) => {
      await seedBookings(server, params.bookingId as number);
      await call(server, 'booking.v1.booking.client.set', {
        bookingId: params.bookingId,
        clients: [{ id: 1, type: { module: 'crm', code: 'CONTACT' } }],
      });
    },
    answer: () => ({ result: true }),
    verify: async (server, params) => expect(await clientsOf(server, params.bookingId)).toEqual([]),
  },
  'booking.v1.booking.externalData.set': {
    seed: seedOwner('bookingId'),
    answer: () => ({ result: true }),
    verify: async (server, params) => expect(await linksOf(server, params.bookingId)).toEqual([deal('1')]),
  },
  'booking.v1.booking.externalData.list': {
    // The page's sample answer: deals 1 and 2.
    seed: (server, params) => seedLinks(server, params, ['1', '2']),
    answer: () => ({ result: { externalData: [deal('1'), deal('2')] }, total: 0 }),
  },
  'booking.v1.booking.externalData.unset': {
    seed: (server, params) => seedLinks(server, params, ['1']),
    answer: () => ({ result: true }),
    verify: async (server, params) => expect(await linksOf(server, params.bookingId)).toEqual([]),
  },
  'booking.v1.booking.createfromwaitlist': {
    seed: async (server, params) => {
      await seedResources(server);
      await seedEntries(server, params.waitListId as number);
    },
    answer: () => ({ result: 1 }),
    verify: async (server, params) => {
      await expectFirstBooking(server, params.fields as Params);
      await expectError(server, 'booking.v1.waitlist.get', { id: params.waitListId }, '1040', 'Wait list not found');
    },
  },
  'booking.v1.waitlist.createfrombooking': {
    seed: seedOwner('bookingId'),
    answer: () => ({ result: 1 }),
    verify: async (server, params) => {
      const entry = await call(server, 'booking.v1.waitlist.get', { id: 1 });
      expect(entry.result).toEqual({ waitList: { id: 1, note: null } });
      await expectError(server, 'booking.v1.booking.get', { id: params.bookingId }, '1021', 'Booking not found');
    },
  },
};

runDocExamples({
  pages: PAGES,
  scenarios,
});
