/** crm.deal.*, crm.contact.* and crm.company.*: the doc pages' cURL examples, errors and lists. */
import { describe, expect, it } from 'vitest';
import { fails, ok, recordedEvents } from './support/calls.js';
import { useServer } from './support/server.js';

const server = useServer();
const call = (method: string, params: unknown = {}) => ok(server(), method, params);
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;

/** `date --iso-8601=seconds` as the cURL examples run it. */
function isoSeconds(offsetDays = 0): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return `${d.toISOString().slice(0, 19)}+00:00`;
}

describe('crm.deal.* cURL examples', () => {
  it('crm.deal.add stores the documented fields and answers the new id as an integer', async () => {
    const body = await call('crm.deal.add', {
      FIELDS: {
        TITLE: 'New Deal #1',
        TYPE_ID: 'COMPLEX',
        CATEGORY_ID: 0,
        STAGE_ID: 'PREPARATION',
        IS_RECURRING: 'N',
        IS_RETURN_CUSTOMER: 'Y',
        IS_REPEATED_APPROACH: 'Y',
        PROBABILITY: 99,
        CURRENCY_ID: 'EUR',
        OPPORTUNITY: 1000000,
        IS_MANUAL_OPPORTUNITY: 'Y',
        TAX_VALUE: 0.1,
        COMPANY_ID: 9,
        CONTACT_IDS: [84, 83],
        BEGINDATE: isoSeconds(),
        CLOSEDATE: isoSeconds(10),
        OPENED: 'Y',
        CLOSED: 'N',
        COMMENTS: 'Example comment',
        SOURCE_ID: 'CALLBACK',
        SOURCE_DESCRIPTION: 'Additional information about the source',
        ADDITIONAL_INFO: 'Additional information',
        UTM_SOURCE: 'google',
        UTM_MEDIUM: 'CPC',
        PARENT_ID_1220: 22,
        UF_CRM_1721244482250: 'Hello World!',
      },
      PARAMS: { REGISTER_SONET_EVENT: 'N' },
    });
    expect(Object.keys(body)).toEqual(['result', 'time']);
    expect(Number.isInteger(body.result)).toBe(true);

    const deal = (await call('crm.deal.get', { ID: body.result })).result;
    expect(deal).toMatchObject({
      ID: String(body.result),
      TITLE: 'New Deal #1',
      TYPE_ID: 'COMPLEX',
      STAGE_ID: 'PREPARATION',
      PROBABILITY: '99',
      CURRENCY_ID: 'EUR',
      OPPORTUNITY: '1000000.00',
      IS_MANUAL_OPPORTUNITY: 'Y',
      TAX_VALUE: '0.10',
      LEAD_ID: null,
      COMPANY_ID: '9',
      CONTACT_ID: '84',
      CATEGORY_ID: '0',
      STAGE_SEMANTIC_ID: 'P',
      IS_RETURN_CUSTOMER: 'Y',
      ASSIGNED_BY_ID: '1',
      CREATED_BY_ID: '1',
      COMMENTS: 'Example comment',
      SOURCE_ID: 'CALLBACK',
      UTM_SOURCE: 'google',
      UTM_CAMPAIGN: null,
    });
    expect(deal.BEGINDATE).toMatch(ISO);
    expect(deal.CLOSEDATE).toMatch(ISO);
    expect(deal.DATE_CREATE).toMatch(ISO);
    // Custom and relation fields are not part of this server's deals.
    expect(deal).not.toHaveProperty('UF_CRM_1721244482250');
    expect(deal).not.toHaveProperty('CONTACT_IDS');
  });

  it('crm.deal.get answers the standard fields of the page, in its order', async () => {
    const id = (await call('crm.deal.add', { fields: { TITLE: 'Keys' } })).result;
    const deal = (await call('crm.deal.get', { ID: id })).result;
    expect(Object.keys(deal)).toEqual(
      'ID TITLE TYPE_ID STAGE_ID PROBABILITY CURRENCY_ID OPPORTUNITY IS_MANUAL_OPPORTUNITY TAX_VALUE LEAD_ID COMPANY_ID CONTACT_ID QUOTE_ID BEGINDATE CLOSEDATE ASSIGNED_BY_ID CREATED_BY_ID MODIFY_BY_ID DATE_CREATE DATE_MODIFY OPENED CLOSED COMMENTS ADDITIONAL_INFO LOCATION_ID CATEGORY_ID STAGE_SEMANTIC_ID IS_NEW IS_RECURRING IS_RETURN_CUSTOMER IS_REPEATED_APPROACH SOURCE_ID SOURCE_DESCRIPTION ORIGINATOR_ID ORIGIN_ID MOVED_BY_ID MOVED_TIME LAST_ACTIVITY_TIME UTM_SOURCE UTM_MEDIUM UTM_CAMPAIGN UTM_CONTENT UTM_TERM LAST_ACTIVITY_BY'.split(
        ' ',
      ),
    );
  });

  it('crm.deal.add without a title names the deal "Deal #<id>"', async () => {
    const id = (await call('crm.deal.add', { fields: {} })).result;
    expect((await call('crm.deal.get', { id })).result.TITLE).toBe(`Deal #${id}`);
  });

  it('crm.deal.update changes only the fields given, and a won stage closes the deal', async () => {
    const id = (await call('crm.deal.add', { fields: { TITLE: 'Before', COMMENTS: 'kept', CATEGORY_ID: 0 } })).result;
    const body = await call('crm.deal.update', {
      ID: id,
      FIELDS: {
        TITLE: 'New Deal Title!',
        TYPE_ID: 'GOODS',
        STAGE_ID: 'WON',
        IS_RECCURING: 'Y',
        IS_RETURN_CUSTOMER: 'Y',
        OPPORTUNITY: 9999.99,
        IS_MANUAL_OPPORTUNITY: 'Y',
        ASSIGNED_BY_ID: 1,
        UF_CRM_1725365197310: 'String',
        PARENT_ID_1032: 1,
        CATEGORY_ID: 5,
      },
      PARAMS: { REGISTER_SONET_EVENT: 'N', REGISTER_HISTORY_EVENT: 'N' },
    });
    expect(body.result).toBe(true);
    const deal = (await call('crm.deal.get', { ID: id })).result;
    expect(deal).toMatchObject({
      TITLE: 'New Deal Title!',
      TYPE_ID: 'GOODS',
      STAGE_ID: 'WON',
      STAGE_SEMANTIC_ID: 'S',
      CLOSED: 'Y',
      OPPORTUNITY: '9999.99',
      COMMENTS: 'kept',
      // CATEGORY_ID is immutable: an update leaves it.
      CATEGORY_ID: '0',
    });
  });

  it('crm.deal.delete removes the deal; get then answers Not found', async () => {
    const id = (await call('crm.deal.add', { fields: { TITLE: 'Doomed' } })).result;
    expect((await call('crm.deal.delete', { ID: id })).result).toBe(true);
    expect(await fails(server(), 'crm.deal.get', { ID: id })).toEqual({ error: '', error_description: 'Not found' });
  });

  it('crm.deal.fields describes each field as the page shows', async () => {
    const fields = (await call('crm.deal.fields', {})).result;
    expect(fields.ID).toEqual({
      type: 'integer',
      isRequired: false,
      isReadOnly: true,
      isImmutable: false,
      isMultiple: false,
      isDynamic: false,
      title: 'ID',
    });
    expect(fields.TITLE).toEqual({
      type: 'string',
      isRequired: false,
      isReadOnly: false,
      isImmutable: false,
      isMultiple: false,
      isDynamic: false,
      title: 'Title',
    });
    expect(fields.STAGE_ID).toMatchObject({ type: 'crm_status', statusType: 'DEAL_STAGE' });
    expect(fields.CATEGORY_ID).toMatchObject({ type: 'crm_category', isImmutable: true });
    expect(fields.CONTACT_IDS).toMatchObject({ type: 'crm_contact', isMultiple: true });
  });

  it('crm.deal.list runs the page example: operators, order and select', async () => {
    // The example's deals are in pipeline 1, which a new portal does not have.
    const pipeline = (await call('crm.category.add', { entityTypeId: 2, fields: { name: 'Pipeline 1' } })).result;
    expect(pipeline.category.id).toBe(1);
    const tag = `list-${Date.now()}`;
    const deal = (fields: Record<string, unknown>) =>
      call('crm.deal.add', {
        fields: {
          CATEGORY_ID: 1,
          TYPE_ID: 'COMPLEX',
          STAGE_ID: 'C1:NEW',
          IS_MANUAL_OPPORTUNITY: 'Y',
          ORIGIN_ID: tag,
          ...fields,
        },
      });
    const a1 = (await deal({ TITLE: '[A] Samba', OPPORTUNITY: 19999.99, ASSIGNED_BY_ID: 1 })).result;
    const a2 = (await deal({ TITLE: '[A] Salsa', OPPORTUNITY: 12000, ASSIGNED_BY_ID: 6 })).result;
    const b = (await deal({ TITLE: '[B] Rumba', OPPORTUNITY: 15000, ASSIGNED_BY_ID: 1 })).result;
    await deal({ TITLE: '[B] Sale', OPPORTUNITY: 15000, ASSIGNED_BY_ID: 1 }); // does not end in "a"
    await deal({ TITLE: '[C] Tanga', OPPORTUNITY: 9000, ASSIGNED_BY_ID: 1 }); // amount too low
    await deal({ TITLE: '[C] Tango', OPPORTUNITY: 20000.01, ASSIGNED_BY_ID: 1 }); // amount too high
    await deal({ TITLE: '[D] Polka', OPPORTUNITY: 15000, ASSIGNED_BY_ID: 7 }); // another user
    await deal({ TITLE: '[E] Mamba', OPPORTUNITY: 15000, ASSIGNED_BY_ID: 1, STAGE_ID: 'C1:WON' }); // another stage
    const select = [
      'ID',
      'TITLE',
      'TYPE_ID',
      'CATEGORY_ID',
      'STAGE_ID',
      'OPPORTUNITY',
      'IS_MANUAL_OPPORTUNITY',
      'ASSIGNED_BY_ID',
      'DATE_CREATE',
    ];
    const sixMonthsAgo = new Date(Date.now() - 183 * 86_400_000).toISOString().slice(0, 10);
    const body = await call('crm.deal.list', {
      SELECT: select,
      FILTER: {
        '=%TITLE': '%a',
        CATEGORY_ID: 1,
        TYPE_ID: 'COMPLEX',
        STAGE_ID: 'C1:NEW',
        '>OPPORTUNITY': 10000,
        '<=OPPORTUNITY': 20000,
        IS_MANUAL_OPPORTUNITY: 'Y',
        '@ASSIGNED_BY_ID': [1, 6],
        '>DATE_CREATE': sixMonthsAgo,
        ORIGIN_ID: tag,
      },
      ORDER: { TITLE: 'ASC', OPPORTUNITY: 'ASC' },
    });
    expect(body.result.map((d: { ID: string }) => Number(d.ID))).toEqual([a2, a1, b]);
    expect(body.total).toBe(3);
    expect(body).not.toHaveProperty('next');
    expect(Object.keys(body.result[0])).toEqual(select);
    expect(body.result[0]).toMatchObject({
      TITLE: '[A] Salsa',
      OPPORTUNITY: '12000.00',
      ASSIGNED_BY_ID: '6',
      CATEGORY_ID: '1',
    });
  });
});

