/**
 * The outbox index holds only the entries waiting to be fanned out. Every write records an
 * entry, and one nothing is bound to is recorded as done at once: an index over every entry
 * grew with each write (an insert into it a write, and a tree as large as the outbox) to serve
 * queries that only ever look for waiting entries (`dispatched_at is null`).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('event_outbox_undispatched').execute();
  await db.schema
    .createIndex('event_outbox_undispatched')
    .on('event_outbox')
    .column('id')
    .where(sql.ref('dispatched_at'), 'is', null)
    .execute();
}
