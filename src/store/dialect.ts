/**
 * The two databases the store runs on. Domain code never asks which; the store's repositories
 * and migrations do, for the few statements the dialects spell differently.
 */
import { PostgresAdapter } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

/** A Kysely instance or transaction's dialect. */
export function dialectOf(db: { getExecutor(): { adapter: unknown } }): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}
