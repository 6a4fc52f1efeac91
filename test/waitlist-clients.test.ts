/**
 * booking.v1.clienttype.list and booking.v1.waitlist.client.*: the doc pages' cURL examples and
 * errors, and the deal rule (an entry without clients takes the linked deal's contact and company).
 */
import { describe, expect, it } from 'vitest';
import { fails, ok, recordedEvents } from './support/calls.js';
import { useServer } from './support/server.js';

const server = useServer();
const call = (method: string, params: unknown = {}) => ok(server(), method, params);
const contactOf = (id: number) => ({ id, type: { module: 'crm', code: 'CONTACT' } });
const companyOf = (id: number) => ({ id, type: { module: 'crm', code: 'COMPANY' } });
const listed = (id: number, code: string) => ({ id, type: { code, module: 'crm' } });

async function newEntry(): Promise<number> {
  return (await call('booking.v1.waitlist.add', { fields: { note: 'clients' } })).result;
}
async function clientsOf(waitListId: number) {
  const body = await call('booking.v1.waitlist.client.list', { waitListId });
  expect(body.total).toBe(0);
  return body.result.waitListClient;
}
const linkDeal = (waitListId: number, dealId: number | string, entityTypeId = 'DEAL') =>
  call('booking.v1.waitlist.externalData.set', {
    waitListId,
    externalData: [{ moduleId: 'crm', entityTypeId, value: String(dealId) }],
  });

describe('booking.v1.clienttype.list', () => {
  it('lists the two seeded types as the page shows, with total 0', async () => {
    const body = await call('booking.v1.clienttype.list', {});
    expect(body.result).toEqual({
      clientType: [
        { code: 'COMPANY', module: 'crm' },
        { code: 'CONTACT', module: 'crm' },
      ],
    });
    expect(body.total).toBe(0);
    expect(body).not.toHaveProperty('next');
  });
});

describe('booking.v1.waitlist.client.* cURL examples', () => {
  it('client.set links a contact and a company; client.list shows them; client.unset removes them', async () => {
    const id = await newEntry();
    const set = await call('booking.v1.waitlist.client.set', {
      waitListId: id,
      clients: [contactOf(2795), companyOf(3063)],
    });
    expect(set.result).toBe(true);
    expect(Object.keys(set)).toEqual(['result', 'time']);
    expect(await clientsOf(id)).toEqual([listed(2795, 'CONTACT'), listed(3063, 'COMPANY')]);

    const unset = await call('booking.v1.waitlist.client.unset', { waitListId: id });
    expect(unset.result).toBe(true);
    expect(await clientsOf(id)).toEqual([]);
  });

  it('client.set replaces the whole list, and accepts form encoding', async () => {
    const id = await newEntry();
    await call('booking.v1.waitlist.client.set', { waitListId: id, clients: [contactOf(1), contactOf(2)] });
    const reply = await server().call(
      'booking.v1.waitlist.client.set',
      { waitListId: id, clients: [companyOf(7)] },
      'form',
    );
    expect(reply.status).toBe(200);
    expect(await clientsOf(id)).toEqual([listed(7, 'COMPANY')]);
    await call('booking.v1.waitlist.client.set', { waitListId: id, clients: [] });
    expect(await clientsOf(id)).toEqual([]);
  });

  it('client ids are not checked against CRM, as on the real server; "abc" is cast to 0', async () => {
    const id = await newEntry();
    await call('booking.v1.waitlist.client.set', {
      waitListId: id,
      clients: [contactOf(99999999999), { id: 'abc', type: { module: 'crm', code: 'COMPANY' } }],
    });
    expect(await clientsOf(id)).toEqual([
      listed(99999999999, 'CONTACT'),
      { id: null, type: { code: 'COMPANY', module: 'crm' } },
    ]);
  });

  it('each set and unset records the entry Update event', async () => {
    const id = await newEntry();
    await call('booking.v1.waitlist.client.set', { waitListId: id, clients: [contactOf(1)] });
    await call('booking.v1.waitlist.client.unset', { waitListId: id });
    await call('booking.v1.waitlist.client.unset', { waitListId: id });
    const updates = (await recordedEvents(server())).filter(
      (e) => e.event === 'onBookingWaitListItemUpdate' && JSON.stringify(e.data) === JSON.stringify({ ID: id }),
    );
    expect(updates).toHaveLength(3);
  });
});

