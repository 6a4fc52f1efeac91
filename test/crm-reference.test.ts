/** crm.category.*, crm.status.*, crm.type.* and the items of smart processes. */
import { describe, expect, it } from 'vitest';
import { failsWith, ok, recordedEvents } from './support/calls.js';
import { DEFAULT_DEAL_STAGES } from './support/crm.js';
import { startTestServer, useServer } from './support/server.js';

const server = useServer();
const call = (method: string, params: unknown = {}) => ok(server(), method, params);
const fails = (method: string, params: unknown, code: string, text: string) =>
  failsWith(server(), method, params, code, text);

async function eventsOf(name: string) {
  return (await recordedEvents(server())).filter((e) => e.event === name).map((e) => e.data);
}

describe('a new portal', () => {
  it('has the deal pipeline 0 and the reference lists the docs list, and a reset brings them back', async () => {
    const categories = await call('crm.category.list', { entityTypeId: 2 });
    expect(categories.result).toEqual({
      categories: [{ id: 0, name: 'General', sort: 500, entityTypeId: 2, isDefault: 'Y' }],
    });
    expect(categories.total).toBe(1);
    const stages = await call('crm.status.list', { order: { SORT: 'ASC' }, filter: { ENTITY_ID: 'DEAL_STAGE' } });
    expect(stages.result.map((s: { STATUS_ID: string }) => s.STATUS_ID)).toEqual(DEFAULT_DEAL_STAGES);
    expect(stages.total).toBe(8);
    expect(stages.result[5]).toMatchObject({
      ENTITY_ID: 'DEAL_STAGE',
      NAME: 'Deal successful',
      SORT: '60',
      SYSTEM: 'Y',
      CATEGORY_ID: null,
      SEMANTICS: 'S',
      EXTRA: { SEMANTICS: 'success' },
    });
    const types = (await call('crm.status.entity.types')).result.map((t: { ID: string }) => t.ID);
    expect(types).toEqual(
      expect.arrayContaining([
        'STATUS',
        'SOURCE',
        'CONTACT_TYPE',
        'COMPANY_TYPE',
        'EMPLOYEES',
        'INDUSTRY',
        'DEAL_TYPE',
        'DEAL_STAGE',
        'HONORIFIC',
      ]),
    );
    const sources = (await call('crm.status.entity.items', { entityId: 'SOURCE' })).result;
    expect(sources[0]).toEqual({ NAME: 'Call', SORT: 10, STATUS_ID: 'CALL' });

    await call('crm.status.add', { fields: { ENTITY_ID: 'SOURCE', STATUS_ID: 'FAIR', NAME: 'Fair' } });
    await call('crm.category.add', { entityTypeId: 2, fields: { name: 'Temporary' } });
    await server().server.portal('default').reset();
    expect((await call('crm.status.entity.items', { entityId: 'SOURCE' })).result).toHaveLength(sources.length);
    expect((await call('crm.category.list', { entityTypeId: 2 })).total).toBe(1);
  });
});

