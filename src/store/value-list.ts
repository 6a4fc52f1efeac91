/**
 * `column IN (...)` over a list the caller sized (filter lists, a booking's resources, ids to
 * clear). Each value of an IN list is a bound parameter, and a statement may bind at most
 * 32,766 on SQLite and 65,535 on PostgreSQL, so a long list is bound as one parameter instead:
 * a JSON array read by `json_each` on SQLite, an array compared with `= ANY` on PostgreSQL.
 * Short lists keep the plain IN list the planners know best.
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { DialectName } from './dialect.js';

/** Lists up to this long are bound value by value. */
const LONGEST_INLINE = 256;

/**
 * `column IN (values)`, or `NOT IN` with `negate`; an empty list matches nothing (everything
 * when negated). Values are numbers, strings or nulls, compared as a plain IN list compares them.
 */
export function inValues(
  column: string | Expression<unknown>,
  values: readonly unknown[],
  dialect: DialectName,
  negate = false,
): RawBuilder<SqlBool> {
  const ref = typeof column === 'string' ? sql.ref(column) : column;
  const not = negate ? sql.raw('not ') : sql.raw('');
  if (values.length === 0) return sql<SqlBool>`${sql.lit(negate ? 1 : 0)} = 1`;
  if (values.length <= LONGEST_INLINE) return sql<SqlBool>`${ref} ${not}in (${sql.join(values)})`;
  if (dialect === 'postgres') return sql<SqlBool>`${not}(${ref} = any(${sql.val([...values])}))`;
  return sql<SqlBool>`${ref} ${not}in (select value from json_each(${JSON.stringify(values)}))`;
}