describe('booking.v1.waitlist.client.* errors', () => {
  const err = (error: string, error_description: string) => ({ error, error_description });

  it('100 for a missing waitListId or clients', async () => {
    expect(await fails(server(), 'booking.v1.waitlist.client.set', { clients: [] })).toEqual(
      err('100', 'Could not find value for parameter {waitListId}'),
    );
    expect(await fails(server(), 'booking.v1.waitlist.client.set', { waitListId: 1 })).toEqual(
      err('100', 'Could not find value for parameter {clients}'),
    );
    for (const method of ['list', 'unset']) {
      expect(await fails(server(), `booking.v1.waitlist.client.${method}`, {})).toEqual(
        err('100', 'Could not find value for parameter {waitListId}'),
      );
    }
    expect(await fails(server(), 'booking.v1.waitlist.client.list', { waitListId: 'abc' })).toEqual(
      err('100', 'Invalid value {abc} to match with parameter {waitListId}. Should be value of type int.'),
    );
  });

  it('0 Required fields: id, type, module, code (only the missing ones)', async () => {
    const id = await newEntry();
    const set = (clients: unknown) => fails(server(), 'booking.v1.waitlist.client.set', { waitListId: id, clients });
    expect(await set([{ type: { module: 'crm', code: 'CONTACT' } }])).toEqual(err('0', 'Required fields: id'));
    expect(await set([{ id: 1 }])).toEqual(err('0', 'Required fields: type'));
    expect(await set([{}])).toEqual(err('0', 'Required fields: id, type'));
    expect(await set([{ id: 1, type: { code: 'CONTACT' } }])).toEqual(err('0', 'Required fields: module'));
    expect(await set([{ id: 1, type: { module: 'crm' } }])).toEqual(err('0', 'Required fields: code'));
    expect(await set([{ id: 1, type: 'CONTACT' }])).toEqual(err('0', 'Required fields: type'));
  });

  it('422 for a client that is not an object', async () => {
    const id = await newEntry();
    expect(await fails(server(), 'booking.v1.waitlist.client.set', { waitListId: id, clients: ['x'] })).toEqual(
      err('422', "Array's element must be array, string given"),
    );
  });

  it('1025 for an unknown client type, and nothing changes', async () => {
    const id = await newEntry();
    await call('booking.v1.waitlist.client.set', { waitListId: id, clients: [contactOf(5)] });
    for (const type of [
      { module: 'crm', code: 'LEAD' },
      { module: 'CRM', code: 'CONTACT' },
      { module: 'crm', code: 'contact' },
    ]) {
      expect(
        await fails(server(), 'booking.v1.waitlist.client.set', {
          waitListId: id,
          clients: [contactOf(6), { id: 7, type }],
        }),
      ).toEqual(err('1025', 'Client type not found'));
    }
    expect(await clientsOf(id)).toEqual([listed(5, 'CONTACT')]);
  });

  it('1040 for an unknown or deleted entry, checked before the client types', async () => {
    const gone = await newEntry();
    await call('booking.v1.waitlist.delete', { id: gone });
    for (const waitListId of [987654, gone]) {
      expect(
        await fails(server(), 'booking.v1.waitlist.client.set', {
          waitListId,
          clients: [{ id: 1, type: { module: 'x', code: 'y' } }],
        }),
      ).toEqual(err('1040', 'Wait list not found'));
      // parity: booking.v1.waitlist.client.list error:1040
      // parity: booking.v1.waitlist.client.unset error:1040
      for (const method of ['list', 'unset']) {
        expect(await fails(server(), `booking.v1.waitlist.client.${method}`, { waitListId })).toEqual(
          err('1040', 'Wait list not found'),
        );
      }
    }
  });
});

