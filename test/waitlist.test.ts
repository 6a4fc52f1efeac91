/**
 * The wait list over real HTTP, as the real Bitrix24 booking module behaves
 * (research/real-server.md, sections 5 to 7 and 9): every documented error, external data,
 * notes, soft delete, paging, the createdWithin filter and the events each write records.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Encoding, type TestServer, useServer } from './support/server.js';

type Params = Record<string, unknown>;

const server = useServer();

const call = (method: string, params: unknown, encoding?: Encoding, on: TestServer = server()) =>
  on.call(`booking.v1.waitlist.${method}`, params, encoding);

async function addEntry(note: string | null = 'Note', on: TestServer = server()): Promise<number> {
  const reply = await call('add', { fields: note === null ? {} : { note } }, 'json', on);
  expect(reply.status, reply.text).toBe(200);
  return reply.body.result as number;
}

async function deletedEntry(): Promise<number> {
  const id = await addEntry();
  expect((await call('delete', { id })).body.result).toBe(true);
  return id;
}

async function setLinks(id: number, externalData: unknown) {
  const reply = await call('externalData.set', { waitListId: id, externalData });
  expect(reply.status, reply.text).toBe(200);
  expect(reply.body.result).toBe(true);
}

async function linksOf(id: number) {
  const reply = await call('externalData.list', { waitListId: id });
  expect(reply.status, reply.text).toBe(200);
  return reply.body.result.externalData;
}

async function noteOf(id: number) {
  const reply = await call('get', { id });
  expect(reply.status, reply.text).toBe(200);
  return reply.body.result.waitList.note;
}

const deal = (value: string) => ({ moduleId: 'crm', entityTypeId: 'DEAL', value });
/** An external-data item as the server lists it (keys in natural order). */
const listed = (value: string | null, moduleId = 'crm', entityTypeId = 'DEAL') => ({ entityTypeId, moduleId, value });

/** Every row the server holds, to show that a refused call changed nothing. */
async function snapshot() {
  const { db } = server().server.store;
  return {
    entries: await db.selectFrom('wait_list_item').selectAll().orderBy('id').execute(),
    links: await db.selectFrom('wait_list_external_data').selectAll().orderBy('id').execute(),
    // Not `dispatched_at`: the delivery worker sets it in the background after a write.
    events: await db
      .selectFrom('event_outbox')
      .select(['id', 'event', 'payload', 'created_at'])
      .orderBy('id')
      .execute(),
  };
}

/** The events recorded after `afterId`, as `{event, data}`. */
async function eventsAfter(afterId: number) {
  const rows = await server().server.store.read(({ outbox }) => outbox.list(10_000, afterId));
  return rows.map(({ event, data }) => ({ event, data }));
}

async function lastEventId(): Promise<number> {
  const rows = await server().server.store.read(({ outbox }) => outbox.list(100_000));
  return rows.at(-1)?.id ?? 0;
}

// ---------------------------------------------------------------------------------------------

