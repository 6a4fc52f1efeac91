/** crm.item.* over deals, contacts and companies: one record, two faces, the same events. */
import { describe, expect, it } from 'vitest';
import { fails, failsWith, ok, recordedEvents } from './support/calls.js';
import { useServer } from './support/server.js';

const server = useServer();
const call = (method: string, params: unknown = {}) => ok(server(), method, params);
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;

async function eventsOf(name: string) {
  return (await recordedEvents(server())).filter((e) => e.event === name).map((e) => e.data);
}

describe('crm.item.* on deals (entityTypeId 2)', () => {
  it('adds a deal through crm.item.add that crm.deal.get reads, firing onCrmDealAdd', async () => {
    const body = await call('crm.item.add', {
      entityTypeId: 2,
      fields: {
        title: 'Universal deal',
        typeId: 'SERVICE',
        stageId: 'PREPARATION',
        probability: 50,
        currencyId: 'EUR',
        isManualOpportunity: 'Y',
        opportunity: 999.99,
        companyId: 5,
        contactIds: [4, 5],
        begindate: '2024-06-18',
        opened: 'N',
        observers: [2, 3],
        isReccurring: 'Y',
        ufCrm_1721244707107: 1111.1,
      },
    });
    expect(Object.keys(body.result)).toEqual(['item']);
    const item = body.result.item;
    expect(item).toMatchObject({
      title: 'Universal deal',
      typeId: 'SERVICE',
      stageId: 'PREPARATION',
      stageSemanticId: 'P',
      probability: 50,
      currencyId: 'EUR',
      isManualOpportunity: 'Y',
      opportunity: 999.99,
      companyId: 5,
      contactId: 4,
      contactIds: [4, 5],
      opened: 'N',
      observers: [2, 3],
      createdBy: 1,
      updatedBy: 1,
      assignedById: 1,
      movedBy: 1,
      entityTypeId: 2,
    });
    expect(typeof item.id).toBe('number');
    expect(item.createdTime).toMatch(ISO);
    expect(item.begindate).toMatch(ISO);
    expect(item).not.toHaveProperty('isReccurring');
    expect(item).not.toHaveProperty('ufCrm_1721244707107');
    expect(Object.keys(item).at(-1)).toBe('entityTypeId');

    const classic = (await call('crm.deal.get', { id: item.id })).result;
    expect(classic).toMatchObject({
      ID: String(item.id),
      TITLE: 'Universal deal',
      OPPORTUNITY: '999.99',
      CONTACT_ID: '4',
      OPENED: 'N',
      CREATED_BY_ID: '1',
    });
    expect(classic).not.toHaveProperty('OBSERVERS');
    expect(await eventsOf('onCrmDealAdd')).toContainEqual({ FIELDS: { ID: item.id } });
  });

  it('shows a crm.deal.add record through crm.item.get and takes crm.item.update back to crm.deal.get', async () => {
    const id = (await call('crm.deal.add', { fields: { TITLE: 'Classic', OPPORTUNITY: 100 } })).result;
    const got = (await call('crm.item.get', { entityTypeId: 2, id })).result.item;
    expect(got).toMatchObject({ id, title: 'Classic', opportunity: 100, contactIds: [], observers: [] });

    const updated = await call('crm.item.update', {
      entityTypeId: 2,
      id,
      fields: { title: 'Renamed', opportunity: '250.5', isManualOpportunity: true, stageId: 'WON' },
    });
    expect(updated.result.item).toMatchObject({
      id,
      title: 'Renamed',
      opportunity: 250.5,
      isManualOpportunity: 'Y',
      stageId: 'WON',
      stageSemanticId: 'S',
      closed: 'Y',
    });
    const classic = (await call('crm.deal.get', { id })).result;
    expect(classic).toMatchObject({ TITLE: 'Renamed', OPPORTUNITY: '250.50', STAGE_ID: 'WON', CLOSED: 'Y' });
    expect(await eventsOf('onCrmDealUpdate')).toContainEqual({ FIELDS: { ID: id } });
  });

  it('deletes with an empty list as the answer, fires onCrmDealDelete, and the record is gone from both faces', async () => {
    const id = (await call('crm.deal.add', { fields: { TITLE: 'Doomed' } })).result;
    const body = await call('crm.item.delete', { entityTypeId: 2, id });
    expect(body.result).toEqual([]);
    expect(await eventsOf('onCrmDealDelete')).toContainEqual({ FIELDS: { ID: id } });
    await failsWith(server(), 'crm.item.get', { entityTypeId: 2, id }, 'NOT_FOUND', 'Item not found');
    await failsWith(server(), 'crm.deal.get', { id }, '', 'Not found');
    await failsWith(server(), 'crm.item.delete', { entityTypeId: 2, id }, 'NOT_FOUND', 'Item not found');
  });
});