describe('clients from a linked deal', () => {
  async function dealWithClients() {
    const contact = (await call('crm.contact.add', { fields: { NAME: 'Ann' } })).result as number;
    const company = (await call('crm.company.add', { fields: { TITLE: 'Ann Ltd' } })).result as number;
    const deal = (await call('crm.deal.add', { fields: { TITLE: 'Visit', CONTACT_ID: contact, COMPANY_ID: company } }))
      .result as number;
    return { contact, company, deal };
  }

  it('externalData.set with a crm/DEAL link fills an entry without clients', async () => {
    const { contact, company, deal } = await dealWithClients();
    const id = await newEntry();
    await linkDeal(id, deal);
    expect(await clientsOf(id)).toEqual([listed(contact, 'CONTACT'), listed(company, 'COMPANY')]);
  });

  it('takes every contact of the deal', async () => {
    const c1 = (await call('crm.contact.add', { fields: { NAME: 'One' } })).result;
    const c2 = (await call('crm.contact.add', { fields: { NAME: 'Two' } })).result;
    const deal = (await call('crm.deal.add', { fields: { CONTACT_IDS: [c1, c2] } })).result;
    const id = await newEntry();
    await linkDeal(id, deal);
    expect(await clientsOf(id)).toEqual([listed(c1, 'CONTACT'), listed(c2, 'CONTACT')]);
  });

  it('takes the clients of several linked deals, deal by deal in link order, each client once', async () => {
    const [a, b, c] = [await dealWithClients(), await dealWithClients(), await dealWithClients()];
    const shared = (await call('crm.deal.add', { fields: { CONTACT_ID: a.contact, COMPANY_ID: b.company } }))
      .result as number;
    const id = await newEntry();
    const reply = await call('booking.v1.waitlist.externalData.set', {
      waitListId: id,
      externalData: [c.deal, a.deal, shared, b.deal].map((deal) => ({
        moduleId: 'crm',
        entityTypeId: 'DEAL',
        value: String(deal),
      })),
    });
    expect(reply.result).toBe(true);
    expect(await clientsOf(id)).toEqual([
      listed(c.contact, 'CONTACT'),
      listed(c.company, 'COMPANY'),
      listed(a.contact, 'CONTACT'),
      listed(a.company, 'COMPANY'),
      listed(b.company, 'COMPANY'),
      listed(b.contact, 'CONTACT'),
    ]);
  });

  it('leaves an entry that has clients alone', async () => {
    const { deal } = await dealWithClients();
    const id = await newEntry();
    await call('booking.v1.waitlist.client.set', { waitListId: id, clients: [companyOf(42)] });
    await linkDeal(id, deal);
    expect(await clientsOf(id)).toEqual([listed(42, 'COMPANY')]);
  });

  it('needs moduleId crm and entityTypeId DEAL exactly, and skips missing deals silently', async () => {
    const { deal } = await dealWithClients();
    for (const [entityTypeId, value] of [
      ['deal', deal],
      ['DEAL', 99999999],
      ['DEAL', 'abc'],
    ] as const) {
      const id = await newEntry();
      await linkDeal(id, value, entityTypeId);
      expect(await clientsOf(id), `${entityTypeId} ${value}`).toEqual([]);
    }
  });

  it('client.set [] on an entry with clients empties it; a repeated call links the deal clients again', async () => {
    const { contact, company, deal } = await dealWithClients();
    const id = await newEntry();
    await call('booking.v1.waitlist.client.set', { waitListId: id, clients: [contactOf(1)] });
    await linkDeal(id, deal);
    expect(await clientsOf(id)).toEqual([listed(1, 'CONTACT')]);
    await call('booking.v1.waitlist.client.set', { waitListId: id, clients: [] });
    expect(await clientsOf(id)).toEqual([]);
    await call('booking.v1.waitlist.client.set', { waitListId: id, clients: [] });
    expect(await clientsOf(id)).toEqual([listed(contact, 'CONTACT'), listed(company, 'COMPANY')]);
  });

  it('client.unset behaves the same way', async () => {
    const { contact, company, deal } = await dealWithClients();
    const id = await newEntry();
    await linkDeal(id, deal);
    await call('booking.v1.waitlist.client.unset', { waitListId: id });
    expect(await clientsOf(id)).toEqual([]);
    await call('booking.v1.waitlist.client.unset', { waitListId: id });
    expect(await clientsOf(id)).toEqual([listed(contact, 'CONTACT'), listed(company, 'COMPANY')]);
  });

  it('client.set with clients never takes the deal clients', async () => {
    const { deal } = await dealWithClients();
    const id = await newEntry();
    await linkDeal(id, deal);
    await call('booking.v1.waitlist.client.set', { waitListId: id, clients: [companyOf(9)] });
    expect(await clientsOf(id)).toEqual([listed(9, 'COMPANY')]);
  });
});

it('a waitListId beyond any stored id is not found, on every store', async () => {
  for (const method of ['client.list', 'client.unset', 'externalData.list', 'get']) {
    const params = method === 'get' ? { id: 99999999999 } : { waitListId: 99999999999 };
    expect(await fails(server(), `booking.v1.waitlist.${method}`, params), method).toEqual({
      error: '1040',
      error_description: 'Wait list not found',
    });
  }
});

it('parallel client.set calls each replace the whole list: the result is one of them, never a mixture', async () => {
  const id = await newEntry();
  const sets = Array.from({ length: 12 }, (_, i) => [contactOf(100 + i), companyOf(200 + i), contactOf(300 + i)]);
  const replies = await Promise.all(
    sets.map((clients) => server().call('booking.v1.waitlist.client.set', { waitListId: id, clients })),
  );
  expect(replies.map((r) => r.status)).toEqual(sets.map(() => 200));
  const final = await clientsOf(id);
  const asListed = sets.map((clients) => clients.map((c) => listed(c.id, c.type.code)));
  expect(asListed).toContainEqual(final);
});
