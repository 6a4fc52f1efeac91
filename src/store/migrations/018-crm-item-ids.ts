/**
 * Each smart process numbers its own items, as on Bitrix24 (a table per type there): the id
 * `crm.item.*` shows is `item_id`, taken from the type's row of `crm_item_sequence` in the
 * transaction of the add, so ids are never reused within a type. `id` stays the row's key.
 * Items made before keep their numbers (item_id = id), and each type goes on from its largest.
 */
import { type Kysely, sql } from 'kysely';
import { createTableWithId } from './columns.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('crm_dynamic_item').addColumn('item_id', 'bigint').execute();
  await sql`update crm_dynamic_item set item_id = id`.execute(db);
  await db.schema.dropIndex('crm_dynamic_item_type').execute();
  await db.schema
    .createIndex('crm_dynamic_item_item')
    .on('crm_dynamic_item')
    .columns(['entity_type_id', 'item_id'])
    .unique()
    .execute();
  // A pipeline's page in id order reads its items in that order (as crm_deal_category does).
  await db.schema
    .createIndex('crm_dynamic_item_category')
    .on('crm_dynamic_item')
    .columns(['entity_type_id', 'category_id', 'item_id'])
    .execute();
  await createTableWithId(db, 'crm_item_sequence')
    .addColumn('entity_type_id', 'bigint', (c) => c.notNull().unique())
    .addColumn('last_id', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into crm_item_sequence (entity_type_id, last_id)
    select entity_type_id, max(item_id) from crm_dynamic_item group by entity_type_id`.execute(db);
}
