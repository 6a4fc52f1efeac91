/** booking.v1.booking.* and booking.v1.booking.externalData.*, over HTTP. */
import { describe, expect, it } from 'vitest';
import * as calls from './support/calls.js';
import { useServer } from './support/server.js';

const server = useServer();

const ok = (method: string, params: unknown) => calls.ok(server(), method, params);
const fails = (method: string, params: unknown, code: string, description: string) =>
  calls.failsWith(server(), method, params, code, description);
const addResource = calls.resourceMaker(server);

const period = (from: number, to: number, timezone = 'Europe/Berlin') => ({
  from: { timestamp: from, timezone },
  to: { timestamp: to, timezone },
});

async function addBooking(resourceIds: number[], from: number, to: number, extra: Record<string, unknown> = {}) {
  return (await ok('booking.v1.booking.add', { fields: { resourceIds, datePeriod: period(from, to), ...extra } }))
    .result as number;
}

async function events(id: number): Promise<string[]> {
  const all = await server().server.store.read(({ outbox }) => outbox.list(100_000));
  return all
    .filter((e) => (e.data as { ID: number }).ID === id && /^onBooking(Add|Update|Delete)$/.test(e.event))
    .map((e) => e.event);
}

describe('booking.v1.booking.add and get', () => {
  it('keeps each side’s time zone and shows an absent name as null', async () => {
    const r = await addResource();
    const id = await addBooking([r], 1_800_000_000, 1_800_003_600, {
      datePeriod: {
        from: { timestamp: 1_800_000_000, timezone: 'Asia/Tokyo' },
        to: { timestamp: '1800003600', timezone: 'UTC' },
      },
    });
    const got = (await ok('booking.v1.booking.get', { id })).result.booking;
    expect(got.datePeriod).toEqual({
      from: { timestamp: 1_800_000_000, timezone: 'Asia/Tokyo' },
      to: { timestamp: 1_800_003_600, timezone: 'UTC' },
    });
    expect(got.name).toBeNull();
    expect(got.description).toBeNull();
  });

  it('add reports required fields (0), then missing fields (100)', async () => {
    await fails('booking.v1.booking.add', { fields: { name: 'x' } }, '0', 'Required fields: resourceIds, datePeriod');
    await fails(
      'booking.v1.booking.add',
      { fields: { resourceIds: [1], datePeriod: 'x' } },
      '0',
      'Required fields: datePeriod',
    );
    await fails(
      'booking.v1.booking.add',
      { fields: { resourceIds: [1], datePeriod: { from: { timestamp: 1 } } } },
      '0',
      'Required fields: to',
    );
    await fails(
      'booking.v1.booking.add',
      { fields: { resourceIds: [1], datePeriod: { from: { timestamp: 1 }, to: { timestamp: 2, timezone: 'UTC' } } } },
      '0',
      'Required fields: timezone',
    );
    await fails('booking.v1.booking.add', {}, '100', 'Could not find value for parameter {fields}');
  });

  it('add refuses bad resource ids and bad periods with 422', async () => {
    const r = await addResource();
    const fields = { resourceIds: [r], datePeriod: period(1_800_000_000, 1_800_003_600) };
    await fails(
      'booking.v1.booking.add',
      { fields: { ...fields, resourceIds: 'x' } },
      '422',
      'Parameter resourceIds must be array',
    );
    await fails(
      'booking.v1.booking.add',
      { fields: { ...fields, resourceIds: [r, 'abc'] } },
      '422',
      'Parameter resourceIds must be array of integers',
    );
    for (const datePeriod of [
      period(1_800_000_000, 1_800_003_600, 'Mars/Olympus'),
      period(1_800_000_000, 1_800_000_000),
      period(1_800_003_600, 1_800_000_000),
      period(1_800_000_000, 1_800_003_600, ''),
    ]) {
      await fails('booking.v1.booking.add', { fields: { ...fields, datePeriod } }, '422', 'Invalid date period');
    }
  });

  it('add refuses an empty resource collection and unknown or deleted resources (1018)', async () => {
    const p = period(1_800_000_000, 1_800_003_600);
    await fails(
      'booking.v1.booking.add',
      { fields: { resourceIds: [], datePeriod: p } },
      '1018',
      'Empty resource collection',
    );
    const gone = await addResource();
    await ok('booking.v1.resource.delete', { id: gone });
    const live = await addResource();
    await fails(
      'booking.v1.booking.add',
      { fields: { resourceIds: [live, gone, 999999], datePeriod: p } },
      '1018',
      `Some resources were not found: ${gone}, 999999`,
    );
  });

  it('get of an unknown or deleted id: 1021; without id: 100', async () => {
    await fails('booking.v1.booking.get', { id: 999999 }, '1021', 'Booking not found');
    await fails('booking.v1.booking.get', {}, '100', 'Could not find value for parameter {id}');
  });
});

