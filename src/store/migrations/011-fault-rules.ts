import type { Kysely } from 'kysely';
import { createTableWithId } from './columns.js';

/**
 * A portal's fault rules (src/faults/): each the rule as the admin API took it, and the counters
 * every process sharing the database updates with one atomic statement each, so `times` and a
 * seeded `probability` hold across `--workers`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createTableWithId(db, 'fault_rule')
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('times', 'bigint')
    .addColumn('fired', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('draws', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