describe('CRM filters, order and select', () => {
  const tag = `ops-${Date.now()}`;
  let ids: number[] = [];
  const titles = ['Alpha', 'Beta', 'Gamma', 'Delta', 'alphabet'];
  const find = async (filter: Record<string, unknown>, order: Record<string, unknown> = {}) => {
    const body = await call('crm.deal.list', { filter: { ORIGIN_ID: tag, ...filter }, order, select: ['ID'] });
    return body.result.map((d: { ID: string }) => ids.indexOf(Number(d.ID)));
  };

  it('prepares five deals', async () => {
    ids = [];
    for (const [i, TITLE] of titles.entries()) {
      ids.push((await call('crm.deal.add', { fields: { TITLE, OPPORTUNITY: (i + 1) * 100, ORIGIN_ID: tag } })).result);
    }
  });

  it('= (and no prefix) matches exactly', async () => {
    expect(await find({ TITLE: 'Beta' })).toEqual([1]);
    expect(await find({ '=OPPORTUNITY': 300 })).toEqual([2]);
  });

  it('! and != exclude', async () => {
    expect(await find({ '!TITLE': 'Beta' })).toEqual([0, 2, 3, 4]);
    expect(await find({ '!=OPPORTUNITY': 100 })).toEqual([1, 2, 3, 4]);
  });

  it('>, <, >=, <= compare', async () => {
    expect(await find({ '>OPPORTUNITY': 300 })).toEqual([3, 4]);
    expect(await find({ '<OPPORTUNITY': 300 })).toEqual([0, 1]);
    expect(await find({ '>=OPPORTUNITY': 300 })).toEqual([2, 3, 4]);
    expect(await find({ '<=OPPORTUNITY': 300 })).toEqual([0, 1, 2]);
    expect(await find({ '>ID': ids[3] })).toEqual([4]);
  });

  it('% finds a substring in any case; =% takes the pattern as given', async () => {
    expect(await find({ '%TITLE': 'ALPH' })).toEqual([0, 4]);
    expect(await find({ '%TITLE': 'ta' })).toEqual([1, 3]);
    expect(await find({ '=%TITLE': 'al%' })).toEqual([0, 4]);
    expect(await find({ '%=TITLE': '%a' })).toEqual([0, 1, 2, 3]);
  });

  it('@ and !@ take lists; unknown fields are ignored', async () => {
    expect(await find({ '@ID': [ids[1], ids[3]] })).toEqual([1, 3]);
    expect(await find({ '!@ID': [ids[1], ids[3]] })).toEqual([0, 2, 4]);
    expect(await find({ NO_SUCH_FIELD: 'x' })).toEqual([0, 1, 2, 3, 4]);
  });

  it('orders by several fields, ASC or DESC in any case', async () => {
    expect(await find({}, { OPPORTUNITY: 'desc' })).toEqual([4, 3, 2, 1, 0]);
    // Text is ordered without regard to case, as Bitrix24's MySQL collation orders it.
    expect(await find({}, { TITLE: 'ASC' })).toEqual([0, 4, 1, 3, 2]);
    expect(await find({}, { TITLE: 'desc', OPPORTUNITY: 'asc' })).toEqual([2, 3, 1, 4, 0]);
    expect(await find({}, { ID: 'DESC' })).toEqual([4, 3, 2, 1, 0]);
  });

  it('select answers only the fields it names; * answers all', async () => {
    const named = await call('crm.deal.list', { filter: { ORIGIN_ID: tag }, select: ['TITLE', 'OPPORTUNITY'] });
    expect(named.result[0]).toEqual({ TITLE: 'Alpha', OPPORTUNITY: '100.00' });
    const all = await call('crm.deal.list', { filter: { ORIGIN_ID: tag }, select: ['*'] });
    expect(Object.keys(all.result[0])).toContain('STAGE_SEMANTIC_ID');
    expect(all.result[0].ID).toBe(String(ids[0]));
  });
});

