/**
 * Event subscriptions and their delivery: the handlers bound with `event.bind`, one delivery
 * row per outbox entry and online handler (its state, tries and next try live here, not in
 * process memory, so a crash delays an event but never drops it), and the offline queue that
 * `event.offline.*` read. Outbox entries are marked once fanned out to their handlers.
 */
import type { Kysely } from 'kysely';
import { createTableWithId } from './columns.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Null until the delivery worker has made the entry's deliveries; the worker reads these.
  await db.schema.alterTable('event_outbox').addColumn('dispatched_at', 'bigint').execute();
  await db.schema
    .createIndex('event_outbox_undispatched')
    .on('event_outbox')
    .columns(['dispatched_at', 'id'])
    .execute();

  // The secret each application's handlers receive as auth[application_token].
  await db.schema.alterTable('oauth_app').addColumn('application_token', 'text').execute();

  // Bitrix's b_rest_event: event names upper-case, handler '' for offline bindings.
  await createTableWithId(db, 'event_handler')
    .addColumn('app_id', 'bigint', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('handler', 'text', (c) => c.notNull())
    // auth_type: the user the handler's tokens are issued for; 0 = the user who bound it.
    .addColumn('auth_type', 'bigint', (c) => c.notNull())
    .addColumn('bound_by', 'bigint', (c) => c.notNull())
    .addColumn('offline', 'bigint', (c) => c.notNull())
    .addColumn('auth_connector', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('event_handler_binding')
    .on('event_handler')
    .columns(['app_id', 'event', 'handler', 'auth_type', 'auth_connector'])
    .unique()
    .execute();
  await db.schema.createIndex('event_handler_event').on('event_handler').columns(['event', 'offline']).execute();

  // One row per (outbox entry, online handler). `due_at` is the next try, or the end of the
  // lease of a try in flight: a worker that dies mid-try leaves the row due again after it.
  await createTableWithId(db, 'event_delivery')
    .addColumn('outbox_id', 'bigint', (c) => c.notNull())
    .addColumn('handler_id', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'bigint', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_delivery_due').on('event_delivery').columns(['state', 'due_at']).execute();
  await db.schema
    .createIndex('event_delivery_pair')
    .on('event_delivery')
    .columns(['outbox_id', 'handler_id'])
    .unique()
    .execute();

  // Bitrix's b_rest_event_offline: the current state of each changed object, not its history.
  await createTableWithId(db, 'event_offline')
    .addColumn('app_id', 'bigint', (c) => c.notNull())
    .addColumn('connector', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('process_id', 'text', (c) => c.notNull())
    .addColumn('error', 'bigint', (c) => c.notNull())
    .addColumn('timestamp_x', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('event_offline_queue')
    .on('event_offline')
    .columns(['app_id', 'connector', 'process_id', 'message_id'])
    .execute();
}
