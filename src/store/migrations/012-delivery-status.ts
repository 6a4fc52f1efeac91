/**
 * The HTTP status a handler answered a delivery's last try with (null: no answer came), so the
 * admin API can show it for deliveries that succeeded as well as for those that failed.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('event_delivery').addColumn('last_status', 'integer').execute();
}
