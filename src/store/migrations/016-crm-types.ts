/**
 * Smart processes (`crm.type.*`) and their items (`crm.item.*` with the type's entityTypeId):
 * the items of every type share one table, told apart by `entity_type_id`.
 */
import type { Kysely } from 'kysely';
import { createTableWithId } from './columns.js';

const T = 'text' as const;
const I = 'bigint' as const;
const D = 'double precision' as const;

const ITEM_COLUMNS: [string, typeof T | typeof I | typeof D][] = [
  ['xml_id', T],
  ['title', T],
  ['assigned_by_id', I],
  ['created_by_id', I],
  ['modify_by_id', I],
  ['date_create', I],
  ['date_modify', I],
  ['opened', T],
  ['begindate', I],
  ['closedate', I],
  ['company_id', I],
  ['contact_id', I],
  ['opportunity', D],
  ['is_manual_opportunity', T],
  ['tax_value', D],
  ['currency_id', T],
  ['category_id', I],
  ['stage_id', T],
  ['previous_stage_id', T],
  ['source_id', T],
  ['source_description', T],
  ['moved_by_id', I],
  ['moved_time', I],
  ['last_activity_time', I],
  ['last_activity_by', I],
  ['observers', T],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await createTableWithId(db, 'crm_type')
    .addColumn('entity_type_id', 'bigint', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('code', 'text')
    /** JSON of the type's flags (`isCategoriesEnabled`, ...), relations and linked user fields. */
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('created_by', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'bigint', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('updated_time', 'bigint', (c) => c.notNull())
    .execute();
  let items = createTableWithId(db, 'crm_dynamic_item').addColumn('entity_type_id', 'bigint', (c) => c.notNull());
  for (const [column, kind] of ITEM_COLUMNS) items = items.addColumn(column, kind);
  await items.execute();
  await db.schema
    .createIndex('crm_dynamic_item_type')
    .on('crm_dynamic_item')
    .columns(['entity_type_id', 'id'])
    .execute();
}
