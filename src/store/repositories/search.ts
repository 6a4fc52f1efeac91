/** Case-insensitive substring search (`searchQuery`), with `%` and `_` taken literally. */
import { type Expression, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../dialect.js';

export function containsText(column: string, text: string, dialect: DialectName): Expression<SqlBool> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return dialect === 'postgres'
    ? sql<SqlBool>`${sql.ref(column)} ilike ${pattern} escape '\\'`
    : sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
}