describe('crm.item.* errors', () => {
  it('answers the binder errors in the order of the action signature', async () => {
    await failsWith(server(), 'crm.item.get', {}, '100', 'Could not find value for parameter {id}');
    await failsWith(server(), 'crm.item.get', { id: 1 }, '100', 'Could not find value for parameter {entityTypeId}');
    await failsWith(
      server(),
      'crm.item.add',
      { entityTypeId: 2 },
      '100',
      'Could not find value for parameter {fields}',
    );
    await failsWith(
      server(),
      'crm.item.list',
      { entityTypeId: 'deal' },
      '100',
      'Invalid value {deal} to match with parameter {entityTypeId}. Should be value of type int.',
    );
    await failsWith(
      server(),
      'crm.item.add',
      { entityTypeId: 2, fields: 'title' },
      '100',
      'Invalid value {title} to match with parameter {fields}. Should be value of type array.',
    );
  });

  it('refuses an unknown entityTypeId with NOT_FOUND on every method, and nothing changes', async () => {
    const before = (await call('crm.item.list', { entityTypeId: 2 })).total;
    // The pages call the type a SPA.
    // parity: crm.item.{add,get,list,update,delete,fields} error:"SPA not found"
    for (const [method, params] of [
      ['crm.item.add', { entityTypeId: 999, fields: { title: 'x' } }],
      ['crm.item.get', { entityTypeId: 999, id: 1 }],
      ['crm.item.list', { entityTypeId: 999 }],
      ['crm.item.update', { entityTypeId: 999, id: 1, fields: {} }],
      ['crm.item.delete', { entityTypeId: 999, id: 1 }],
      ['crm.item.fields', { entityTypeId: 999 }],
    ] as const) {
      await failsWith(server(), method, params, 'NOT_FOUND', 'Smart process not found');
    }
    expect((await call('crm.item.list', { entityTypeId: 2 })).total).toBe(before);
  });

  it('refuses a single value for a multiple field, and adds or changes nothing', async () => {
    const before = (await call('crm.item.list', { entityTypeId: 2 })).total;
    await failsWith(
      server(),
      'crm.item.add',
      { entityTypeId: 2, fields: { title: 'x', observers: 3 } },
      '100',
      'Expected iterable value for multiple field, but got integer instead',
    );
    expect((await call('crm.item.list', { entityTypeId: 2 })).total).toBe(before);
    const id = (await call('crm.item.add', { entityTypeId: 2, fields: { title: 'kept', observers: [1] } })).result.item
      .id;
    await failsWith(
      server(),
      'crm.item.update',
      { entityTypeId: 2, id, fields: { title: 'changed', observers: 'x' } },
      '100',
      'Expected iterable value for multiple field, but got string instead',
    );
    const kept = (await call('crm.item.get', { entityTypeId: 2, id })).result.item;
    expect([kept.title, kept.observers]).toEqual(['kept', [1]]);
  });

  it('refuses filter and order keys that name no field, and directions other than ASC and DESC', async () => {
    await failsWith(
      server(),
      'crm.item.list',
      { entityTypeId: 2, filter: { '>=noSuchField': 1 } },
      'INVALID_ARG_VALUE',
      "Invalid filter: field 'NO_SUCH_FIELD' is not allowed in filter",
    );
    await failsWith(
      server(),
      'crm.item.list',
      { entityTypeId: 2, filter: { '>opportunity': 'lots' } },
      'INVALID_ARG_VALUE',
      "Invalid filter: field 'OPPORTUNITY' has invalid value",
    );
    await failsWith(
      server(),
      'crm.item.list',
      { entityTypeId: 2, filter: { '<createdTime': 'yesterday' } },
      'INVALID_ARG_VALUE',
      "Invalid filter: field 'CREATED_TIME' has invalid value",
    );
    await failsWith(
      server(),
      'crm.item.list',
      { entityTypeId: 2, order: { noSuchField: 'ASC' } },
      'INVALID_ARG_VALUE',
      "Invalid order: field 'NO_SUCH_FIELD' is not allowed in order",
    );
    await failsWith(
      server(),
      'crm.item.list',
      { entityTypeId: 2, order: { createdTime: 'UP' } },
      'INVALID_ARG_VALUE',
      "Invalid order: allowed sort directions are ASC, DESC. But got 'UP' for field 'CREATED_TIME'",
    );
  });
});