describe('CRM paging', () => {
  it('pages 120 deals 50/50/20, with next 50, 100 and then none, and total 120', async () => {
    const tag = `page-${Date.now()}`;
    for (let i = 0; i < 120; i++) await call('crm.deal.add', { fields: { TITLE: `P${i}`, ORIGIN_ID: tag } });
    const page = (start: number) => call('crm.deal.list', { filter: { ORIGIN_ID: tag }, select: ['ID'], start });
    const first = await page(0);
    const second = await page(50);
    const third = await page(100);
    expect([first.result.length, second.result.length, third.result.length]).toEqual([50, 50, 20]);
    expect([first.next, second.next, third.next]).toEqual([50, 100, undefined]);
    expect([first.total, second.total, third.total]).toEqual([120, 120, 120]);
    expect(Object.keys(first)).toEqual(['result', 'next', 'total', 'time']);
    const all = [...first.result, ...second.result, ...third.result].map((d: { ID: string }) => d.ID);
    expect(new Set(all).size).toBe(120);
    // start is rounded down to a page boundary, as for every list.
    expect((await page(75)).result).toEqual(second.result);
  });
});

describe('CRM errors', () => {
  const entities = [
    { name: 'deal', update: 'Not found', remove: { error: '', error_description: 'Not found' } },
    {
      name: 'contact',
      update: 'Contact is not found',
      remove: { error: 'ERROR_CORE', error_description: 'Element not found' },
    },
    {
      name: 'company',
      update: 'Company is not found',
      remove: { error: '', error_description: 'Company is not found' },
    },
  ];
  const err = (text: string) => ({ error: '', error_description: text });

  for (const entity of entities) {
    const m = (action: string) => `crm.${entity.name}.${action}`;

    it(`crm.${entity.name}: fields and params must be arrays`, async () => {
      // parity: crm.{deal,contact,company}.add error:"Parameter 'fields' must be" error:"Parameter 'params' must be"
      // parity: crm.{deal,contact,company}.update error:"Parameter 'fields' must be" error:"Parameter 'params' must be"
      expect(await fails(server(), m('add'), { fields: 'x' })).toEqual(err("Parameter 'fields' must be array."));
      expect(await fails(server(), m('add'), { fields: {}, params: 'x' })).toEqual(
        err("Parameter 'params' must be array."),
      );
      // The fields check comes before the ID check on update.
      expect(await fails(server(), m('update'), { id: 0, fields: 'x' })).toEqual(
        err("Parameter 'fields' must be array."),
      );
      expect(await fails(server(), m('update'), { id: 1, FIELDS: {}, PARAMS: 5 })).toEqual(
        err("Parameter 'params' must be array."),
      );
    });

    it(`crm.${entity.name}: a missing or invalid ID`, async () => {
      // parity: crm.{deal,contact,company}.get error:"ID is not defined or invalid"
      // parity: crm.{deal,contact,company}.update error:"ID is not defined or invalid"
      // parity: crm.{deal,contact,company}.delete error:"ID is not defined or invalid"
      for (const params of [{}, { ID: 0 }, { id: 'abc' }, { ID: -4 }]) {
        for (const action of ['get', 'update', 'delete']) {
          expect(await fails(server(), m(action), params), `${action} ${JSON.stringify(params)}`).toEqual(
            err('ID is not defined or invalid.'),
          );
        }
      }
    });

    it(`crm.${entity.name}: an unknown ID, with each method's text`, async () => {
      // parity: crm.{deal,contact,company}.get error:"Not found"
      // parity: crm.deal.update error:"Not found"
      // parity: crm.contact.update error:"Contact is not found"
      // parity: crm.company.update error:"Company is not found"
      // parity: crm.deal.delete error:"Not found"
      // parity: crm.contact.delete error:"Element not found"
      // parity: crm.company.delete error:"Company is not found"
      expect(await fails(server(), m('get'), { ID: 999999 })).toEqual(err('Not found'));
      expect(await fails(server(), m('update'), { ID: 999999, FIELDS: {} })).toEqual(err(entity.update));
      expect(await fails(server(), m('delete'), { ID: 999999 })).toEqual(entity.remove);
    });

    it(`crm.${entity.name}.list: order and filter must be arrays, order checked first`, async () => {
      // parity: crm.{deal,contact,company}.list error:"Parameter 'order' must be" error:"Parameter 'filter' must be"
      expect(await fails(server(), m('list'), { order: 'x', filter: 'y' })).toEqual(
        err("Parameter 'order' must be array."),
      );
      expect(await fails(server(), m('list'), { filter: 'y' })).toEqual(err("Parameter 'filter' must be array."));
    });

    it(`crm.${entity.name}: records its Add, Update and Delete events with data {FIELDS: {ID}}`, async () => {
      const id = (await call(m('add'), { fields: {} })).result;
      await call(m('update'), { id, fields: {} });
      await call(m('delete'), { id });
      const Name = entity.name.charAt(0).toUpperCase() + entity.name.slice(1);
      const events = (await recordedEvents(server())).filter(
        (e) => JSON.stringify(e.data) === JSON.stringify({ FIELDS: { ID: id } }) && e.event.startsWith(`onCrm${Name}`),
      );
      expect(events.map((e) => e.event)).toEqual([`onCrm${Name}Add`, `onCrm${Name}Update`, `onCrm${Name}Delete`]);
    });
  }

  it('a refused write changes nothing', async () => {
    const before = (await call('crm.deal.list', {})).total;
    await fails(server(), 'crm.deal.add', { fields: ['a'], params: 'x' });
    expect((await call('crm.deal.list', {})).total).toBe(before);
  });

  it('reads parameters under FIELDS, fields, Fields and arFields, and ID before id', async () => {
    for (const key of ['FIELDS', 'fields', 'Fields', 'arFields']) {
      const id = (await call('crm.deal.add', { [key]: { TITLE: key } })).result;
      expect((await call('crm.deal.get', { id })).result.TITLE).toBe(key);
    }
    const id = (await call('crm.deal.add', { fields: { TITLE: 'by ID' } })).result;
    expect((await call('crm.deal.get', { ID: id, id: 999999 })).result.TITLE).toBe('by ID');
  });

  it('CRM methods need the crm scope', async () => {
    const { startTestServer } = await import('./support/server.js');
    const limited = await startTestServer({ webhooks: ['5:bookingonly00000:booking'] });
    try {
      const reply = await limited.request(`${limited.url}/rest/5/bookingonly00000/crm.deal.list`, {});
      expect(reply.status).toBe(403);
      expect(reply.body.error).toBe('insufficient_scope');
    } finally {
      await limited.server.close();
    }
  });
});

