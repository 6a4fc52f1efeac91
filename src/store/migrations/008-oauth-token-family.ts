/**
 * Token families (RFC 6749 section 4.1.2, RFC 9700 section 4.14.2): every pair issued from one
 * approval shares the id of the chain's first pair, and the code it came from points at it, so a
 * second use of a code or of a rotated refresh token revokes the whole chain. Pairs issued
 * before this migration each start a family of their own (how they descend is not recorded).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('oauth_token').addColumn('family_id', 'bigint').execute();
  await sql`update oauth_token set family_id = id`.execute(db);
  await db.schema.createIndex('oauth_token_family').on('oauth_token').column('family_id').execute();
  await db.schema.alterTable('oauth_code').addColumn('family_id', 'bigint').execute();
}
