/**
 * booking.v1.booking.client.*: every documented error, the replace and primary rules, the
 * Update event; clients moving with createfromwaitlist / createfrombooking; booking.list's
 * client filter; the deal each new booking gets (since 25.1150) and the client push and pull
 * between a booking and its linked deals.
 */
import { describe, expect, it } from 'vitest';
import { fails, ok, recordedEvents } from './support/calls.js';
import { type TestServer, useServer } from './support/server.js';

const server = useServer({ overbooking: false });
const noDeals = useServer({ bookingDeals: false });
const events = async (srv: TestServer = server()) =>
  (await recordedEvents(srv)).map(({ event, data }) => ({ event, data }));
const call = (method: string, params: unknown = {}, srv: TestServer = server()) => ok(srv, method, params);
const err = (error: string, error_description: string) => ({ error, error_description });
const contactOf = (id: number) => ({ id, type: { module: 'crm', code: 'CONTACT' } });
const companyOf = (id: number) => ({ id, type: { module: 'crm', code: 'COMPANY' } });
const listed = (id: number, code: string) => ({ id, type: { code, module: 'crm' } });

let slot = 0;
const resources = new Map<TestServer, number>();
/** A booking on a fresh hour of one resource per server. */
async function newBooking(srv: TestServer = server()): Promise<number> {
  let resourceId = resources.get(srv);
  if (resourceId === undefined) {
    const typeId = (await call('booking.v1.resourceType.add', { fields: { name: 'Room', code: 'room' } }, srv)).result;
    resourceId = (await call('booking.v1.resource.add', { fields: { name: 'Room 1', typeId } }, srv)).result as number;
    resources.set(srv, resourceId);
  }
  const from = 2_000_000_000 + 3600 * slot++;
  const datePeriod = { from: { timestamp: from, timezone: 'UTC' }, to: { timestamp: from + 1800, timezone: 'UTC' } };
  return (await call('booking.v1.booking.add', { fields: { resourceIds: [resourceId], datePeriod } }, srv)).result;
}
async function clientsOf(bookingId: number) {
  const body = await call('booking.v1.booking.client.list', { bookingId });
  expect(Object.keys(body)).toEqual(['result', 'total', 'time']);
  expect(body.total).toBe(0);
  return body.result.bookingClient;
}
async function linksOf(bookingId: number, srv: TestServer = server()) {
  return (await call('booking.v1.booking.externalData.list', { bookingId }, srv)).result.externalData as {
    entityTypeId: string;
    moduleId: string;
    value: string;
  }[];
}
const deal = async (id: number | string) => (await call('crm.deal.get', { id })).result;
const dealLink = (id: number | string) => ({ moduleId: 'crm', entityTypeId: 'DEAL', value: String(id) });