describe('crm.contact.* cURL examples', () => {
  it('crm.contact.add with phones and e-mails; get shows them with their ids and types', async () => {
    const id = (
      await call('crm.contact.add', {
        FIELDS: {
          HONORIFIC: 'HNR_RU_1',
          NAME: 'John',
          SECOND_NAME: 'Doe',
          LAST_NAME: 'Smith',
          PHOTO: { fileData: '**put_photo_data_here**' },
          BIRTHDATE: '11.11.2001',
          TYPE_ID: 'PARTNER',
          SOURCE_ID: 'WEB',
          SOURCE_DESCRIPTION: '*Additional information about the source*',
          POST: 'Administrator',
          COMMENTS: 'comment',
          OPENED: 'Y',
          EXPORT: 'N',
          ASSIGNED_BY_ID: 6,
          COMPANY_ID: 12,
          COMPANY_IDS: [12, 13, 15],
          UTM_SOURCE: 'google',
          UTM_MEDIUM: 'CPC',
          UTM_CAMPAIGN: 'summer_sale',
          UTM_CONTENT: 'header_banner',
          UTM_TERM: 'discount',
          PHONE: [
            { VALUE: '+1333333555', VALUE_TYPE: 'WORK' },
            { VALUE: '+15599888666', VALUE_TYPE: 'HOME' },
          ],
          EMAIL: [
            { VALUE: 'john.smith@example.mailing', VALUE_TYPE: 'MAILING' },
            { VALUE: 'john.smith@example.work', VALUE_TYPE: 'WORK' },
          ],
          UF_CRM_1720697698689: 'Example value',
          PARENT_ID_1224: 12,
        },
      })
    ).result;
    expect(Number.isInteger(id)).toBe(true);
    const contact = (await call('crm.contact.get', { ID: id })).result;
    expect(contact).toMatchObject({
      ID: String(id),
      NAME: 'John',
      LAST_NAME: 'Smith',
      POST: 'Administrator',
      TYPE_ID: 'PARTNER',
      COMPANY_ID: '12',
      EXPORT: 'N',
      HAS_PHONE: 'Y',
      HAS_EMAIL: 'Y',
      HAS_IMOL: 'N',
      ASSIGNED_BY_ID: '6',
    });
    expect(contact.BIRTHDATE).toMatch(/^2001-11-11T00:00:00[+-]\d\d:\d\d$/);
    expect(contact.PHONE).toEqual([
      { ID: expect.stringMatching(/^\d+$/), VALUE_TYPE: 'WORK', VALUE: '+1333333555', TYPE_ID: 'PHONE' },
      { ID: expect.stringMatching(/^\d+$/), VALUE_TYPE: 'HOME', VALUE: '+15599888666', TYPE_ID: 'PHONE' },
    ]);
    expect(contact.EMAIL.map((e: { VALUE_TYPE: string }) => e.VALUE_TYPE)).toEqual(['MAILING', 'WORK']);
    expect(contact).not.toHaveProperty('WEB');
  });

  it('crm.contact.update changes given fields; multi-field values by ID are changed or deleted, others added', async () => {
    const id = (await call('crm.contact.add', { fields: { NAME: 'Ann', PHONE: [{ VALUE: '111' }, { VALUE: '222' }] } }))
      .result;
    const [p1, p2] = (await call('crm.contact.get', { id })).result.PHONE;
    expect(p1.VALUE_TYPE).toBe('WORK');
    expect(
      (
        await call('crm.contact.update', {
          ID: id,
          FIELDS: {
            BIRTHDATE: '11.11.1999',
            TYPE_ID: 'RECOMMENDATION',
            POST: 'Network Administrator',
            OPENED: 'N',
            PHONE: [{ ID: p1.ID, VALUE: '333', VALUE_TYPE: 'MOBILE' }, { ID: p2.ID, DELETE: 'Y' }, { VALUE: '444' }],
          },
          PARAMS: { REGISTER_SONET_EVENT: 'N' },
        })
      ).result,
    ).toBe(true);
    const contact = (await call('crm.contact.get', { id })).result;
    expect(contact).toMatchObject({
      NAME: 'Ann',
      TYPE_ID: 'RECOMMENDATION',
      POST: 'Network Administrator',
      OPENED: 'N',
    });
    expect(contact.PHONE.map((p: { VALUE: string; VALUE_TYPE: string }) => `${p.VALUE}/${p.VALUE_TYPE}`)).toEqual([
      '333/MOBILE',
      '444/WORK',
    ]);
    await call('crm.contact.update', {
      id,
      fields: {
        PHONE: [
          { ID: contact.PHONE[0].ID, VALUE: '' },
          { ID: contact.PHONE[1].ID, DELETE: 'Y' },
        ],
      },
    });
    const after = (await call('crm.contact.get', { id })).result;
    expect(after).not.toHaveProperty('PHONE');
    expect(after.HAS_PHONE).toBe('N');
  });

  it('crm.contact.list runs the page example, e-mail filter included', async () => {
    const tag = `c-${Date.now()}`;
    const add = (fields: Record<string, unknown>) =>
      call('crm.contact.add', { fields: { SOURCE_ID: 'CRM_FORM', ASSIGNED_BY_ID: 1, ORIGIN_ID: tag, ...fields } });
    const match = (await add({ NAME: 'Ivan', LAST_NAME: 'Ivanov', EMAIL: [{ VALUE: 'special-for@example.com' }] }))
      .result;
    await add({ NAME: 'Ivan', LAST_NAME: 'Ivanov', EMAIL: [{ VALUE: 'other@example.com' }] });
    await add({ NAME: 'Olga', LAST_NAME: 'Ivanova', EMAIL: [{ VALUE: 'special-for@example.com' }] });
    const body = await call('crm.contact.list', {
      FILTER: {
        SOURCE_ID: 'CRM_FORM',
        '!=NAME': '',
        '!=LAST_NAME': '',
        '=%NAME': 'I%',
        '=%LAST_NAME': 'I%',
        EMAIL: 'special-for@example.com',
        '@ASSIGNED_BY_ID': [1, 6],
        IMPORT: 'Y',
        '>=DATE_CREATE': new Date(Date.now() - 183 * 86_400_000).toISOString().slice(0, 10),
        ORIGIN_ID: tag,
      },
      ORDER: { LAST_NAME: 'ASC', NAME: 'ASC' },
      SELECT: ['ID', 'NAME', 'LAST_NAME', 'EMAIL', 'EXPORT', 'ASSIGNED_BY_ID', 'DATE_CREATE'],
    });
    expect(body.total).toBe(1);
    expect(body.result).toEqual([
      {
        ID: String(match),
        NAME: 'Ivan',
        LAST_NAME: 'Ivanov',
        EXPORT: 'Y',
        ASSIGNED_BY_ID: '1',
        DATE_CREATE: expect.stringMatching(ISO),
        EMAIL: [{ ID: expect.any(String), VALUE_TYPE: 'WORK', VALUE: 'special-for@example.com', TYPE_ID: 'EMAIL' }],
      },
    ]);
  });

  it('crm.contact.fields describes PHONE and EMAIL as multiple crm_multifield', async () => {
    const fields = (await call('crm.contact.fields', {})).result;
    expect(fields.PHONE).toEqual({
      type: 'crm_multifield',
      isRequired: false,
      isReadOnly: false,
      isImmutable: false,
      isMultiple: true,
      isDynamic: false,
      title: 'Phone',
    });
    expect(fields.EMAIL).toMatchObject({ type: 'crm_multifield', isMultiple: true });
    expect(fields.NAME).toMatchObject({ type: 'string', isReadOnly: false });
  });
});

