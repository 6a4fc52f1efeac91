/**
 * The CRM's reference lists (`crm.status.*`: stages, sources, types, ...) and pipelines
 * (`crm.category.*`), and the indexes deal lists by user and by stage read. A new portal's defaults are not rows here: they live in src/crm/reference
 * and are written on the first change, so a fresh or reset portal holds no state of its own.
 */
import type { Kysely } from 'kysely';
import { createTableWithId } from './columns.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await createTableWithId(db, 'crm_status')
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('status_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_init', 'text', (c) => c.notNull())
    .addColumn('sort', 'bigint', (c) => c.notNull())
    .addColumn('system', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull())
    .addColumn('semantics', 'text')
    .addColumn('category_id', 'bigint')
    .execute();
  await db.schema.createIndex('crm_status_entity').on('crm_status').columns(['entity_id', 'status_id']).execute();
  // What deal lists filter by most (a user's deals, a pipeline's stage), so such a page reads
  // the matching deals rather than every deal (bench/crm-item-list.mjs).
  await db.schema.createIndex('crm_deal_assigned').on('crm_deal').column('assigned_by_id').execute();
  await db.schema.createIndex('crm_deal_stage').on('crm_deal').columns(['category_id', 'stage_id']).execute();
  await createTableWithId(db, 'crm_category')
    .addColumn('entity_type_id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sort', 'bigint', (c) => c.notNull())
    .addColumn('is_default', 'text', (c) => c.notNull())
    .execute();
}