describe('documented errors', () => {
  const missing = (name: string) => ['100', `Could not find value for parameter {${name}}`] as const;
  const notInt = (value: string, name: string) =>
    ['100', `Invalid value {${value}} to match with parameter {${name}}. Should be value of type int.`] as const;
  const notArray = (value: string, name: string) =>
    ['100', `Invalid value {${value}} to match with parameter {${name}}. Should be value of type array.`] as const;
  const required = (names: string) => ['0', `Required fields: ${names}`] as const;
  const notFound = ['1040', 'Wait list not found'] as const;
  const notFoundOnDelete = ['1036', 'wait list item not found'] as const;
  const itemNotArray = ['422', "Array's element must be array, string given"] as const;
  // The table below, by method:
  // parity: booking.v1.waitlist.{add,get,update,delete} error:"Could not find value for parameter"
  // parity: booking.v1.waitlist.{externalData.set,externalData.list,externalData.unset} error:"Could not find value for parameter"
  // parity: booking.v1.waitlist.{get,update,delete} error:"Should be value of type int"
  // parity: booking.v1.waitlist.{externalData.set,externalData.list,externalData.unset} error:"Should be value of type int"
  // parity: booking.v1.waitlist.{add,externalData.set} error:"Should be value of type array"
  // parity: booking.v1.waitlist.{get,update,externalData.set,externalData.list,externalData.unset} error:1040
  // parity: booking.v1.waitlist.delete error:1036
  // parity: booking.v1.waitlist.list error:"Required fields" error:422
  // parity: booking.v1.waitlist.externalData.set error:422 error:"Required fields"
  const invalidDate = ['422', 'Invalid date'] as const;

  /** `live`: an entry with a note and a link; `deleted`: a soft-deleted one; `unknown`: never made. */
  type Target = 'live' | 'deleted' | 'unknown';
  interface ErrorCase {
    method: string;
    title: string;
    target?: Target;
    params: (id: number) => Params;
    error: readonly [string, unknown];
  }

  const within = (createdWithin: unknown) => () => ({ filter: { createdWithin } });
  const setItems = (externalData: unknown) => (id: number) => ({ waitListId: id, externalData });

  const cases: ErrorCase[] = [
    { method: 'add', title: 'without fields', params: () => ({}), error: missing('fields') },
    {
      method: 'add',
      title: 'with fields as a string',
      params: () => ({ fields: 'Note' }),
      error: notArray('Note', 'fields'),
    },
    { method: 'add', title: 'with fields null', params: () => ({ fields: null }), error: notArray('', 'fields') },

    { method: 'get', title: 'without id', params: () => ({}), error: missing('id') },
    { method: 'get', title: 'with id "abc"', params: () => ({ id: 'abc' }), error: notInt('abc', 'id') },
    { method: 'get', title: 'with id null', params: () => ({ id: null }), error: notInt('', 'id') },
    { method: 'get', title: 'with id ""', params: () => ({ id: '' }), error: notInt('', 'id') },
    { method: 'get', title: 'with id true', params: () => ({ id: true }), error: notInt('1', 'id') },
    {
      method: 'get',
      title: 'with ID (parameter names are case-sensitive)',
      params: (id) => ({ ID: id }),
      error: missing('id'),
    },
    { method: 'get', title: 'of an unknown entry', target: 'unknown', params: (id) => ({ id }), error: notFound },
    { method: 'get', title: 'of a deleted entry', target: 'deleted', params: (id) => ({ id }), error: notFound },

    { method: 'update', title: 'without id', params: () => ({ fields: { note: 'x' } }), error: missing('id') },
    { method: 'update', title: 'without fields', params: (id) => ({ id }), error: missing('fields') },
    { method: 'update', title: 'with id "abc"', params: () => ({ id: 'abc', fields: {} }), error: notInt('abc', 'id') },
    {
      method: 'update',
      title: 'of an unknown entry',
      target: 'unknown',
      params: (id) => ({ id, fields: { note: 'x' } }),
      error: notFound,
    },
    {
      method: 'update',
      title: 'of a deleted entry',
      target: 'deleted',
      params: (id) => ({ id, fields: { note: 'x' } }),
      error: notFound,
    },

    { method: 'delete', title: 'without id', params: () => ({}), error: missing('id') },
    { method: 'delete', title: 'with id "abc"', params: () => ({ id: 'abc' }), error: notInt('abc', 'id') },
    {
      method: 'delete',
      title: 'of an unknown entry',
      target: 'unknown',
      params: (id) => ({ id }),
      error: notFoundOnDelete,
    },
    {
      method: 'delete',
      title: 'of a deleted entry',
      target: 'deleted',
      params: (id) => ({ id }),
      error: notFoundOnDelete,
    },

    {
      method: 'list',
      title: 'createdWithin without to',
      params: within({ from: '01.04.2025' }),
      error: required('to'),
    },
    {
      method: 'list',
      title: 'createdWithin without from',
      params: within({ to: '16.04.2025' }),
      error: required('from'),
    },
    {
      method: 'list',
      title: 'createdWithin with null from and to',
      params: within({ from: null, to: null }),
      error: required('from, to'),
    },
    {
      method: 'list',
      title: 'createdWithin not an object',
      params: within('01.04.2025'),
      error: required('createdWithin'),
    },
    {
      method: 'list',
      title: 'createdWithin.from unparsable',
      params: within({ from: 'abc', to: '16.04.2025' }),
      error: invalidDate,
    },
    {
      method: 'list',
      title: 'createdWithin.to not dd.mm.yyyy',
      params: within({ from: '01.04.2025', to: '2025-04-16' }),
      error: invalidDate,
    },

    {
      method: 'externalData.set',
      title: 'without waitListId',
      params: () => ({ externalData: [] }),
      error: missing('waitListId'),
    },
    {
      method: 'externalData.set',
      title: 'without externalData',
      params: (id) => ({ waitListId: id }),
      error: missing('externalData'),
    },
    {
      method: 'externalData.set',
      title: 'with waitListId "abc"',
      params: () => ({ waitListId: 'abc', externalData: [] }),
      error: notInt('abc', 'waitListId'),
    },
    {
      method: 'externalData.set',
      title: 'with externalData as a string',
      params: setItems('crm'),
      error: notArray('crm', 'externalData'),
    },
    { method: 'externalData.set', title: 'with a string item', params: setItems(['crm']), error: itemNotArray },
    {
      method: 'externalData.set',
      title: 'with a string item after a good one',
      params: setItems([deal('1'), 'crm']),
      error: itemNotArray,
    },
    {
      method: 'externalData.set',
      title: 'with an empty item',
      params: setItems([{}]),
      error: required('moduleId, entityTypeId, value'),
    },
    {
      method: 'externalData.set',
      title: 'with an item of only a value',
      params: setItems([{ value: '1' }]),
      error: required('moduleId, entityTypeId'),
    },
    {
      method: 'externalData.set',
      title: 'with an item of only a moduleId',
      params: setItems([{ moduleId: 'crm' }]),
      error: required('entityTypeId, value'),
    },
    {
      method: 'externalData.set',
      title: 'with an item without value',
      params: setItems([{ moduleId: 'crm', entityTypeId: 'DEAL' }]),
      error: required('value'),
    },
    {
      method: 'externalData.set',
      title: 'with an item whose value is null',
      params: setItems([{ moduleId: 'crm', entityTypeId: 'DEAL', value: null }]),
      error: required('value'),
    },
    {
      method: 'externalData.set',
      title: 'reporting only the first bad item',
      params: setItems([deal('1'), { moduleId: 'crm' }, { value: '1' }]),
      error: required('entityTypeId, value'),
    },
    {
      method: 'externalData.set',
      title: 'with waitListId "abc" and a string item (binder first)',
      params: () => ({ waitListId: 'abc', externalData: ['crm'] }),
      error: notInt('abc', 'waitListId'),
    },
    {
      method: 'externalData.set',
      title: 'of an unknown entry with a string item (item shape before not-found)',
      target: 'unknown',
      params: setItems(['crm']),
      error: itemNotArray,
    },
    {
      method: 'externalData.set',
      title: 'of an unknown entry with an incomplete item (required fields before not-found)',
      target: 'unknown',
      params: setItems([{ moduleId: 'crm' }]),
      error: required('entityTypeId, value'),
    },
    {
      method: 'externalData.set',
      title: 'of an unknown entry',
      target: 'unknown',
      params: setItems([deal('1')]),
      error: notFound,
    },
    {
      method: 'externalData.set',
      title: 'of a deleted entry',
      target: 'deleted',
      params: setItems([deal('1')]),
      error: notFound,
    },
    {
      method: 'externalData.set',
      title: 'with an empty value (the column refuses it: 1035)',
      params: setItems([deal('')]),
      error: ['1035', expect.any(String)],
    },

    ...['externalData.list', 'externalData.unset'].flatMap((method): ErrorCase[] => [
      { method, title: 'without waitListId', params: () => ({}), error: missing('waitListId') },
      {
        method,
        title: 'with waitlistid (parameter names are case-sensitive)',
        params: (id) => ({ waitlistid: id }),
        error: missing('waitListId'),
      },
      {
        method,
        title: 'with waitListId "abc"',
        params: () => ({ waitListId: 'abc' }),
        error: notInt('abc', 'waitListId'),
      },
      {
        method,
        title: 'of an unknown entry',
        target: 'unknown',
        params: (id) => ({ waitListId: id }),
        error: notFound,
      },
      { method, title: 'of a deleted entry', target: 'deleted', params: (id) => ({ waitListId: id }), error: notFound },
    ]),
  ];

  async function target(kind: Target): Promise<number> {
    if (kind === 'unknown') return 987_654_321;
    if (kind === 'deleted') return deletedEntry();
    const id = await addEntry('kept');
    await setLinks(id, [deal('5')]);
    return id;
  }

  const named = cases.map((c) => [`${c.method} ${c.title}: HTTP 400, error "${c.error[0]}"`, c] as const);

  it.each(named)('%s, nothing recorded or changed', async (_, c) => {
    const id = await target(c.target ?? 'live');
    const before = await snapshot();

    const reply = await call(c.method, c.params(id));

    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: c.error[0], error_description: c.error[1] });
    expect(await snapshot()).toEqual(before);
  });
});