describe('crm.company.* cURL examples', () => {
  it('crm.company.add, get, update, list and delete as their pages run them', async () => {
    const id = (
      await call('crm.company.add', {
        fields: {
          TITLE: 'John Doe LLC',
          COMPANY_TYPE: 'CUSTOMER',
          INDUSTRY: 'MANUFACTURING',
          EMPLOYEES: 'EMPLOYEES_2',
          CURRENCY_ID: 'USD',
          REVENUE: 3000000,
          OPENED: 'Y',
          ASSIGNED_BY_ID: 1,
          PHONE: [{ VALUE: '555888', VALUE_TYPE: 'WORK' }],
        },
        params: { REGISTER_SONET_EVENT: 'Y' },
      })
    ).result;
    expect(Number.isInteger(id)).toBe(true);
    expect((await call('crm.company.get', { ID: id })).result).toMatchObject({
      ID: String(id),
      TITLE: 'John Doe LLC',
      INDUSTRY: 'MANUFACTURING',
      REVENUE: '3000000.00',
      HAS_PHONE: 'Y',
      IS_MY_COMPANY: 'N',
      PHONE: [{ ID: expect.any(String), VALUE_TYPE: 'WORK', VALUE: '555888', TYPE_ID: 'PHONE' }],
    });

    await call('crm.company.update', {
      ID: id,
      FIELDS: { CURRENCY_ID: 'EUR', REVENUE: 500000, EMPLOYEES: 'EMPLOYEES_3' },
      PARAMS: { REGISTER_SONET_EVENT: 'Y', REGISTER_HISTORY_EVENT: 'Y' },
    });
    expect((await call('crm.company.get', { ID: id })).result).toMatchObject({
      TITLE: 'John Doe LLC',
      CURRENCY_ID: 'EUR',
      REVENUE: '500000.00',
      EMPLOYEES: 'EMPLOYEES_3',
    });

    const list = await call('crm.company.list', {
      ORDER: { DATE_CREATE: 'ASC' },
      FILTER: { COMPANY_TYPE: 'CUSTOMER', '>=DATE_CREATE': '2025-01-01', ID: id },
      SELECT: ['TITLE', 'ASSIGNED_BY_ID', 'PHONE'],
    });
    // Naming a multi-field brings the ID along, to match the values to their company.
    expect(list.result).toEqual([
      {
        ID: String(id),
        TITLE: 'John Doe LLC',
        ASSIGNED_BY_ID: '1',
        PHONE: [{ ID: expect.any(String), VALUE_TYPE: 'WORK', VALUE: '555888', TYPE_ID: 'PHONE' }],
      },
    ]);
    expect(list.total).toBe(1);

    expect((await call('crm.company.delete', { ID: id })).result).toBe(true);
    expect(await fails(server(), 'crm.company.get', { ID: id })).toEqual({ error: '', error_description: 'Not found' });
  });
});

