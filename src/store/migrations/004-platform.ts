/**
 * The platform's shared state: users, OAuth applications with their codes and tokens, and the
 * counters of the rate and operating-time limits. All of it lives here, not in process memory,
 * because several server processes may share one PostgreSQL database.
 */
import type { Kysely } from 'kysely';
import { createTableWithId } from './columns.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Ids are the Bitrix user ids webhooks and tokens act as, given explicitly.
  await createTableWithId(db, 'portal_user')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('is_admin', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // One row per setting that must be the same for every process (the portal's member_id).
  await createTableWithId(db, 'portal_setting')
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await createTableWithId(db, 'oauth_app')
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('client_secret_hash', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('handler_url', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await createTableWithId(db, 'oauth_code')
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('app_id', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();

  // One row per issued pair; the refresh token is spent (refreshed_at) when it is exchanged.
  await createTableWithId(db, 'oauth_token')
    .addColumn('access_hash', 'text', (c) => c.notNull().unique())
    .addColumn('refresh_hash', 'text', (c) => c.notNull().unique())
    .addColumn('app_id', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('access_expires_at', 'bigint', (c) => c.notNull())
    .addColumn('refresh_expires_at', 'bigint', (c) => c.notNull())
    .addColumn('refreshed_at', 'bigint')
    .execute();

  // The leaky bucket of each client: its level as of updated_at.
  await createTableWithId(db, 'rate_bucket')
    .addColumn('client_key', 'text', (c) => c.notNull().unique())
    .addColumn('level', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // Operating time per client and method in one-minute baskets.
  await createTableWithId(db, 'operating_basket')
    .addColumn('client_key', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('minute', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('seconds', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('operating_basket_key')
    .on('operating_basket')
    .columns(['client_key', 'method', 'minute'])
    .unique()
    .execute();
}