describe('crm.category.* for deals', () => {
  it('adds a pipeline with its stages, where a deal starts at the first stage', async () => {
    const { category } = (
      await call('crm.category.add', { entityTypeId: 2, fields: { name: 'Clinic', sort: -5, isDefault: 'Y' } })
    ).result;
    expect(category).toEqual({
      id: category.id,
      name: 'Clinic',
      sort: 0,
      entityTypeId: 2,
      isDefault: 'N',
      originId: '',
      originatorId: '',
    });
    const stages = (await call('crm.status.entity.items', { entityId: `DEAL_STAGE_${category.id}` })).result;
    expect(stages[0].STATUS_ID).toBe(`C${category.id}:NEW`);
    const dealId = (await call('crm.deal.add', { fields: { TITLE: 'In clinic', CATEGORY_ID: category.id } })).result;
    const deal = (await call('crm.deal.get', { id: dealId })).result;
    expect(deal).toMatchObject({
      CATEGORY_ID: String(category.id),
      STAGE_ID: `C${category.id}:NEW`,
      STAGE_SEMANTIC_ID: 'P',
    });

    // A stage of another pipeline is no change on the classic update; crm.item.update refuses it.
    await call('crm.deal.update', { id: dealId, fields: { STAGE_ID: 'WON' } });
    expect((await call('crm.deal.get', { id: dealId })).result.STAGE_ID).toBe(`C${category.id}:NEW`);
    await fails(
      'crm.item.update',
      { entityTypeId: 2, id: dealId, fields: { stageId: 'WON' } },
      'CRM_FIELD_ERROR_VALUE_NOT_VALID',
      'Invalid value for field "Stage"',
    );
    const won = (
      await call('crm.item.update', { entityTypeId: 2, id: dealId, fields: { stageId: `C${category.id}:WON` } })
    ).result.item;
    expect(won).toMatchObject({ stageId: `C${category.id}:WON`, stageSemanticId: 'S', closed: 'Y' });

    // A pipeline that does not exist: the default one on crm.deal.add, refused by crm.item.add.
    const elsewhere = (await call('crm.deal.add', { fields: { CATEGORY_ID: 99, STAGE_ID: 'C99:NEW' } })).result;
    expect((await call('crm.deal.get', { id: elsewhere })).result).toMatchObject({ CATEGORY_ID: '0', STAGE_ID: 'NEW' });
    await fails(
      'crm.item.add',
      { entityTypeId: 2, fields: { categoryId: 99 } },
      'CRM_FIELD_ERROR_VALUE_NOT_VALID',
      'Invalid value for field "Pipeline"',
    );

    // crm.item.add starts a deal of that pipeline at its first stage; crm.item.update moves it back.
    const item = (await call('crm.item.add', { entityTypeId: 2, fields: { categoryId: category.id } })).result.item;
    expect(item).toMatchObject({ categoryId: category.id, stageId: `C${category.id}:NEW` });
    await call('crm.deal.update', { id: item.id, fields: { CATEGORY_ID: 0 } });
    expect((await call('crm.item.get', { entityTypeId: 2, id: item.id })).result.item.categoryId).toBe(category.id);
    const back = (await call('crm.item.update', { entityTypeId: 2, id: item.id, fields: { categoryId: 0 } })).result
      .item;
    expect(back).toMatchObject({ categoryId: 0, stageId: 'NEW' });
    await fails(
      'crm.item.update',
      { entityTypeId: 2, id: item.id, fields: { categoryId: 77 } },
      'CRM_FIELD_ERROR_VALUE_NOT_VALID',
      'Invalid value for field "Pipeline"',
    );

    await fails(
      'crm.category.delete',
      { entityTypeId: 2, id: category.id },
      '0',
      'Deals related to the funnel Clinic found',
    );
    await fails('crm.category.delete', { entityTypeId: 2, id: 0 }, '0', 'Default deal category cannot be deleted');
  });

  it('gets, updates and deletes a pipeline; its stages go with it', async () => {
    const id = (await call('crm.category.add', { entityTypeId: 2, fields: { name: 'Short-lived' } })).result.category
      .id;
    const updated = (await call('crm.category.update', { entityTypeId: 2, id, fields: { name: 'Renamed', sort: 42 } }))
      .result;
    expect(updated.category).toMatchObject({ id, name: 'Renamed', sort: 42 });
    expect((await call('crm.category.get', { entityTypeId: 2, id })).result.category.name).toBe('Renamed');
    expect((await call('crm.category.delete', { entityTypeId: 2, id })).result).toBeNull();
    await fails('crm.category.get', { entityTypeId: 2, id }, 'NOT_FOUND', 'Element not found');
    await fails('crm.category.delete', { entityTypeId: 2, id }, 'NOT_FOUND', 'Element not found');
    await fails(
      'crm.status.entity.items',
      { entityId: `DEAL_STAGE_${id}` },
      '',
      'The parameter entityId is not defined or invalid.',
    );
  });

  it('refuses types without pipelines and types that do not exist', async () => {
    await fails(
      'crm.category.list',
      { entityTypeId: 3 },
      'ENTITY_TYPE_NOT_SUPPORTED',
      'Entity type CONTACT is not supported',
    );
    await fails(
      'crm.category.add',
      { entityTypeId: 999, fields: { name: 'x' } },
      'NOT_FOUND',
      'Smart process not found',
    );
    await fails('crm.category.get', { entityTypeId: 2 }, '100', 'Could not find value for parameter {id}');
  });

  it('answers each method’s documented errors for a type without pipelines, an unknown type or pipeline', async () => {
    const before = (await call('crm.category.list', { entityTypeId: 2 })).result.categories;
    // parity: crm.category.{add,get,update,delete,fields} error:ENTITY_TYPE_NOT_SUPPORTED
    const contact = ['ENTITY_TYPE_NOT_SUPPORTED', 'Entity type CONTACT is not supported'] as const;
    await fails('crm.category.add', { entityTypeId: 3, fields: { name: 'x' } }, ...contact);
    await fails('crm.category.get', { entityTypeId: 3, id: 0 }, ...contact);
    await fails('crm.category.update', { entityTypeId: 3, id: 0, fields: { name: 'x' } }, ...contact);
    await fails('crm.category.delete', { entityTypeId: 3, id: 0 }, ...contact);
    await fails('crm.category.fields', { entityTypeId: 3 }, ...contact);
    // The pages call the type a SPA.
    // parity: crm.category.{fields,update,get,delete} error:"SPA not found" error:"Smart process not found"
    const unknownType = ['NOT_FOUND', 'Smart process not found'] as const;
    await fails('crm.category.fields', { entityTypeId: 999 }, ...unknownType);
    await fails('crm.category.update', { entityTypeId: 999, id: 0, fields: {} }, ...unknownType);
    await fails('crm.category.get', { entityTypeId: 999, id: 0 }, ...unknownType);
    await fails('crm.category.delete', { entityTypeId: 999, id: 0 }, ...unknownType);
    await fails(
      'crm.category.update',
      { entityTypeId: 2, id: 999, fields: { name: 'x' } },
      'NOT_FOUND',
      'Element not found',
    );
    expect((await call('crm.category.list', { entityTypeId: 2 })).result.categories).toEqual(before);
  });
});

