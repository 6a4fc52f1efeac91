/**
 * The portals a server holds (src/portals/), kept in the default portal's database: each
 * portal's name, member id and settings, and which portal each credential belongs to, so a call
 * finds its portal from its credentials. Other portals' databases carry these tables empty.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('portal')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('portal_credential')
    .addColumn('secret_hash', 'text', (c) => c.primaryKey())
    .addColumn('portal', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('portal_credential_portal').on('portal_credential').column('portal').execute();
}