describe('crm.item.list', () => {
  const COMPANY = 4;
  it('filters with prefixes and nested OR groups, selects and orders by camelCase names', async () => {
    const ids: number[] = [];
    for (const [title, industry, revenue] of [
      ['Alpha list', 'IT', 100],
      ['Beta list', 'MANUFACTURING', 200],
      ['Gamma list', 'IT', 300],
      ['Delta other', 'BANKING', 400],
    ] as const) {
      ids.push(
        (await call('crm.item.add', { entityTypeId: COMPANY, fields: { title, industry, revenue } })).result.item.id,
      );
    }
    const body = await call('crm.item.list', {
      entityTypeId: COMPANY,
      select: ['title', 'revenue'],
      filter: {
        '%title': 'list',
        0: { logic: 'OR', 0: { industry: 'MANUFACTURING' }, 1: { '>=revenue': 300 } },
      },
      order: { revenue: 'DESC' },
    });
    expect(body.result).toEqual({
      items: [
        { id: ids[2], title: 'Gamma list', revenue: 300 },
        { id: ids[1], title: 'Beta list', revenue: 200 },
      ],
    });
    expect(body.total).toBe(2);
    expect(body).not.toHaveProperty('next');

    const notLike = await call('crm.item.list', {
      entityTypeId: COMPANY,
      select: ['id'],
      filter: { '@id': ids, '!%title': 'list' },
    });
    expect(notLike.result.items).toEqual([{ id: ids[3] }]);
  });

  it('pages 120 deals 50 at a time with total and next, and start -1 answers neither', async () => {
    const first = (await call('crm.deal.add', { fields: { TITLE: 'page-0' } })).result as number;
    for (let i = 1; i < 120; i++) await call('crm.deal.add', { fields: { TITLE: `page-${i}` } });
    const seen: number[] = [];
    let start: number | undefined = 0;
    const totals: number[] = [];
    while (start !== undefined) {
      const page = await call('crm.item.list', {
        entityTypeId: 2,
        select: ['id'],
        filter: { '>=id': first },
        start,
      });
      seen.push(...page.result.items.map((i: { id: number }) => i.id));
      totals.push(page.total);
      start = page.next;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect(totals).toEqual([120, 120, 120]);

    const quick = await call('crm.item.list', { entityTypeId: 2, filter: { '>=id': first }, start: -1 });
    expect(quick.result.items).toHaveLength(50);
    expect(quick).not.toHaveProperty('total');
    expect(quick).not.toHaveProperty('next');
  });
});

describe('crm.item.* on contacts (entityTypeId 3)', () => {
  it('takes and shows multi-fields as fm, shared with the classic PHONE and EMAIL', async () => {
    const item = (
      await call('crm.item.add', {
        entityTypeId: 3,
        fields: {
          name: 'Ann',
          lastName: 'Lee',
          fm: [
            { valueType: 'WORK', value: '+100', typeId: 'PHONE' },
            { valueType: 'HOME', value: 'ann@example.com', typeId: 'EMAIL' },
          ],
        },
      })
    ).result.item;
    expect(item).toMatchObject({ name: 'Ann', lastName: 'Lee', hasPhone: 'Y', hasEmail: 'Y', entityTypeId: 3 });
    // The flat aliases: the first value of each kind, "" for none.
    expect(item).toMatchObject({
      phone: '+100',
      phoneWork: '+100',
      phoneMobile: '',
      email: 'ann@example.com',
      emailHome: 'ann@example.com',
      emailWork: '',
    });
    expect(item.fm).toEqual([
      { id: expect.any(Number), valueType: 'WORK', value: '+100', typeId: 'PHONE' },
      { id: expect.any(Number), valueType: 'HOME', value: 'ann@example.com', typeId: 'EMAIL' },
    ]);
    const [phone, email] = item.fm;
    const updated = (
      await call('crm.item.update', {
        entityTypeId: 3,
        id: item.id,
        fields: {
          fm: {
            [phone.id]: { typeId: 'PHONE', valueType: 'MOBILE', value: '+200' },
            [email.id]: { typeId: 'EMAIL', value: '' },
            n0: { typeId: 'WEB', valueType: 'WORK', value: 'example.com' },
          },
        },
      })
    ).result.item;
    expect(updated.fm).toEqual([
      { id: phone.id, valueType: 'MOBILE', value: '+200', typeId: 'PHONE' },
      { id: expect.any(Number), valueType: 'WORK', value: 'example.com', typeId: 'WEB' },
    ]);
    expect(updated.hasEmail).toBe('N');
    const classic = (await call('crm.contact.get', { id: item.id })).result;
    expect(classic.PHONE).toEqual([{ ID: String(phone.id), VALUE_TYPE: 'MOBILE', VALUE: '+200', TYPE_ID: 'PHONE' }]);
    expect(classic).not.toHaveProperty('EMAIL');
  });

  it('describes the fields under their camelCase names with their upper names', async () => {
    const { fields } = (await call('crm.item.fields', { entityTypeId: 3 })).result;
    expect(fields.id).toEqual({
      type: 'integer',
      isRequired: false,
      isReadOnly: true,
      isImmutable: false,
      isMultiple: false,
      isDynamic: false,
      title: 'ID',
      upperName: 'ID',
    });
    expect(fields.createdTime).toMatchObject({ type: 'datetime', isReadOnly: true, upperName: 'CREATED_TIME' });
    expect(fields.opened).toMatchObject({ type: 'boolean' });
    expect(fields.observers).toMatchObject({ type: 'user', isMultiple: true });
    expect(fields).not.toHaveProperty('address');
    expect(fields).not.toHaveProperty('PHONE');
  });

  it('is the contact a deal names through either face', async () => {
    const contactId = (await call('crm.item.add', { entityTypeId: 3, fields: { name: 'Bob' } })).result.item.id;
    const dealId = (await call('crm.deal.add', { fields: { TITLE: 'Bob deal', CONTACT_ID: contactId } })).result;
    const deal = (await call('crm.item.get', { entityTypeId: 2, id: dealId })).result.item;
    expect(deal).toMatchObject({ contactId, contactIds: [contactId] });
    expect(await fails(server(), 'crm.item.get', { entityTypeId: 3, id: 0 })).toEqual({
      error: 'NOT_FOUND',
      error_description: 'Item not found',
    });
  });
});

describe("a contact's companies", () => {
  it('are companyIds in crm.item.*, COMPANY_ID the first; a deleted company leaves them', async () => {
    const company = async (title: string) => (await call('crm.company.add', { fields: { TITLE: title } })).result;
    const [a, b, c] = [await company('A'), await company('B'), await company('C')];
    const { item } = (await call('crm.item.add', { entityTypeId: 3, fields: { name: 'Many', companyIds: [a, b] } }))
      .result;
    expect(item).toMatchObject({ companyId: a, companyIds: [a, b] });
    expect((await call('crm.contact.get', { id: item.id })).result.COMPANY_ID).toBe(String(a));
    await call('crm.contact.update', { id: item.id, fields: { COMPANY_IDS: [c, b] } });
    const got = async () => (await call('crm.item.get', { entityTypeId: 3, id: item.id })).result.item;
    expect(await got()).toMatchObject({ companyId: c, companyIds: [c, b] });
    await call('crm.company.delete', { id: c });
    expect(await got()).toMatchObject({ companyId: b, companyIds: [b] });
    // A contact added through the classic COMPANY_ID has that one company.
    const single = (await call('crm.contact.add', { fields: { NAME: 'One', COMPANY_ID: a } })).result;
    expect((await call('crm.item.get', { entityTypeId: 3, id: single })).result.item.companyIds).toEqual([a]);
    await call('crm.company.delete', { id: a });
    expect((await call('crm.item.get', { entityTypeId: 3, id: single })).result.item).toMatchObject({
      companyId: null,
      companyIds: [],
    });
  });
});

describe('a booking and its deal through crm.item.*', () => {
  it("is the record the booking's crm/DEAL link names, both the deal made for it and one linked by externalData.set", async () => {
    const typeId = (await call('booking.v1.resourceType.add', { fields: { name: 'Room', code: 'room-item' } })).result;
    const resourceId = (await call('booking.v1.resource.add', { fields: { name: 'Room 1', typeId } })).result;
    const datePeriod = (from: number) => ({
      from: { timestamp: from, timezone: 'UTC' },
      to: { timestamp: from + 3600, timezone: 'UTC' },
    });
    const made = (
      await call('booking.v1.booking.add', {
        fields: { resourceIds: [resourceId], datePeriod: datePeriod(1_900_000_000) },
      })
    ).result;
    const links = (await call('booking.v1.booking.externalData.list', { bookingId: made })).result.externalData;
    const dealLink = links.find((l: { entityTypeId: string }) => l.entityTypeId === 'DEAL');
    const createdDeal = (await call('crm.item.get', { entityTypeId: 2, id: Number(dealLink.value) })).result.item;
    expect(createdDeal.id).toBe(Number(dealLink.value));
    expect((await call('crm.deal.get', { id: createdDeal.id })).result.TITLE).toBe(createdDeal.title);

    const own = (await call('crm.item.add', { entityTypeId: 2, fields: { title: 'Linked by hand' } })).result.item;
    await call('booking.v1.booking.externalData.set', {
      bookingId: made,
      externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: String(own.id) }],
    });
    const ownLinks = (await call('booking.v1.booking.externalData.list', { bookingId: made })).result.externalData;
    expect(ownLinks.map((l: { value: string }) => Number(l.value))).toEqual([own.id]);
    expect((await call('crm.item.get', { entityTypeId: 2, id: own.id })).result.item.title).toBe('Linked by hand');
  });
});
