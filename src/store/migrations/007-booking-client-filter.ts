/**
 * `booking.list` `filter.client` looks bookings up by their clients (type and id): an index on
 * what it asks for, so its cost follows the matching clients, not every client row.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('booking_client_by_client')
    .on('booking_client')
    .columns(['client_id', 'client_type_id', 'owner_kind'])
    .execute();
}
