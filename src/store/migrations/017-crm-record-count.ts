/**
 * How many records each CRM object type holds, per pipeline: `total` of an unfiltered list (or
 * one filtered by pipeline only) reads these rows rather than counting every record, so its
 * cost does not grow with the records (bench/crm-item-list.mjs). Written in the transaction of
 * every add and delete (src/store/repositories/crm.ts); this migration counts what is there.
 * And the indexes a pipeline's page reads.
 */
import { type Kysely, sql } from 'kysely';
import { createTableWithId } from './columns.js';

/** Records of a type with no pipelines (contacts, companies) count under this category. */
const NO_CATEGORY = -1;

export async function up(db: Kysely<unknown>): Promise<void> {
  await createTableWithId(db, 'crm_record_count')
    .addColumn('entity_type_id', 'bigint', (c) => c.notNull())
    .addColumn('category_id', 'bigint', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('crm_record_count_key')
    .on('crm_record_count')
    .columns(['entity_type_id', 'category_id'])
    .unique()
    .execute();
  // A pipeline's page in id order reads its records in that order, with no sort of the pipeline.
  await db.schema.createIndex('crm_deal_category').on('crm_deal').columns(['category_id', 'id']).execute();
  await sql`insert into crm_record_count (entity_type_id, category_id, n)
    select 2, coalesce(category_id, ${sql.lit(NO_CATEGORY)}), count(*) from crm_deal group by coalesce(category_id, ${sql.lit(NO_CATEGORY)})`.execute(
    db,
  );
  await sql`insert into crm_record_count (entity_type_id, category_id, n)
    select 3, ${sql.lit(NO_CATEGORY)}, count(*) from crm_contact having count(*) > 0`.execute(db);
  await sql`insert into crm_record_count (entity_type_id, category_id, n)
    select 4, ${sql.lit(NO_CATEGORY)}, count(*) from crm_company having count(*) > 0`.execute(db);
  await sql`insert into crm_record_count (entity_type_id, category_id, n)
    select entity_type_id, coalesce(category_id, ${sql.lit(NO_CATEGORY)}), count(*) from crm_dynamic_item
    group by entity_type_id, coalesce(category_id, ${sql.lit(NO_CATEGORY)})`.execute(db);
}
