/**
 * booking.v1.booking.createfromwaitlist and booking.v1.waitlist.createfrombooking: the entry
 * moves with its note and external data, the source is gone, nothing is lost or duplicated,
 * and a refused move changes nothing.
 */
import { describe, expect, it } from 'vitest';
import * as calls from './support/calls.js';
import { useServer } from './support/server.js';

const server = useServer({ overbooking: false });

const ok = (method: string, params: unknown) => calls.ok(server(), method, params);
const fails = (method: string, params: unknown, code: string, description: string) =>
  calls.failsWith(server(), method, params, code, description);
const addResource = calls.resourceMaker(server);

const links = [
  { moduleId: 'crm', entityTypeId: 'DEAL', value: '7' },
  { moduleId: 'crm', entityTypeId: 'DEAL', value: '7' },
  { moduleId: 'other', entityTypeId: 'X', value: 'y' },
];
const shown = links.map(({ moduleId, entityTypeId, value }) => ({ entityTypeId, moduleId, value }));

async function waitListEntry(note: string): Promise<number> {
  const id = (await ok('booking.v1.waitlist.add', { fields: { note } })).result;
  await ok('booking.v1.waitlist.externalData.set', { waitListId: id, externalData: links });
  return id;
}

const datePeriod = (from: number, to: number) => ({
  from: { timestamp: from, timezone: 'Europe/Berlin' },
  to: { timestamp: to, timezone: 'Europe/Berlin' },
});

async function outbox() {
  return server().server.store.read(({ outbox }) => outbox.list(100_000));
}

async function count(table: 'booking' | 'wait_list_item' | 'booking_external_data' | 'wait_list_external_data') {
  const row = await server()
    .server.store.db.selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('booking.v1.booking.createfromwaitlist', () => {
  it('carries the entry’s note and links into the booking, removes the entry, records Add then Delete', async () => {
    const r = await addResource();
    const waitListId = await waitListEntry('Call back at noon');
    const before = (await outbox()).length;
    const body = await ok('booking.v1.booking.createfromwaitlist', {
      waitListId,
      fields: { resourceIds: [r], datePeriod: datePeriod(1723446900, 1723447800) },
    });
    const bookingId = body.result;
    expect((await ok('booking.v1.booking.externalData.list', { bookingId })).result.externalData).toEqual(shown);
    const note = await server().server.store.read(({ bookings }) => bookings.find(bookingId));
    expect(note?.note).toBe('Call back at noon');
    await fails('booking.v1.waitlist.get', { id: waitListId }, '1040', 'Wait list not found');
    expect((await outbox()).slice(before).map((e) => [e.event, e.data])).toEqual([
      ['onBookingAdd', { ID: bookingId }],
      ['onBookingWaitListItemDelete', { ID: waitListId }],
    ]);
  });

  it('refuses with 1038 (and changes nothing) for a missing entry, busy or unknown resources', async () => {
    const r = await addResource();
    await ok('booking.v1.booking.add', {
      fields: { resourceIds: [r], datePeriod: datePeriod(1_800_000_000, 1_800_003_600) },
    });
    const waitListId = await waitListEntry('stay');
    const counts = async () => [
      await count('booking'),
      await count('wait_list_item'),
      await count('booking_external_data'),
    ];
    const before = await counts();
    await fails(
      'booking.v1.booking.createfromwaitlist',
      { waitListId: 999999, fields: { resourceIds: [r], datePeriod: datePeriod(1_900_000_000, 1_900_000_600) } },
      '1038',
      'wait list item not found',
    );
    await fails(
      'booking.v1.booking.createfromwaitlist',
      { waitListId, fields: { resourceIds: [r], datePeriod: datePeriod(1_800_000_000, 1_800_000_600) } },
      '1038',
      `Some resources are unavailable for the requested time range: ${r}`,
    );
    await fails(
      'booking.v1.booking.createfromwaitlist',
      { waitListId, fields: { resourceIds: [999999], datePeriod: datePeriod(1_900_000_000, 1_900_000_600) } },
      '1038',
      'Some resources were not found: 999999',
    );
    await fails(
      'booking.v1.booking.createfromwaitlist',
      { waitListId, fields: { resourceIds: [], datePeriod: datePeriod(1_900_000_000, 1_900_000_600) } },
      '1038',
      'Empty resource collection',
    );
    await fails(
      'booking.v1.booking.createfromwaitlist',
      { waitListId, fields: { resourceIds: [r], datePeriod: datePeriod(1_900_000_600, 1_900_000_000) } },
      '422',
      'Invalid date period',
    );
    await fails(
      'booking.v1.booking.createfromwaitlist',
      { waitListId, fields: { resourceIds: [r] } },
      '0',
      'Required fields: datePeriod',
    );
    await fails(
      'booking.v1.booking.createfromwaitlist',
      { waitListId },
      '100',
      'Could not find value for parameter {fields}',
    );
    expect(await counts()).toEqual(before);
    expect((await ok('booking.v1.waitlist.get', { id: waitListId })).result).toEqual({
      waitList: { id: waitListId, note: 'stay' },
    });
  });
});

describe('booking.v1.waitlist.createfrombooking', () => {
  it('moves a booking back to the wait list with its note and links; the booking is gone', async () => {
    const r = await addResource();
    const waitListId = await waitListEntry('Round trip');
    const bookingId = (
      await ok('booking.v1.booking.createfromwaitlist', {
        waitListId,
        fields: { resourceIds: [r], datePeriod: datePeriod(2_000_000_000, 2_000_003_600) },
      })
    ).result;
    const counts = [await count('booking_external_data'), await count('wait_list_external_data')];
    const before = (await outbox()).length;
    const body = await ok('booking.v1.waitlist.createfrombooking', { bookingId });
    const entry = body.result;
    expect(Number.isInteger(entry)).toBe(true);
    expect((await ok('booking.v1.waitlist.get', { id: entry })).result).toEqual({
      waitList: { id: entry, note: 'Round trip' },
    });
    expect((await ok('booking.v1.waitlist.externalData.list', { waitListId: entry })).result.externalData).toEqual(
      shown,
    );
    await fails('booking.v1.booking.get', { id: bookingId }, '1021', 'Booking not found');
    // The resource is free again.
    expect(
      (
        await server().call('booking.v1.booking.add', {
          fields: { resourceIds: [r], datePeriod: datePeriod(2_000_000_000, 2_000_003_600) },
        })
      ).status,
    ).toBe(200);
    expect((await outbox()).slice(before, before + 2).map((e) => [e.event, e.data])).toEqual([
      ['onBookingWaitListItemAdd', { ID: entry }],
      ['onBookingDelete', { ID: bookingId }],
    ]);
    // Copies were made once: the links now exist on the new entry, not twice (the booking
    // added above links one new deal of its own).
    expect([await count('booking_external_data'), await count('wait_list_external_data')]).toEqual([
      (counts[0] as number) + 1,
      (counts[1] as number) + links.length,
    ]);
    await fails('booking.v1.waitlist.createfrombooking', { bookingId }, '1037', 'booking not found');
    await fails('booking.v1.waitlist.createfrombooking', {}, '100', 'Could not find value for parameter {bookingId}');
  });
});
