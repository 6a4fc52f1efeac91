import type { Kysely } from 'kysely';
import { createTableWithId } from './columns.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await createTableWithId(db, 'webhook')
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await createTableWithId(db, 'wait_list_item')
    .addColumn('created_by', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint')
    .addColumn('note', 'text')
    .addColumn('is_deleted', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  // createdWithin filters and pages walk live entries in id order.
  await db.schema
    .createIndex('wait_list_item_live_created')
    .on('wait_list_item')
    .columns(['is_deleted', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('wait_list_item_live_id').on('wait_list_item').columns(['is_deleted', 'id']).execute();

  await createTableWithId(db, 'wait_list_external_data')
    .addColumn('wait_list_item_id', 'bigint', (c) => c.notNull())
    .addColumn('module_id', 'text', (c) => c.notNull())
    .addColumn('entity_type_id', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('wait_list_external_data_item')
    .on('wait_list_external_data')
    .column('wait_list_item_id')
    .execute();

  await createTableWithId(db, 'event_outbox')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