describe('booking.v1.booking.list', () => {
  it('filters by resource and by period overlap; touching periods are outside', async () => {
    const r1 = await addResource();
    const r2 = await addResource();
    const base = 1_900_000_000;
    const a = await addBooking([r1], base, base + 3600);
    const b = await addBooking([r2], base + 3600, base + 7200);
    const c = await addBooking([r1, r2], base + 1800, base + 5400);
    const list = async (filter: unknown, order: unknown = {}) =>
      (await ok('booking.v1.booking.list', { filter, order })).result.booking.map((x: { id: number }) => x.id);
    expect(await list({ resourceId: [r1] })).toEqual([a, c]);
    expect(await list({ resourceId: [r2], within: { dateFrom: base, dateTo: base + 3600 } })).toEqual([c]);
    expect(await list({ within: { dateFrom: base + 3600, dateTo: base + 3601 } })).toEqual([b, c]);
    expect(await list({ within: { dateFrom: base - 100, dateTo: base } })).toEqual([]);
    expect(await list({ within: { dateFrom: base + 7200, dateTo: base + 9000 } })).toEqual([]);
    expect(await list({ within: { dateFrom: base, dateTo: base + 7200 } }, { dateFrom: 'desc' })).toEqual([b, c, a]);
    expect(await list({ within: { dateFrom: base, dateTo: base + 7200 } }, { dateTo: 'ASC' })).toEqual([a, c, b]);
    // resourceId is applied only as a list; operator-prefixed keys are ignored.
    expect(await list({ resourceId: r1, '>id': a, within: { dateFrom: base, dateTo: base + 7200 } })).toEqual([
      a,
      b,
      c,
    ]);
  });

  it('filters by createdWithin and checks filter objects', async () => {
    const r = await addResource();
    const id = await addBooking([r], 1_950_000_000, 1_950_000_600);
    const today = new Date();
    const dd = (d: Date) =>
      `${String(d.getDate()).padStart(2, '0')}.${String(d.getMonth() + 1).padStart(2, '0')}.${d.getFullYear()}`;
    const tomorrow = new Date(today.getTime() + 86_400_000);
    const ids = async (filter: unknown) =>
      (await ok('booking.v1.booking.list', { filter })).result.booking.map((x: { id: number }) => x.id);
    expect(await ids({ createdWithin: { from: dd(today), to: dd(tomorrow) } })).toContain(id);
    expect(await ids({ createdWithin: { from: dd(tomorrow), to: dd(tomorrow) } })).toEqual([]);
    await fails(
      'booking.v1.booking.list',
      { filter: { createdWithin: { from: 'x', to: 'y' } } },
      '422',
      'Invalid date',
    );
    await fails('booking.v1.booking.list', { filter: { within: { dateFrom: 1 } } }, '0', 'Required fields: dateTo');
    await fails('booking.v1.booking.list', { filter: { within: 5 } }, '0', 'Required fields: within');
    await fails('booking.v1.booking.list', { order: { id: 'sideways' } }, '100', 'Invalid order "SIDEWAYS"');
  });

  it('pages by 50 with start rounded down', async () => {
    const r = await addResource();
    const from = 2_000_000_000;
    const made: number[] = [];
    for (let i = 0; i < 55; i++)
      made.push(await addBooking([r, await addResource()], from + i * 60, from + i * 60 + 30));
    const page = async (start: number) =>
      (await ok('booking.v1.booking.list', { filter: { resourceId: [r] }, start })).result.booking.map(
        (x: { id: number }) => x.id,
      );
    expect(await page(0)).toEqual(made.slice(0, 50));
    expect(await page(75)).toEqual(made.slice(50));
  });
});