describe('booking.v1.booking.client.set / list / unset', () => {
  it('set links contacts and companies (true), list shows them under bookingClient, unset removes them', async () => {
    const bookingId = await newBooking();
    const set = await call('booking.v1.booking.client.set', { bookingId, clients: [contactOf(1), companyOf(2)] });
    expect(set.result).toBe(true);
    expect(Object.keys(set)).toEqual(['result', 'time']);
    expect(await clientsOf(bookingId)).toEqual([listed(1, 'CONTACT'), listed(2, 'COMPANY')]);
    expect((await call('booking.v1.booking.client.unset', { bookingId })).result).toBe(true);
    expect(await clientsOf(bookingId)).toEqual([]);
  });

  it('set replaces the whole list; [] removes all; form encoding works', async () => {
    const bookingId = await newBooking();
    await call('booking.v1.booking.client.set', { bookingId, clients: [contactOf(1), contactOf(2)] });
    const reply = await server().call('booking.v1.booking.client.set', { bookingId, clients: [companyOf(7)] }, 'form');
    expect(reply.status, reply.text).toBe(200);
    expect(await clientsOf(bookingId)).toEqual([listed(7, 'COMPANY')]);
    await call('booking.v1.booking.client.set', { bookingId, clients: [] });
    expect(await clientsOf(bookingId)).toEqual([]);
  });

  it('each set and unset records onBookingUpdate, even when nothing changed', async () => {
    const bookingId = await newBooking();
    const before = (await recordedEvents(server())).length;
    await call('booking.v1.booking.client.set', { bookingId, clients: [contactOf(1)] });
    await call('booking.v1.booking.client.set', { bookingId, clients: [contactOf(1)] });
    await call('booking.v1.booking.client.unset', { bookingId });
    await call('booking.v1.booking.client.unset', { bookingId });
    expect((await events()).slice(before)).toEqual(
      Array.from({ length: 4 }, () => ({ event: 'onBookingUpdate', data: { ID: bookingId } })),
    );
  });

  it('1021 Booking not found for all three, deleted bookings too; before 1025', async () => {
    const gone = await newBooking();
    await call('booking.v1.booking.delete', { id: gone });
    for (const bookingId of [999999, gone]) {
      const clients = [{ id: 1, type: { module: 'crm', code: 'LEAD' } }];
      expect(await fails(server(), 'booking.v1.booking.client.set', { bookingId, clients })).toEqual(
        err('1021', 'Booking not found'),
      );
      expect(await fails(server(), 'booking.v1.booking.client.list', { bookingId })).toEqual(
        err('1021', 'Booking not found'),
      );
      expect(await fails(server(), 'booking.v1.booking.client.unset', { bookingId })).toEqual(
        err('1021', 'Booking not found'),
      );
    }
  });

  it('1025 Client type not found, and nothing changes', async () => {
    const bookingId = await newBooking();
    await call('booking.v1.booking.client.set', { bookingId, clients: [contactOf(1)] });
    const before = (await recordedEvents(server())).length;
    const clients = [contactOf(2), { id: 3, type: { module: 'crm', code: 'contact' } }];
    expect(await fails(server(), 'booking.v1.booking.client.set', { bookingId, clients })).toEqual(
      err('1025', 'Client type not found'),
    );
    expect(await clientsOf(bookingId)).toEqual([listed(1, 'CONTACT')]);
    expect(await recordedEvents(server())).toHaveLength(before);
  });

  it('0 Required fields (only the missing ones) and 100 for missing parameters', async () => {
    const bookingId = await newBooking();
    const set = (clients: unknown) => fails(server(), 'booking.v1.booking.client.set', { bookingId, clients });
    expect(await set([{ type: { module: 'crm', code: 'CONTACT' } }])).toEqual(err('0', 'Required fields: id'));
    expect(await set([{ id: 1 }])).toEqual(err('0', 'Required fields: type'));
    expect(await set([{ id: 1, type: { code: 'CONTACT' } }])).toEqual(err('0', 'Required fields: module'));
    expect(await set([{ id: 1, type: {} }])).toEqual(err('0', 'Required fields: module, code'));
    expect(await fails(server(), 'booking.v1.booking.client.set', { clients: [] })).toEqual(
      err('100', 'Could not find value for parameter {bookingId}'),
    );
    expect(await fails(server(), 'booking.v1.booking.client.set', { bookingId })).toEqual(
      err('100', 'Could not find value for parameter {clients}'),
    );
    // parity: booking.v1.booking.client.list error:100
    // parity: booking.v1.booking.client.unset error:100
    for (const method of ['list', 'unset']) {
      expect(await fails(server(), `booking.v1.booking.client.${method}`, {})).toEqual(
        err('100', 'Could not find value for parameter {bookingId}'),
      );
    }
  });
});

describe('moves carry the clients', () => {
  it('createfromwaitlist moves the entry’s clients (primary kept); createfrombooking moves them back', async () => {
    const waitListId = (await call('booking.v1.waitlist.add', { fields: { note: 'with clients' } })).result;
    const clients = [companyOf(5), contactOf(9), contactOf(10)];
    await call('booking.v1.waitlist.client.set', { waitListId, clients });
    const typeId = (await call('booking.v1.resourceType.add', { fields: { name: 'Desk', code: 'desk' } })).result;
    const resourceId = (await call('booking.v1.resource.add', { fields: { name: 'Desk', typeId } })).result;
    const datePeriod = {
      from: { timestamp: 2_100_000_000, timezone: 'UTC' },
      to: { timestamp: 2_100_003_600, timezone: 'UTC' },
    };
    const bookingId = (
      await call('booking.v1.booking.createfromwaitlist', {
        waitListId,
        fields: { resourceIds: [resourceId], datePeriod },
      })
    ).result;
    const expected = [listed(5, 'COMPANY'), listed(9, 'CONTACT'), listed(10, 'CONTACT')];
    expect(await clientsOf(bookingId)).toEqual(expected);
    // The entry linked no deal, so the booking got one, with the primary client (first contact).
    const [link] = await linksOf(bookingId);
    expect((await deal(link?.value as string)).CONTACT_ID).toBe('9');

    const entryId = (await call('booking.v1.waitlist.createfrombooking', { bookingId })).result;
    expect((await call('booking.v1.waitlist.client.list', { waitListId: entryId })).result.waitListClient).toEqual(
      expected,
    );
    // Moved, not copied: three client rows in all, each owned by the new entry.
    const rows = await server().server.store.db.selectFrom('booking_client').selectAll().execute();
    const owners = rows.filter((r) => [5, 9, 10].includes(Number(r.client_id))).map((r) => [r.owner_kind, r.owner_id]);
    expect(owners).toEqual([
      ['waitlist', entryId],
      ['waitlist', entryId],
      ['waitlist', entryId],
    ]);
  });

  it('a refused move leaves the clients where they were', async () => {
    const waitListId = (await call('booking.v1.waitlist.add', { fields: {} })).result;
    await call('booking.v1.waitlist.client.set', { waitListId, clients: [contactOf(3)] });
    const datePeriod = { from: { timestamp: 10, timezone: 'UTC' }, to: { timestamp: 20, timezone: 'UTC' } };
    const refused = await fails(server(), 'booking.v1.booking.createfromwaitlist', {
      waitListId,
      fields: { resourceIds: [999999], datePeriod },
    });
    expect(refused.error).toBe('1038');
    expect((await call('booking.v1.waitlist.client.list', { waitListId })).result.waitListClient).toEqual([
      listed(3, 'CONTACT'),
    ]);
  });
});

