import type { CreateTableBuilder, Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

/**
 * An auto-incrementing integer primary key in every dialect: SQLite's INTEGER PRIMARY KEY
 * AUTOINCREMENT (ids are never reused, as in Bitrix), PostgreSQL's bigint identity column.
 *
 * Every other integer column is `bigint` too. SQLite's integers are 64-bit whatever the name;
 * PostgreSQL's `integer` is 32-bit and refuses to compare with a larger value, where PHP's ids
 * are 64-bit: a client's `typeId: 3000000000` must find nothing, not fail.
 */
export function createTableWithId(db: Kysely<unknown>, table: string): CreateTableBuilder<string, 'id'> {
  const builder = db.schema.createTable(table);
  return dialectOf(db) === 'postgres'
    ? builder.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : builder.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
