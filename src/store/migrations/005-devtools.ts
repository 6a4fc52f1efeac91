import type { Kysely } from 'kysely';
import { createTableWithId } from './columns.js';

/** Named snapshots of the server's state, for test suites that return to a known point. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTableWithId(db, 'snapshot')
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