describe('booking.list filter.client', () => {
  it('matches bookings by their CRM contacts and companies; other entities are ignored', async () => {
    const a = await newBooking();
    const b = await newBooking();
    const c = await newBooking();
    await call('booking.v1.booking.client.set', { bookingId: a, clients: [contactOf(501)] });
    await call('booking.v1.booking.client.set', { bookingId: b, clients: [companyOf(501), contactOf(502)] });
    const list = async (entities: unknown[]) =>
      (
        await call('booking.v1.booking.list', { filter: { client: { entities } }, order: { id: 'ASC' } })
      ).result.booking.map((x: { id: number }) => x.id);
    expect(await list([{ module: 'crm', code: 'CONTACT', id: '501' }])).toEqual([a]);
    expect(await list([{ module: 'crm', code: 'COMPANY', id: 501 }])).toEqual([b]);
    expect(
      await list([
        { module: 'crm', code: 'CONTACT', id: 501 },
        { module: 'crm', code: 'CONTACT', id: 502 },
      ]),
    ).toEqual([a, b]);
    expect(await list([{ module: 'crm', code: 'CONTACT', id: 503 }])).toEqual([]);
    // A LEAD, or another module, is not a client a booking can have: the filter is not applied.
    const all = await list([{ module: 'crm', code: 'LEAD', id: 501 }]);
    expect(all).toEqual(expect.arrayContaining([a, b, c]));
    // A removed client no longer matches.
    await call('booking.v1.booking.client.unset', { bookingId: a });
    expect(await list([{ module: 'crm', code: 'CONTACT', id: 501 }])).toEqual([]);
  });
});

describe('deals for bookings (since 25.1150)', () => {
  it('booking.add creates a deal (source BOOKING, type SERVICES), links it, and records onCrmDealAdd', async () => {
    const before = (await recordedEvents(server())).length;
    const bookingId = await newBooking();
    const links = await linksOf(bookingId);
    expect(links).toEqual([{ entityTypeId: 'DEAL', moduleId: 'crm', value: expect.stringMatching(/^\d+$/) }]);
    const dealId = Number(links[0]?.value);
    expect(await deal(dealId)).toMatchObject({ ID: String(dealId), SOURCE_ID: 'BOOKING', TYPE_ID: 'SERVICES' });
    expect((await events()).slice(before)).toEqual([
      { event: 'onCrmDealAdd', data: { FIELDS: { ID: dealId } } },
      { event: 'onBookingAdd', data: { ID: bookingId } },
    ]);
  });

  it('createfromwaitlist of an entry that links a deal makes no new one', async () => {
    const dealId = (await call('crm.deal.add', { fields: { TITLE: 'Linked' } })).result;
    const waitListId = (await call('booking.v1.waitlist.add', { fields: {} })).result;
    await call('booking.v1.waitlist.externalData.set', { waitListId, externalData: [dealLink(dealId)] });
    const deals = (await call('crm.deal.list', {})).total;
    const typeId = (await call('booking.v1.resourceType.add', { fields: { name: 'Car', code: 'car' } })).result;
    const resourceId = (await call('booking.v1.resource.add', { fields: { name: 'Car', typeId } })).result;
    const datePeriod = {
      from: { timestamp: 2_200_000_000, timezone: 'UTC' },
      to: { timestamp: 2_200_003_600, timezone: 'UTC' },
    };
    const bookingId = (
      await call('booking.v1.booking.createfromwaitlist', {
        waitListId,
        fields: { resourceIds: [resourceId], datePeriod },
      })
    ).result;
    expect(await linksOf(bookingId)).toEqual([{ entityTypeId: 'DEAL', moduleId: 'crm', value: String(dealId) }]);
    expect((await call('crm.deal.list', {})).total).toBe(deals);
  });

  it('with --booking-deals off (bookingDeals: false) no deal is made', async () => {
    const bookingId = await newBooking(noDeals());
    expect(await linksOf(bookingId, noDeals())).toEqual([]);
    expect((await ok(noDeals(), 'crm.deal.list', {})).total).toBe(0);
  });
});