describe('what a delete does to links', () => {
  it('a deleted contact leaves its deals; the next contact becomes the deal primary', async () => {
    const c1 = (await call('crm.contact.add', { fields: { NAME: 'One' } })).result;
    const c2 = (await call('crm.contact.add', { fields: { NAME: 'Two' } })).result;
    const deal = (await call('crm.deal.add', { fields: { CONTACT_IDS: [c1, c2] } })).result;
    expect((await call('crm.deal.get', { id: deal })).result.CONTACT_ID).toBe(String(c1));
    await call('crm.contact.delete', { id: c1 });
    expect((await call('crm.deal.get', { id: deal })).result.CONTACT_ID).toBe(String(c2));
    await call('crm.contact.delete', { id: c2 });
    expect((await call('crm.deal.get', { id: deal })).result.CONTACT_ID).toBeNull();
  });

  it('a deleted company leaves its deals and contacts', async () => {
    const company = (await call('crm.company.add', { fields: { TITLE: 'Gone Ltd' } })).result;
    const contact = (await call('crm.contact.add', { fields: { NAME: 'Emp', COMPANY_ID: company } })).result;
    const deal = (await call('crm.deal.add', { fields: { COMPANY_ID: company } })).result;
    await call('crm.company.delete', { id: company });
    expect((await call('crm.deal.get', { id: deal })).result.COMPANY_ID).toBeNull();
    expect((await call('crm.contact.get', { id: contact })).result.COMPANY_ID).toBeNull();
  });

  it('links to records that do not exist are stored as given, as Bitrix24 does not check them', async () => {
    const deal = (await call('crm.deal.add', { fields: { COMPANY_ID: 987654, CONTACT_ID: 876543 } })).result;
    expect((await call('crm.deal.get', { id: deal })).result).toMatchObject({
      COMPANY_ID: '987654',
      CONTACT_ID: '876543',
    });
  });
});

describe('bad input never fails the server', () => {
  it('answers ids and values beyond any column with not found or drops them', async () => {
    expect(await fails(server(), 'crm.deal.get', { ID: '99999999999999' })).toEqual({
      error: '',
      error_description: 'Not found',
    });
    expect(await fails(server(), 'crm.contact.update', { ID: 99999999999999, fields: {} })).toEqual({
      error: '',
      error_description: 'Contact is not found',
    });
    const id = (await call('crm.deal.add', { fields: { TITLE: 'Big', COMPANY_ID: 99999999999999, PROBABILITY: 5 } }))
      .result;
    expect((await call('crm.deal.get', { id })).result).toMatchObject({ COMPANY_ID: null, PROBABILITY: '5' });
    for (const filter of [
      { '>ID': 99999999999999 },
      { '@COMPANY_ID': [99999999999999, 'x', { a: 1 }] },
      { '>DATE_CREATE': 'not a date' },
      { '%TITLE': { a: 1 } },
      { OPPORTUNITY: 'abc' },
    ]) {
      const reply = await server().call('crm.deal.list', { filter, order: { TITLE: { a: 1 } }, select: 'TITLE' });
      expect(reply.status, JSON.stringify(filter)).toBe(200);
    }
  });
});