describe('add', () => {
  it('returns the new id as a plain integer, one above the last', async () => {
    const first = await addEntry();
    const reply = await call('add', { fields: { note: 'second' } });
    expect(reply.body.result).toBe(first + 1);
  });

  it.each([
    ['{}', {}],
    ['[] (JSON for an empty PHP array)', []],
  ])('makes an entry without a note from fields %s', async (_, fields) => {
    const reply = await call('add', { fields });
    expect(reply.status, reply.text).toBe(200);
    expect(Number.isInteger(reply.body.result)).toBe(true);
    expect(await noteOf(reply.body.result)).toBeNull();
  });
});

describe('externalData', () => {
  it('set replaces the whole set: A then B leaves only B', async () => {
    const id = await addEntry();
    await setLinks(id, [deal('1'), deal('2')]);
    await setLinks(id, [deal('3')]);
    expect(await linksOf(id)).toEqual([listed('3')]);
  });

  it.each([
    ['externalData.set with []', (id: number) => call('externalData.set', { waitListId: id, externalData: [] })],
    ['externalData.unset', (id: number) => call('externalData.unset', { waitListId: id })],
  ])('%s removes every link', async (_, remove) => {
    const id = await addEntry();
    await setLinks(id, [deal('1'), deal('2')]);
    const reply = await remove(id);
    expect(reply.body.result).toBe(true);
    expect(await linksOf(id)).toEqual([]);
  });

  it('keeps duplicates, in the order given', async () => {
    const id = await addEntry();
    await setLinks(id, [deal('1'), deal('1'), deal('2'), deal('1')]);
    expect(await linksOf(id)).toEqual([listed('1'), listed('1'), listed('2'), listed('1')]);
  });

  it('keeps a long set whole and in order', async () => {
    const id = await addEntry();
    // 256 * 2 + 128 + 8 + 2 + 1: the store inserts a long set in pieces of several lengths.
    const values = Array.from({ length: 651 }, (_, i) => String(i + 1));
    await setLinks(id, values.map(deal));
    expect(await linksOf(id)).toEqual(values.map((v) => listed(v)));
  });

  it('stores any module, type and value strings, unvalidated', async () => {
    const id = await addEntry();
    await setLinks(id, [{ moduleId: 'tasks', entityTypeId: 'task', value: 'not a number' }]);
    expect(await linksOf(id)).toEqual([listed('not a number', 'tasks', 'task')]);
  });

  it('changes only the entry it names', async () => {
    const [a, b] = [await addEntry(), await addEntry()];
    await setLinks(a, [deal('1')]);
    await setLinks(b, [deal('2')]);
    await call('externalData.unset', { waitListId: b });
    expect(await linksOf(a)).toEqual([listed('1')]);
  });

  it.each([
    [1, '1'],
    [true, '1'],
    [2.5, '2.5'],
  ])('casts the value %j to the string %j', async (value, expected) => {
    const id = await addEntry();
    await setLinks(id, [{ moduleId: 'crm', entityTypeId: 'DEAL', value }]);
    expect(await linksOf(id)).toEqual([listed(expected)]);
  });

  it.each(['0', 0])('lists the value %j as null (empty values leave as null)', async (value) => {
    const id = await addEntry();
    await setLinks(id, [{ moduleId: 'crm', entityTypeId: 'DEAL', value }]);
    expect(await linksOf(id)).toEqual([listed(null)]);
  });

  it.each([
    ['camelCase', { moduleId: 'crm', entityTypeId: 'DEAL', value: '1' }],
    ['PascalCase', { ModuleId: 'crm', EntityTypeId: 'DEAL', Value: '1' }],
    ['snake_case', { module_id: 'crm', entity_type_id: 'DEAL', value: '1' }],
  ])('accepts item keys in %s', async (_, item) => {
    const id = await addEntry();
    await setLinks(id, [item]);
    expect(await linksOf(id)).toEqual([listed('1')]);
  });

  it('drops an UPPER_SNAKE key, so the item lacks that field', async () => {
    const id = await addEntry();
    const reply = await call('externalData.set', {
      waitListId: id,
      externalData: [{ MODULE_ID: 'crm', entityTypeId: 'DEAL', value: '1' }],
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: '0', error_description: 'Required fields: moduleId' });
  });

  it('drops unknown item keys silently', async () => {
    const id = await addEntry();
    await setLinks(id, [{ ...deal('1'), data: { title: 'x' }, id: 77 }]);
    const links = await linksOf(id);
    expect(links).toEqual([listed('1')]);
    expect(Object.keys(links[0])).toEqual(['entityTypeId', 'moduleId', 'value']);
  });
});