describe('booking.v1.booking.update and delete', () => {
  it('update changes only the given fields and records an Update each time', async () => {
    const ids = [await addResource(), await addResource(), await addResource()];
    const id = await addBooking([ids[0] as number], 1_700_000_000, 1_700_000_600, { name: 'Old', description: 'Keep' });
    const body = await ok('booking.v1.booking.update', {
      id,
      fields: {
        name: 'Name',
        resourceIds: ids,
        datePeriod: {
          from: { timestamp: 1723446900, timezone: 'Europe/Berlin' },
          to: { timestamp: 1723447800, timezone: 'Europe/Berlin' },
        },
      },
    });
    expect(body.result).toBe(true);
    expect((await ok('booking.v1.booking.get', { id })).result.booking).toEqual({
      datePeriod: period(1723446900, 1723447800),
      description: 'Keep',
      id,
      name: 'Name',
      resourceIds: ids,
    });
    await ok('booking.v1.booking.update', { id, fields: { description: 'Only this' } });
    expect((await ok('booking.v1.booking.get', { id })).result.booking).toMatchObject({
      name: 'Name',
      description: 'Only this',
      resourceIds: ids,
    });
    expect(await events(id)).toEqual(['onBookingAdd', 'onBookingUpdate', 'onBookingUpdate']);
  });

  it('update refuses: unknown id 1019, empty resources 1018, bad period 422, missing fields 100', async () => {
    const r = await addResource();
    const id = await addBooking([r], 1_700_100_000, 1_700_100_600);
    await fails('booking.v1.booking.update', { id: 999999, fields: { name: 'x' } }, '1019', 'Booking not found');
    await fails('booking.v1.booking.update', { id, fields: { resourceIds: [] } }, '1018', 'Empty resource collection');
    await fails(
      'booking.v1.booking.update',
      { id, fields: { datePeriod: period(1_700_100_600, 1_700_100_000) } },
      '422',
      'Invalid date period',
    );
    await fails('booking.v1.booking.update', { id }, '100', 'Could not find value for parameter {fields}');
    // Nothing of the refused calls was applied.
    expect((await ok('booking.v1.booking.get', { id })).result.booking.resourceIds).toEqual([r]);
  });

  it('delete is soft: the booking is gone everywhere; 1020 after', async () => {
    const r = await addResource();
    const id = await addBooking([r], 1_700_200_000, 1_700_200_600);
    expect((await ok('booking.v1.booking.delete', { id })).result).toBe(true);
    await fails('booking.v1.booking.get', { id }, '1021', 'Booking not found');
    await fails('booking.v1.booking.delete', { id }, '1020', 'booking not found');
    await fails('booking.v1.booking.update', { id, fields: { name: 'x' } }, '1019', 'Booking not found');
    await fails('booking.v1.booking.delete', {}, '100', 'Could not find value for parameter {id}');
    const listed = await ok('booking.v1.booking.list', { filter: { resourceId: [r] } });
    expect(listed.result.booking).toEqual([]);
    expect(await events(id)).toEqual(['onBookingAdd', 'onBookingDelete']);
  });
});

describe('booking.v1.booking.externalData', () => {
  it('set replaces every link (the booking’s own deal too), keeps order and duplicates; set and unset record onBookingUpdate', async () => {
    const r = await addResource();
    const bookingId = await addBooking([r], 1_700_300_000, 1_700_300_600);
    const before = (await ok('booking.v1.booking.externalData.list', { bookingId })).result.externalData;
    const items = [
      { moduleId: 'other', entityTypeId: 'X', value: 'b' },
      { moduleId: 'other', entityTypeId: 'X', value: 'a' },
      { moduleId: 'other', entityTypeId: 'X', value: 'a' },
    ];
    await ok('booking.v1.booking.externalData.set', { bookingId, externalData: items });
    expect((await ok('booking.v1.booking.externalData.list', { bookingId })).result.externalData).toEqual(
      items.map(({ moduleId, entityTypeId, value }) => ({ entityTypeId, moduleId, value })),
    );
    expect(before).toHaveLength(1);
    expect((await ok('booking.v1.booking.externalData.unset', { bookingId })).result).toBe(true);
    expect(await events(bookingId)).toEqual(['onBookingAdd', 'onBookingUpdate', 'onBookingUpdate']);
  });

  it('refuses unknown bookings (1021), missing keys (0), empty values (1019), missing params (100)', async () => {
    const r = await addResource();
    const bookingId = await addBooking([r], 1_700_400_000, 1_700_400_600);
    const link = { moduleId: 'crm', entityTypeId: 'DEAL', value: '1' };
    await fails(
      'booking.v1.booking.externalData.set',
      { bookingId: 999999, externalData: [link] },
      '1021',
      'Booking not found',
    );
    await fails('booking.v1.booking.externalData.list', { bookingId: 999999 }, '1021', 'Booking not found');
    await fails('booking.v1.booking.externalData.unset', { bookingId: 999999 }, '1021', 'Booking not found');
    await fails(
      'booking.v1.booking.externalData.set',
      { bookingId, externalData: [{ moduleId: 'crm' }] },
      '0',
      'Required fields: entityTypeId, value',
    );
    await fails(
      'booking.v1.booking.externalData.set',
      { bookingId, externalData: [{ ...link, value: '' }] },
      '1019',
      'The length of the field "VALUE" must be between 1 and 255 characters',
    );
    await fails(
      'booking.v1.booking.externalData.set',
      { bookingId },
      '100',
      'Could not find value for parameter {externalData}',
    );
    await fails('booking.v1.booking.externalData.list', {}, '100', 'Could not find value for parameter {bookingId}');
  });
});