describe('crm.status.*', () => {
  it('runs the add example: a stage of pipeline 1 gets its prefix', async () => {
    const pipeline = (await call('crm.category.add', { entityTypeId: 2, fields: { name: 'Sales' } })).result.category
      .id;
    const id = (
      await call('crm.status.add', {
        fields: {
          ENTITY_ID: `DEAL_STAGE_${pipeline}`,
          STATUS_ID: 'DECISION',
          NAME: 'Decision making',
          SORT: 55,
          COLOR: '#FFA900',
        },
      })
    ).result;
    expect(Number.isInteger(id)).toBe(true);
    const got = (await call('crm.status.get', { id })).result;
    expect(got).toMatchObject({
      ID: String(id),
      ENTITY_ID: `DEAL_STAGE_${pipeline}`,
      STATUS_ID: `C${pipeline}:DECISION`,
      NAME: 'Decision making',
      SORT: '55',
      SYSTEM: 'N',
      CATEGORY_ID: String(pipeline),
      COLOR: '#FFA900',
    });
    await fails(
      'crm.status.add',
      { fields: { ENTITY_ID: `DEAL_STAGE_${pipeline}`, STATUS_ID: 'DECISION', NAME: 'Again' } },
      'ERROR_CORE',
      'The specified status ID already exists.',
    );
    await fails(
      'crm.status.add',
      { fields: { ENTITY_ID: 'DEAL_STAGE', STATUS_ID: 'LATE', NAME: 'Late', SORT: 65 } },
      '',
      'Cannot create more stages after the final stage because the final successful stage already exists. Try using sort order values less than that of the final stage.',
    );
    expect((await call('crm.status.update', { id, fields: { NAME: 'New name', COLOR: '#00A9F4' } })).result).toBe(true);
    expect((await call('crm.status.get', { id })).result).toMatchObject({ NAME: 'New name', COLOR: '#00A9F4' });
    expect((await call('crm.status.delete', { id })).result).toBe(true);
    await fails('crm.status.get', { id }, '', 'Status is not found.');
  });

  it('answers the documented errors and changes nothing', async () => {
    const before = (await call('crm.status.list', {})).total;
    // The page writes the two lines of this error as one (`The field ENTITY_ID is required.`, `...`).
    // parity: crm.status.add error:"The field ENTITY_ID is required."
    await fails(
      'crm.status.add',
      { fields: {} },
      '',
      'The field ENTITY_ID is required.\nThe field STATUS_ID is required.',
    );
    await fails(
      'crm.status.add',
      { fields: { ENTITY_ID: 'NOPE', STATUS_ID: 'X', NAME: 'x' } },
      '',
      'Specified entity type is not supported.',
    );
    await fails(
      'crm.status.add',
      { fields: { ENTITY_ID: 'SOURCE', STATUS_ID: 'X' } },
      '',
      'The field Title is required.',
    );
    await fails('crm.status.add', { fields: 'x' }, '', "Parameter 'fields' must be array.");
    await fails('crm.status.update', { id: 0, fields: { NAME: 'x' } }, '', 'Invalid identifier.');
    await fails('crm.status.update', { id: 99999, fields: { NAME: 'x' } }, '', 'Status is not found.');
    await fails('crm.status.delete', { id: 0 }, '', 'Invalid identifier.');
    await fails('crm.status.delete', { id: 99999 }, '', 'Status is not found.');
    const won = (await call('crm.status.list', { filter: { ENTITY_ID: 'DEAL_STAGE', STATUS_ID: 'WON' } })).result[0];
    await fails(
      'crm.status.delete',
      { id: Number(won.ID) },
      '',
      'CRM System Status can be deleted only if parameter FORCED is specified and equal to "Y".',
    );
    await call('crm.deal.add', { fields: { STAGE_ID: 'PREPARATION' } });
    const preparation = (
      await call('crm.status.list', { filter: { ENTITY_ID: 'DEAL_STAGE', STATUS_ID: 'PREPARATION' } })
    ).result[0];
    await fails('crm.status.delete', { id: Number(preparation.ID) }, '', 'There are active items in this status.');
    await fails('crm.status.entity.items', {}, '', 'The parameter entityId is not defined or invalid.');
    expect((await call('crm.status.list', {})).total).toBe(before);
  });
});

