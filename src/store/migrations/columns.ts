import type { CreateTableBuilder } from 'kysely';

/**
 * An auto-incrementing integer primary key in every dialect: SQLite's INTEGER PRIMARY KEY
 * AUTOINCREMENT (ids are never reused, as in Bitrix), PostgreSQL's identity column.
 */
export function idColumn<T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'> {
  return table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
