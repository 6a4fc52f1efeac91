/**
 * `total` of a CRM list: an unfiltered list, or one filtered by pipeline only, reads the counts the
 * store keeps with every add, move and delete (src/store/repositories/crm.ts); any other filter
 * counts the records. Both must agree whatever the writes were, through either API.
 */
import { describe, expect, it } from 'vitest';
import { ok } from './support/calls.js';
import { useServer } from './support/server.js';

const server = useServer();
const call = (method: string, params: unknown = {}) => ok(server(), method, params);

/** `total` of crm.item.list with this filter. */
async function total(entityTypeId: number, filter: Record<string, unknown> = {}): Promise<number> {
  return (await call('crm.item.list', { entityTypeId, filter, select: ['id'] })).total;
}

/** The same total counted over the records: `>id: 0` is no pipeline-only filter. */
const counted = (entityTypeId: number, filter: Record<string, unknown> = {}) =>
  total(entityTypeId, { ...filter, '>id': 0 });

async function expectTotals(entityTypeId: number, filters: Record<string, unknown>[]) {
  for (const filter of filters) {
    expect({ filter, total: await total(entityTypeId, filter) }).toEqual({
      filter,
      total: await counted(entityTypeId, filter),
    });
  }
}

describe('kept counts behind total', () => {
  it('follow deals added, moved between pipelines and deleted, through crm.deal.* and crm.item.*', async () => {
    const pipeline = (await call('crm.category.add', { entityTypeId: 2, fields: { name: 'Counted' } })).result.category
      .id;
    const before = await total(2);
    const classic = await Promise.all([1, 2, 3].map((i) => call('crm.deal.add', { fields: { TITLE: `c${i}` } })));
    const items = await Promise.all(
      [1, 2].map((i) => call('crm.item.add', { entityTypeId: 2, fields: { title: `i${i}`, categoryId: pipeline } })),
    );
    expect(await total(2)).toBe(before + 5);
    expect(await total(2, { categoryId: pipeline })).toBe(2);
    await call('crm.item.update', { entityTypeId: 2, id: classic[0].result, fields: { categoryId: pipeline } });
    await call('crm.deal.delete', { id: classic[1].result });
    await call('crm.item.delete', { entityTypeId: 2, id: items[0].result.item.id });
    expect(await total(2)).toBe(before + 3);
    expect(await total(2, { categoryId: pipeline })).toBe(2);
    expect((await call('crm.deal.list', { filter: { CATEGORY_ID: pipeline } })).total).toBe(2);
    await expectTotals(2, [{}, { categoryId: 0 }, { categoryId: pipeline }, { '@categoryId': [0, pipeline] }]);
    expect(await total(2, { '@categoryId': [pipeline, 999] })).toBe(2);
    expect(await total(2, { categoryId: 999 })).toBe(0);
  });

  it('follow contacts and companies, and a failed delete changes nothing', async () => {
    const contacts = await total(3);
    const companies = await total(4);
    const contact = (await call('crm.contact.add', { fields: { NAME: 'Counted' } })).result;
    await call('crm.item.add', { entityTypeId: 4, fields: { title: 'Counted Ltd' } });
    expect([await total(3), await total(4)]).toEqual([contacts + 1, companies + 1]);
    await call('crm.item.delete', { entityTypeId: 3, id: contact });
    const again = await server().call('crm.item.delete', { entityTypeId: 3, id: contact });
    expect(again.body.error).toBe('NOT_FOUND');
    expect([await total(3), await total(4)]).toEqual([contacts, companies + 1]);
    await expectTotals(3, [{}]);
    await expectTotals(4, [{}]);
  });

  it('keep each smart process apart, by pipeline', async () => {
    const add = (title: string) =>
      call('crm.type.add', { fields: { title, isCategoriesEnabled: 'Y', isStagesEnabled: 'Y' } });
    const [first, second] = [(await add('Counted A')).result.type, (await add('Counted B')).result.type];
    const pipeline = (
      await call('crm.category.add', { entityTypeId: first.entityTypeId, fields: { name: 'Second pipeline' } })
    ).result.category.id;
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const fields = i < 3 ? { title: `a${i}` } : { title: `a${i}`, categoryId: pipeline };
      ids.push((await call('crm.item.add', { entityTypeId: first.entityTypeId, fields })).result.item.id);
    }
    await call('crm.item.add', { entityTypeId: second.entityTypeId, fields: { title: 'b' } });
    await call('crm.item.delete', { entityTypeId: first.entityTypeId, id: ids[0] });
    expect([await total(first.entityTypeId), await total(second.entityTypeId)]).toEqual([3, 1]);
    expect(await total(first.entityTypeId, { categoryId: pipeline })).toBe(1);
    await expectTotals(first.entityTypeId, [{}, { categoryId: pipeline }]);
  });

  it('stay exact under parallel adds and deletes', async () => {
    const before = await total(2);
    const ids = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => (await call('crm.deal.add', { fields: { TITLE: `p${i}` } })).result),
    );
    await Promise.all(ids.slice(0, 8).map((id) => call('crm.item.delete', { entityTypeId: 2, id })));
    expect(await total(2)).toBe(before + 12);
    await expectTotals(2, [{}, { categoryId: 0 }]);
  });

  it('are rolled back with a write that fails', async () => {
    const before = await total(2);
    await expect(
      server().server.store.write(async (repos) => {
        await repos.crm.insert('crm_deal', { title: 'rolled back', category_id: 0 });
        throw new Error('the write fails');
      }),
    ).rejects.toThrow('the write fails');
    expect(await total(2)).toBe(before);
    expect(await counted(2)).toBe(before);
  });

  it('are counted again, and items numbered as they were, when a state saved without them is loaded', async () => {
    const { store } = server().server;
    const before = await total(2);
    const type = (await call('crm.type.add', { fields: { title: 'Older state' } })).result.type.entityTypeId;
    const item = (await call('crm.item.add', { entityTypeId: type, fields: { title: 'kept' } })).result.item.id;
    // A snapshot taken before the counts were kept: its rows, and no crm_record_count.
    await store.db.deleteFrom('crm_record_count').execute();
    await call('crm.deal.add', { fields: { TITLE: 'after the counts went' } });
    expect(await total(2)).toBe(1);
    const { saveSnapshot, loadSnapshot } = await import('../src/store/state.js');
    await saveSnapshot(store, 'without-counts', 0);
    const saved = await store.db
      .selectFrom('snapshot')
      .select('payload')
      .where('name', '=', 'without-counts')
      .execute();
    const payload = JSON.parse(saved[0]?.payload ?? '{}');
    delete payload.crm_record_count;
    // Before migration 018 items had one id sequence for all types and no item_id.
    delete payload.crm_item_sequence;
    for (const row of payload.crm_dynamic_item.rows) row.item_id = undefined;
    await store.db
      .updateTable('snapshot')
      .set({ payload: JSON.stringify(payload) })
      .where('name', '=', 'without-counts')
      .execute();
    expect(await loadSnapshot(store, 'without-counts')).toBe(true);
    expect(await total(2)).toBe(before + 1);
    await expectTotals(2, [{}, { categoryId: 0 }]);
    const { rows } = payload.crm_dynamic_item;
    const rowId = rows.find((r: { entity_type_id: number }) => Number(r.entity_type_id) === type).id;
    expect((await call('crm.item.get', { entityTypeId: type, id: rowId })).result.item.title).toBe('kept');
    const next = (await call('crm.item.add', { entityTypeId: type, fields: { title: 'next' } })).result.item.id;
    expect(next).toBe(Number(rowId) + 1);
    expect(item).toBe(1);
  });
});
