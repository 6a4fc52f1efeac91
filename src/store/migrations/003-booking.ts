import type { Kysely } from 'kysely';
import { createTableWithId } from './columns.js';

/** Resource types, resources and their slots, bookings with their resources and external data. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTableWithId(db, 'resource_type')
    .addColumn('module_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint')
    .addUniqueConstraint('resource_type_module_code', ['module_id', 'code'])
    .execute();

  await createTableWithId(db, 'resource')
    .addColumn('type_id', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('is_main', 'bigint', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('created_by', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint')
    .addColumn('is_deleted', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('resource_live_type').on('resource').columns(['is_deleted', 'type_id', 'id']).execute();

  await createTableWithId(db, 'resource_slot')
    .addColumn('resource_id', 'bigint', (c) => c.notNull())
    .addColumn('minute_from', 'bigint', (c) => c.notNull())
    .addColumn('minute_to', 'bigint', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('week_days', 'text', (c) => c.notNull())
    .addColumn('slot_size', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('resource_slot_resource').on('resource_slot').column('resource_id').execute();

  await createTableWithId(db, 'booking')
    .addColumn('name', 'text')
    .addColumn('description', 'text')
    .addColumn('note', 'text')
    .addColumn('date_from', 'bigint', (c) => c.notNull())
    .addColumn('date_to', 'bigint', (c) => c.notNull())
    .addColumn('duration', 'bigint', (c) => c.notNull())
    .addColumn('timezone_from', 'text', (c) => c.notNull())
    .addColumn('timezone_to', 'text', (c) => c.notNull())
    .addColumn('created_by', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint')
    .addColumn('is_deleted', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  // A period search reads date_from in [from - longest duration, to): both bounds come from indexes.
  await db.schema.createIndex('booking_live_from').on('booking').columns(['is_deleted', 'date_from']).execute();
  await db.schema.createIndex('booking_live_duration').on('booking').columns(['is_deleted', 'duration']).execute();
  await db.schema
    .createIndex('booking_live_created')
    .on('booking')
    .columns(['is_deleted', 'created_at', 'id'])
    .execute();

  await createTableWithId(db, 'booking_resource')
    .addColumn('booking_id', 'bigint', (c) => c.notNull())
    .addColumn('resource_id', 'bigint', (c) => c.notNull())
    .addColumn('date_from', 'bigint', (c) => c.notNull())
    .addColumn('date_to', 'bigint', (c) => c.notNull())
    .addColumn('duration', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('booking_resource_period')
    .on('booking_resource')
    .columns(['resource_id', 'date_from', 'date_to'])
    .execute();
  await db.schema
    .createIndex('booking_resource_duration')
    .on('booking_resource')
    .columns(['resource_id', 'duration'])
    .execute();
  await db.schema.createIndex('booking_resource_booking').on('booking_resource').column('booking_id').execute();

  await createTableWithId(db, 'booking_external_data')
    .addColumn('booking_id', 'bigint', (c) => c.notNull())
    .addColumn('module_id', 'text', (c) => c.notNull())
    .addColumn('entity_type_id', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('booking_external_data_booking')
    .on('booking_external_data')
    .column('booking_id')
    .execute();
}