describe('update', () => {
  it.each([
    ['absent', {}, 'Old'],
    ['null', { note: null }, 'Old'],
    ['"" (removes it)', { note: '' }, null],
    ['a new text', { note: 'New' }, 'New'],
    ['a number (cast to a string)', { note: 5 }, '5'],
    ['"0" (kept, but sent as null like every empty value)', { note: '0' }, null],
  ])('with the note %s leaves the note as expected', async (_, fields, expected) => {
    const id = await addEntry('Old');
    const reply = await call('update', { id, fields });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.result).toBe(true);
    expect(await noteOf(id)).toBe(expected);
  });

  it('leaves the external data alone', async () => {
    const id = await addEntry('Old');
    await setLinks(id, [deal('1')]);
    await call('update', { id, fields: { note: 'New' } });
    expect(await linksOf(id)).toEqual([listed('1')]);
  });

  it('changes only the entry it names', async () => {
    const [a, b] = [await addEntry('A'), await addEntry('B')];
    await call('update', { id: b, fields: { note: 'changed' } });
    expect(await noteOf(a)).toBe('A');
  });
});

describe('soft delete', () => {
  it('hides the entry from get, list, update and externalData, but keeps its row', async () => {
    const id = await addEntry('gone');
    await setLinks(id, [deal('1')]);
    const neighbour = await addEntry('stays');
    expect((await call('delete', { id })).body.result).toBe(true);

    // parity: booking.v1.waitlist.get error:1040
    // parity: booking.v1.waitlist.update error:1040
    // parity: booking.v1.waitlist.externalData.list error:1040
    // parity: booking.v1.waitlist.externalData.set error:1040
    // parity: booking.v1.waitlist.externalData.unset error:1040
    const notFound = { error: '1040', error_description: 'Wait list not found' };
    expect((await call('get', { id })).body).toEqual(notFound);
    expect((await call('update', { id, fields: { note: 'x' } })).body).toEqual(notFound);
    expect((await call('externalData.list', { waitListId: id })).body).toEqual(notFound);
    expect((await call('externalData.set', { waitListId: id, externalData: [] })).body).toEqual(notFound);
    expect((await call('externalData.unset', { waitListId: id })).body).toEqual(notFound);
    expect((await call('delete', { id })).body).toEqual({
      error: '1036',
      error_description: 'wait list item not found',
    });

    const ids: number[] = [];
    for (let start = 0; ; start += 50) {
      const page = (await call('list', { start })).body.result.waitList as { id: number }[];
      ids.push(...page.map((e) => e.id));
      if (page.length < 50) break;
    }
    expect(ids).not.toContain(id);
    expect(ids).toContain(neighbour);
    expect(await noteOf(neighbour)).toBe('stays');

    const row = await server()
      .server.store.db.selectFrom('wait_list_item')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    expect(row).toMatchObject({ id, note: 'gone' });
  });
});

