import type { CreateTableBuilder, Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

/**
 * An auto-incrementing integer primary key in every dialect: SQLite's INTEGER PRIMARY KEY
 * AUTOINCREMENT (ids are never reused, as in Bitrix), PostgreSQL's identity column.
 */
export function createTableWithId(db: Kysely<unknown>, table: string): CreateTableBuilder<string, 'id'> {
  const builder = db.schema.createTable(table);
  return dialectOf(db) === 'postgres'
    ? builder.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : builder.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