describe('clients between a booking and its linked deals', () => {
  it('externalData.set pushes the booking’s clients into a newly linked deal that has none (onCrmDealUpdate)', async () => {
    const bookingId = await newBooking();
    await call('booking.v1.booking.client.set', { bookingId, clients: [companyOf(77), contactOf(71), contactOf(72)] });
    const empty = (await call('crm.deal.add', { fields: { TITLE: 'Empty' } })).result;
    const before = (await recordedEvents(server())).length;
    await call('booking.v1.booking.externalData.set', { bookingId, externalData: [dealLink(empty)] });
    const pushed = await deal(empty);
    expect(pushed.COMPANY_ID).toBe('77');
    expect(pushed.CONTACT_ID).toBe('71');
    expect((await events()).slice(before)).toEqual([
      { event: 'onCrmDealUpdate', data: { FIELDS: { ID: empty } } },
      { event: 'onBookingUpdate', data: { ID: bookingId } },
    ]);
    // The booking keeps its own clients.
    expect(await clientsOf(bookingId)).toEqual([listed(77, 'COMPANY'), listed(71, 'CONTACT'), listed(72, 'CONTACT')]);
  });

  it('a deal that has a contact or company keeps it; a deal linked before is not pushed again', async () => {
    const bookingId = await newBooking();
    await call('booking.v1.booking.client.set', { bookingId, clients: [contactOf(81)] });
    const owned = (await call('crm.deal.add', { fields: { TITLE: 'Owned', COMPANY_ID: 5 } })).result;
    await call('booking.v1.booking.externalData.set', { bookingId, externalData: [dealLink(owned)] });
    expect(await deal(owned)).toMatchObject({ COMPANY_ID: '5', CONTACT_ID: null });

    const later = (await call('crm.deal.add', { fields: { TITLE: 'Later' } })).result;
    await call('booking.v1.booking.externalData.set', { bookingId, externalData: [dealLink(later)] });
    expect((await deal(later)).CONTACT_ID).toBe('81');
    await call('crm.deal.update', { id: later, fields: { CONTACT_IDS: [] } });
    // Still linked: setting the same link again is not a new link, so nothing is pushed.
    await call('booking.v1.booking.externalData.set', { bookingId, externalData: [dealLink(later)] });
    expect((await deal(later)).CONTACT_ID).toBe(null);
  });

  it('a booking with no clients before and after takes the linked deal’s contacts and company', async () => {
    const contact = (await call('crm.contact.add', { fields: { NAME: 'Ann' } })).result;
    const company = (await call('crm.company.add', { fields: { TITLE: 'Acme' } })).result;
    const full = (await call('crm.deal.add', { fields: { CONTACT_IDS: [contact], COMPANY_ID: company } })).result;
    const bookingId = await newBooking();
    await call('booking.v1.booking.externalData.set', { bookingId, externalData: [dealLink(full)] });
    expect(await clientsOf(bookingId)).toEqual([listed(contact, 'CONTACT'), listed(company, 'COMPANY')]);
    // With the deal still linked, unset empties the list and a repeated unset fills it again
    // (no clients before and none after), as on the wait list.
    await call('booking.v1.booking.client.unset', { bookingId });
    expect(await clientsOf(bookingId)).toEqual([]);
    await call('booking.v1.booking.client.unset', { bookingId });
    expect(await clientsOf(bookingId)).toEqual([listed(contact, 'CONTACT'), listed(company, 'COMPANY')]);
    // A booking that has clients keeps them.
    await call('booking.v1.booking.client.set', { bookingId, clients: [contactOf(1)] });
    await call('booking.v1.booking.externalData.set', { bookingId, externalData: [dealLink(full)] });
    expect(await clientsOf(bookingId)).toEqual([listed(1, 'CONTACT')]);
  });
});
