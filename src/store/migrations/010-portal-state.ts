/**
 * What a process must know of a portal before its first call, kept with its row.
 *
 * Its clock is stored with its row (as an offset from real time), so every process that
 * shares the database runs the portal on the same time, and a portal closed while idle and opened
 * again keeps the time it was put at. The default portal gets a row of its own at start-up for
 * the same reason: its settings and clock, changed through one process, reach the others.
 *
 * `delivers`: the portal has had an event binding, so a start opens it to deliver what is still
 * owed to its handlers, without waiting for its next call.
 *
 * `portal_credential.expires_at`: when an access token recorded in the directory stops working
 * (real time), so entries of tokens long expired are dropped.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('portal')
    .addColumn('clock_offset', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('portal')
    .addColumn('delivers', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('portal_credential').addColumn('expires_at', 'bigint').execute();
}