describe('numeric strings as ids', () => {
  const cases: [string, (id: string) => Params][] = [
    ['get', (id) => ({ id })],
    ['update', (id) => ({ id, fields: { note: 'x' } })],
    ['externalData.set', (id) => ({ waitListId: id, externalData: [deal('1')] })],
    ['externalData.list', (id) => ({ waitListId: id })],
    ['externalData.unset', (id) => ({ waitListId: id })],
    ['delete', (id) => ({ id })],
  ];

  it.each(cases)('%s accepts the id as a numeric string', async (method, params) => {
    const id = await addEntry();
    const reply = await call(method, params(String(id)));
    expect(reply.status, reply.text).toBe(200);
    if (method === 'get') expect(reply.body.result).toEqual({ waitList: { id, note: 'Note' } });
    else if (method === 'externalData.list') expect(reply.body.result).toEqual({ externalData: [] });
    else expect(reply.body.result).toBe(true);
  });
});

describe('events', () => {
  const cases: { title: string; method: string; params: (id: number) => Params; event: string }[] = [
    { title: 'add', method: 'add', params: () => ({ fields: { note: 'e' } }), event: 'onBookingWaitListItemAdd' },
    {
      title: 'update of the note',
      method: 'update',
      params: (id) => ({ id, fields: { note: 'changed' } }),
      event: 'onBookingWaitListItemUpdate',
    },
    {
      title: 'update that changes nothing',
      method: 'update',
      params: (id) => ({ id, fields: {} }),
      event: 'onBookingWaitListItemUpdate',
    },
    {
      title: 'externalData.set',
      method: 'externalData.set',
      params: (id) => ({ waitListId: id, externalData: [deal('1')] }),
      event: 'onBookingWaitListItemUpdate',
    },
    {
      title: 'externalData.set of [] on an entry without links',
      method: 'externalData.set',
      params: (id) => ({ waitListId: id, externalData: [] }),
      event: 'onBookingWaitListItemUpdate',
    },
    {
      title: 'externalData.unset on an entry without links',
      method: 'externalData.unset',
      params: (id) => ({ waitListId: id }),
      event: 'onBookingWaitListItemUpdate',
    },
    { title: 'delete', method: 'delete', params: (id) => ({ id }), event: 'onBookingWaitListItemDelete' },
  ];

  const named = cases.map((c) => [`${c.title} records exactly one ${c.event}`, c] as const);

  it.each(named)('%s, data {ID: id}', async (_, { method, params, event }) => {
    const existing = await addEntry(null);
    const after = await lastEventId();

    const reply = await call(method, params(existing));

    expect(reply.status, reply.text).toBe(200);
    const id = method === 'add' ? reply.body.result : existing;
    expect(await eventsAfter(after)).toEqual([{ event, data: { ID: id } }]);
  });

  it.each([
    ['externalData.list', (id: number) => ({ waitListId: id })],
    ['get', (id: number) => ({ id })],
    ['list', () => ({})],
  ])('%s records nothing', async (method, params) => {
    const id = await addEntry();
    const after = await lastEventId();
    expect((await call(method, params(id))).status).toBe(200);
    expect(await eventsAfter(after)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('list paging', () => {
  const paged = useServer();
  const list = (params: Params) => call('list', params, 'json', paged());
  const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  beforeAll(async () => {
    for (let i = 1; i <= 120; i++) expect(await addEntry(`n${i}`, paged())).toBe(i);
  });

  it('pages 120 entries by 50, in id order, always with "total": 0 and never "next"', async () => {
    for (const [start, expected] of [
      [0, ids(1, 50)],
      [50, ids(51, 100)],
      [100, ids(101, 120)],
    ] as const) {
      const reply = await list({ start });
      expect(reply.status).toBe(200);
      expect(
        reply.body.result.waitList.map((e: { id: number }) => e.id),
        `start ${start}`,
      ).toEqual(expected);
      expect(reply.body.result.waitList[0]).toEqual({ id: expected[0], note: `n${expected[0]}` });
      expect(Object.keys(reply.body), `start ${start}`).toEqual(['result', 'total', 'time']);
      expect(reply.body.total).toBe(0);
      expect(reply.body).not.toHaveProperty('next');
    }
  });

  it.each([
    [75, 50],
    [49, 0],
    [99, 50],
    ['50', 50],
  ])('rounds start %j down to %i', async (start, offset) => {
    const rounded = await list({ start: offset });
    const reply = await list({ start });
    expect(reply.body.result).toEqual(rounded.body.result);
    expect(reply.body.result.waitList[0].id).toBe(offset + 1);
  });

  it('starts at the first page when start is absent', async () => {
    const reply = await list({});
    expect(reply.body.result.waitList.map((e: { id: number }) => e.id)).toEqual(ids(1, 50));
  });

  it('answers start -1 with the first page and no total key', async () => {
    const reply = await list({ start: -1 });
    expect(reply.body.result.waitList.map((e: { id: number }) => e.id)).toEqual(ids(1, 50));
    expect(Object.keys(reply.body)).toEqual(['result', 'time']);
  });

  it('answers a start past the end with an empty page and "total": 0', async () => {
    const reply = await list({ start: 200 });
    expect(reply.body.result).toEqual({ waitList: [] });
    expect(reply.body.total).toBe(0);
    expect(reply.body).not.toHaveProperty('next');
  });
});

describe('createdWithin', () => {
  let now = 0;
  const dated = useServer({ clock: { now: () => now } });
  const day = (d: number, m: number, y: number) => new Date(y, m - 1, d).getTime();
  const entries: Record<string, number> = {};

  async function addAt(label: string, at: number) {
    now = at;
    entries[label] = await addEntry(label, dated());
  }

  async function within(from: string, to: string): Promise<number[]> {
    const reply = await call('list', { filter: { createdWithin: { from, to } } }, 'json', dated());
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.total).toBe(0);
    return reply.body.result.waitList.map((e: { id: number }) => e.id);
  }

  it('takes from inclusive and to exclusive, both at local midnight', async () => {
    await addAt('last ms of 31.03', day(1, 4, 2025) - 1);
    await addAt('midnight 01.04', day(1, 4, 2025));
    await addAt('noon 10.04', day(10, 4, 2025) + 12 * 3600_000);
    await addAt('last ms of 15.04', day(16, 4, 2025) - 1);
    await addAt('midnight 16.04', day(16, 4, 2025));

    expect(await within('01.04.2025', '16.04.2025')).toEqual([
      entries['midnight 01.04'],
      entries['noon 10.04'],
      entries['last ms of 15.04'],
    ]);
    expect(await within('31.03.2025', '01.04.2025')).toEqual([entries['last ms of 31.03']]);
    expect(await within('16.04.2025', '17.04.2025')).toEqual([entries['midnight 16.04']]);
  });

  it('finds nothing when from equals to', async () => {
    expect(await within('10.04.2025', '10.04.2025')).toEqual([]);
  });

  it.each([
    ['no filter', {}],
    ['an operator-prefixed key', { filter: { '>id': 2, '!id': 1 } }],
    ['unknown keys', { filter: { note: 'midnight 16.04', ID: 1 } }],
  ])('lists everything with %s (unknown and prefixed keys are ignored)', async (_, params) => {
    const reply = await call('list', params, 'json', dated());
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.result.waitList.map((e: { id: number }) => e.id)).toEqual(Object.values(entries));
  });
});