describe('smart processes', () => {
  it('crm.type.add assigns entityTypeIds as Bitrix24 does and refuses ones out of range', async () => {
    const first = (await call('crm.type.add', { fields: { title: 'Equipment' } })).result.type;
    expect(first).toMatchObject({
      entityTypeId: 128,
      title: 'Equipment',
      isCategoriesEnabled: 'N',
      isSetOpenPermissions: 'Y',
    });
    expect((await call('crm.type.add', { fields: { title: 'Second' } })).result.type.entityTypeId).toBe(129);
    expect(
      (await call('crm.type.add', { fields: { title: 'Given', entityTypeId: 2024 } })).result.type.entityTypeId,
    ).toBe(2024);
    for (const entityTypeId of [127, 193, 1031, 2024]) {
      await fails(
        'crm.type.add',
        { fields: { title: 'x', entityTypeId } },
        'INVALID_ARG_VALUE',
        'entityTypeId is out of allowed range',
      );
    }
    expect(await eventsOf('onCrmTypeAdd')).toContainEqual({ FIELDS: { ID: first.id } });
    expect((await call('crm.type.getByEntityTypeId', { entityTypeId: 128 })).result.type.id).toBe(first.id);
    const list = await call('crm.type.list', { order: { entityTypeId: 'DESC' } });
    expect(list.result.types.map((t: { entityTypeId: number }) => t.entityTypeId)).toEqual([2024, 129, 128]);
    expect(list.total).toBe(3);
    const updated = (await call('crm.type.update', { id: first.id, fields: { title: 'Gear', isStagesEnabled: 'Y' } }))
      .result.type;
    expect(updated).toMatchObject({ title: 'Gear', isStagesEnabled: 'Y' });
    await fails('crm.type.get', { id: 9999 }, '0', 'Smart process not found');
  });

  it('answers the documented errors for an unknown type and for list keys it has not, and changes nothing', async () => {
    const before = (await call('crm.type.list')).result.types;
    await fails('crm.type.getByEntityTypeId', { entityTypeId: 9999 }, '0', 'Smart process not found');
    await fails('crm.type.update', { id: 9999, fields: { title: 'x' } }, '0', 'Smart process not found');
    await fails('crm.type.delete', { id: 9999 }, '0', 'Smart process not found');
    const list = (params: unknown, text: string) => fails('crm.type.list', params, 'INVALID_ARG_VALUE', text);
    await list({ filter: { nope: 1 } }, "Invalid filter: field 'nope' is not allowed in filter");
    await list({ order: { nope: 'ASC' } }, "Invalid order: field 'nope' is not allowed in order");
    await list(
      { order: { title: 'UP' } },
      "Invalid order: allowed sort directions are ASC, DESC. But got 'UP' for field 'title'",
    );
    expect((await call('crm.type.list')).result.types).toEqual(before);
  });

  it('keeps items through crm.item.* in the type pipeline, with their own events', async () => {
    const type = (await call('crm.type.add', { fields: { title: 'Repairs', entityTypeId: 1032 } })).result.type;
    const { categories } = (await call('crm.category.list', { entityTypeId: 1032 })).result;
    expect(categories).toEqual([
      {
        id: categories[0].id,
        name: 'General',
        sort: 500,
        entityTypeId: 1032,
        isDefault: 'Y',
        isSystem: 'N',
        code: null,
      },
    ]);
    const prefix = `DT1032_${categories[0].id}:`;
    const item = (await call('crm.item.add', { entityTypeId: 1032, fields: { opportunity: 50, observers: [1] } }))
      .result.item;
    expect(item).toMatchObject({
      title: `Repairs #${item.id}`,
      categoryId: categories[0].id,
      stageId: `${prefix}NEW`,
      opportunity: 50,
      observers: [1],
      entityTypeId: 1032,
    });
    expect(await eventsOf('onCrmDynamicItemAdd')).toContainEqual({ FIELDS: { ID: item.id, ENTITY_TYPE_ID: 1032 } });
    const moved = (
      await call('crm.item.update', { entityTypeId: 1032, id: item.id, fields: { stageId: `${prefix}SUCCESS` } })
    ).result.item;
    expect(moved).toMatchObject({ stageId: `${prefix}SUCCESS`, previousStageId: `${prefix}NEW` });
    expect(await eventsOf('onCrmDynamicItemUpdate')).toContainEqual({ FIELDS: { ID: item.id, ENTITY_TYPE_ID: 1032 } });
    expect((await call('crm.item.list', { entityTypeId: 1032 })).total).toBe(1);
    // Another type's items are another list.
    expect((await call('crm.item.list', { entityTypeId: 128 })).total).toBe(0);
    await fails('crm.item.get', { entityTypeId: 128, id: item.id }, 'NOT_FOUND', 'Item not found');

    const second = (await call('crm.category.add', { entityTypeId: 1032, fields: { name: 'Urgent', isDefault: 'Y' } }))
      .result.category;
    expect(second.isDefault).toBe('Y');
    const after = (await call('crm.category.list', { entityTypeId: 1032 })).result.categories;
    expect(after.filter((c: { isDefault: string }) => c.isDefault === 'Y').map((c: { id: number }) => c.id)).toEqual([
      second.id,
    ]);

    await fails('crm.type.delete', { id: type.id }, 'BX_ERROR', 'You cannot delete an entity type that has elements');
    expect((await call('crm.item.delete', { entityTypeId: 1032, id: item.id })).result).toEqual([]);
    expect(await eventsOf('onCrmDynamicItemDelete')).toContainEqual({ FIELDS: { ID: item.id, ENTITY_TYPE_ID: 1032 } });
    expect((await call('crm.type.delete', { id: type.id })).result).toBeNull();
    expect(await eventsOf('onCrmTypeDelete')).toContainEqual({ FIELDS: { ID: type.id } });
    await fails('crm.item.list', { entityTypeId: 1032 }, 'NOT_FOUND', 'Smart process not found');
    await fails('crm.category.list', { entityTypeId: 1032 }, 'NOT_FOUND', 'Smart process not found');
  });

  it('numbers the items of each type on their own, from 1, never giving an id twice', async () => {
    const [a, b] = [
      (await call('crm.type.add', { fields: { title: 'Numbered A' } })).result.type.entityTypeId,
      (await call('crm.type.add', { fields: { title: 'Numbered B' } })).result.type.entityTypeId,
    ];
    const add = async (entityTypeId: number) =>
      (await call('crm.item.add', { entityTypeId, fields: { title: 'n' } })).result.item.id as number;
    expect([await add(a), await add(a), await add(b), await add(a)]).toEqual([1, 2, 1, 3]);
    // Parallel adds of one type: distinct ids, each seen once.
    const parallel = await Promise.all(Array.from({ length: 6 }, () => add(b)));
    expect([...parallel].sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7]);
    // Item 1 of A and item 1 of B are two records: each is read, changed and deleted on its own.
    await call('crm.item.update', { entityTypeId: b, id: 1, fields: { title: 'B one' } });
    expect((await call('crm.item.get', { entityTypeId: a, id: 1 })).result.item).toMatchObject({ id: 1, title: 'n' });
    expect((await call('crm.item.get', { entityTypeId: b, id: 1 })).result.item).toMatchObject({
      id: 1,
      title: 'B one',
      entityTypeId: b,
    });
    await call('crm.item.delete', { entityTypeId: a, id: 3 });
    await fails('crm.item.get', { entityTypeId: a, id: 3 }, 'NOT_FOUND', 'Item not found');
    expect((await call('crm.item.get', { entityTypeId: b, id: 3 })).result.item.id).toBe(3);
    expect(await add(a)).toBe(4);
    const listed = await call('crm.item.list', { entityTypeId: a, order: { id: 'DESC' }, filter: { '>id': 1 } });
    expect(listed.result.items.map((i: { id: number }) => i.id)).toEqual([4, 2]);
    expect((await call('crm.item.list', { entityTypeId: a, filter: { '@id': [1, 4] } })).total).toBe(2);

    // A type made again under a deleted one's entityTypeId is a new table of items on Bitrix24: from 1.
    const c = (await call('crm.type.add', { fields: { title: 'Numbered C' } })).result.type;
    await add(c.entityTypeId);
    await call('crm.item.delete', { entityTypeId: c.entityTypeId, id: 1 });
    await call('crm.type.delete', { id: c.id });
    await call('crm.type.add', { fields: { title: 'Numbered C again', entityTypeId: c.entityTypeId } });
    expect(await add(c.entityTypeId)).toBe(1);
  });

  it('links items to their parents as the type relations say: parentId{entityTypeId}', async () => {
    const type = (
      await call('crm.type.add', {
        fields: { title: 'Visits', relations: { parent: [{ entityTypeId: 2 }], child: [{ entityTypeId: 3 }] } },
      })
    ).result.type.entityTypeId;
    const deal = (await call('crm.deal.add', { fields: { TITLE: 'Parent deal' } })).result;
    const add = async (fields: Record<string, unknown>) =>
      (await call('crm.item.add', { entityTypeId: type, fields })).result.item;
    const linked = await add({ title: 'Linked', parentId2: deal });
    await add({ title: 'Alone' });
    expect(linked.parentId2).toBe(deal);
    const { fields } = (await call('crm.item.fields', { entityTypeId: type })).result;
    expect(fields.parentId2).toMatchObject({ type: 'crm_entity', upperName: 'PARENT_ID_2' });
    // A deal's items: the filter a deal card's list of them makes.
    const items = await call('crm.item.list', { entityTypeId: type, filter: { parentId2: deal }, select: ['id'] });
    expect(items.result.items).toEqual([{ id: linked.id }]);
    // The child side: a contact may name an item of the type as its parent.
    const contact = (
      await call('crm.item.add', { entityTypeId: 3, fields: { name: 'C', [`parentId${type}`]: linked.id } })
    ).result.item;
    expect(contact[`parentId${type}`]).toBe(linked.id);
    expect((await call('crm.contact.get', { id: contact.id })).result[`PARENT_ID_${type}`]).toBe(String(linked.id));
    // Deals have no parents here: the key is no field of theirs.
    const other = (await call('crm.item.add', { entityTypeId: 2, fields: { title: 'D', [`parentId${type}`]: 1 } }))
      .result.item;
    expect(other).not.toHaveProperty(`parentId${type}`);
    await call('crm.item.update', { entityTypeId: type, id: linked.id, fields: { parentId2: 0 } });
    expect((await call('crm.item.get', { entityTypeId: type, id: linked.id })).result.item.parentId2).toBeNull();
  });

  it('lets applications bind the smart process events', async () => {
    const { eventScope } = await import('../src/events/catalog.js');
    for (const name of ['onCrmDynamicItemAdd', 'ONCRMDYNAMICITEMDELETE', 'onCrmTypeUpdate']) {
      expect(eventScope(name)).toBe('crm');
    }
  });
});

describe('concurrent first changes', () => {
  it('write the defaults once and give parallel new types distinct entityTypeIds', async () => {
    const fresh = await startTestServer();
    try {
      const replies = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          fresh.call('crm.category.add', { entityTypeId: 2, fields: { name: `Parallel ${i}` } }),
        ),
      );
      expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
      const ids = replies.map((r) => r.body.result.category.id);
      expect(new Set(ids).size).toBe(8);
      const stages = await fresh.call('crm.status.list', { filter: { ENTITY_ID: 'DEAL_STAGE' } });
      expect(stages.body.total).toBe(8);
      const types = await Promise.all(
        Array.from({ length: 5 }, (_, i) => fresh.call('crm.type.add', { fields: { title: `T${i}` } })),
      );
      expect(types.map((r) => r.status)).toEqual(Array(5).fill(200));
      expect(new Set(types.map((r) => r.body.result.type.entityTypeId)).size).toBe(5);
    } finally {
      await fresh.server.close();
    }
  });
});
