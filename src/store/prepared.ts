/**
 * Statements built and compiled once. Building a Kysely query and compiling it to SQL costs
 * more than SQLite takes to run a small one (measured: about a third of a wait-list write's CPU),
 * so the statements every request runs are built once per dialect with placeholders, and each
 * call only fills in the values.
 *
 *   const byHash = prepared((db, hash: string) => db.selectFrom('webhook').selectAll().where('secret_hash', '=', hash));
 *   const rows = await byHash.all(executor, secretHash);
 *
 * Statements over a list (an IN list, a multi-row insert) have one text per length; see
 * `preparedIn` and `preparedRows` below.
 */
import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { directSqlite, type QueryOutcome } from './sqlite-direct.js';

type Executor = Kysely<Database>;

interface Compiled {
  sql: string;
  /** For each parameter of the SQL: the index of the argument it takes, or the fixed value. */
  parameters: ({ arg: number } | { value: unknown })[];
}

/**
 * Marks where argument `i` lands among the compiled parameters. Only the one compilation sees
 * markers; calls fill in values by position, so a caller's value can never be taken for one.
 */
const marker = (i: number) => `b24-prepared-argument-${i}`;
const MARKER = /^b24-prepared-argument-(\d+)$/;

export class Prepared<A extends unknown[], R> {
  /** One compiled form per dialect (the adapter tells them apart). */
  private readonly byAdapter = new WeakMap<object, Compiled>();

  constructor(
    private readonly build: (db: Executor, ...args: A) => Compilable<R>,
    /** How many arguments `build` takes after `db` (a rest parameter does not count in `length`). */
    private readonly arity = build.length - 1,
  ) {}

  private compiled(db: Executor): Compiled {
    const adapter = db.getExecutor().adapter;
    let compiled = this.byAdapter.get(adapter);
    if (compiled === undefined) {
      const args = Array.from({ length: this.arity }, (_, i) => marker(i)) as A;
      const query = this.build(db, ...args).compile();
      compiled = {
        sql: query.sql,
        parameters: query.parameters.map((p) => {
          const match = typeof p === 'string' ? MARKER.exec(p) : null;
          return match ? { arg: Number(match[1]) } : { value: p };
        }),
      };
      this.byAdapter.set(adapter, compiled);
    }
    return compiled;
  }

  private query(db: Executor, args: A): CompiledQuery<R> {
    const { sql, parameters } = this.compiled(db);
    return CompiledQuery.raw(
      sql,
      parameters.map((p) => ('arg' in p ? args[p.arg] : p.value)),
    ) as CompiledQuery<R>;
  }

  private execute(db: Executor, args: A): QueryOutcome | Promise<QueryOutcome> {
    const direct = directSqlite.get(db.getExecutor().adapter);
    if (direct) {
      const { sql, parameters } = this.compiled(db);
      const values = parameters.map((p) => ('arg' in p ? args[p.arg] : p.value));
      return direct.execute(sql, values, db.isTransaction);
    }
    return db.executeQuery(this.query(db, args));
  }

  async all(db: Executor, ...args: A): Promise<R[]> {
    const outcome = this.execute(db, args);
    // SQLite answers at once: no await (a microtask each) where there is nothing to wait for.
    return (outcome instanceof Promise ? await outcome : outcome).rows as R[];
  }

  async first(db: Executor, ...args: A): Promise<R | undefined> {
    const outcome = this.execute(db, args);
    return (outcome instanceof Promise ? await outcome : outcome).rows[0] as R | undefined;
  }

  /** For insert, update and delete: how many rows it touched. */
  async run(db: Executor, ...args: A): Promise<number> {
    const outcome = this.execute(db, args);
    return Number((outcome instanceof Promise ? await outcome : outcome).numAffectedRows ?? 0);
  }
}

export function prepared<A extends unknown[], R>(build: (db: Executor, ...args: A) => Compilable<R>): Prepared<A, R> {
  return new Prepared(build);
}

/**
 * The longest piece a list statement takes. Lists run in pieces whose lengths are powers of two
 * up to this one (the full pieces, then the binary digits of the rest), so each list statement
 * has at most 9 texts, each built once, and a list of n items runs floor(n / 256) + (the set bits
 * of n % 256) statements: one for the usual single link or deal, 86 for the 20,000 links of the
 * fuzz test. 256 rows of a few columns stay far below the bound variables SQLite (32,766) and
 * PostgreSQL (65,535) allow in one statement.
 */
const LONGEST_PIECE = 256;

/** The lengths of the pieces a list of `count` items runs in. */
function pieceLengths(count: number): number[] {
  const lengths: number[] = [];
  let rest = count;
  for (; rest >= LONGEST_PIECE; rest -= LONGEST_PIECE) lengths.push(LONGEST_PIECE);
  for (let length = LONGEST_PIECE / 2; length >= 1; length /= 2) {
    if (rest >= length) {
      lengths.push(length);
      rest -= length;
    }
  }
  return lengths;
}

/**
 * A statement over a list of items, each item `width` values: one `Prepared` per piece length
 * (see `pieceLengths`), built from `build` with markers in place of the items' values.
 */
export class PreparedList<T, A extends unknown[], R> {
  private readonly byLength = new Map<number, Prepared<unknown[], R>>();

  constructor(
    private readonly width: number,
    /** An item's values, in the order `gather` takes them. */
    private readonly spread: (item: T) => readonly unknown[],
    /** An item made of values (markers, when the statement is built). */
    private readonly gather: (values: readonly unknown[]) => T,
    private readonly build: (db: Executor, items: T[], ...args: A) => Compilable<R>,
  ) {}

  private statement(length: number): Prepared<unknown[], R> {
    let statement = this.byLength.get(length);
    if (statement === undefined) {
      const values = length * this.width;
      statement = new Prepared(
        (db, ...flat: unknown[]) => {
          const items = Array.from({ length }, (_, i) => this.gather(flat.slice(i * this.width, (i + 1) * this.width)));
          return this.build(db, items, ...(flat.slice(values) as A));
        },
        values + this.build.length - 2,
      );
      this.byLength.set(length, statement);
    }
    return statement;
  }

  /** The values of `length` items from `at`, then the other arguments: one piece's call. */
  private values(items: readonly T[], at: number, length: number, args: A): unknown[] {
    const values: unknown[] = [];
    for (let i = at; i < at + length; i++) values.push(...this.spread(items[i] as T));
    values.push(...args);
    return values;
  }

  /** Every row the pieces give, piece after piece; none for an empty list. */
  async all(db: Executor, items: readonly T[], ...args: A): Promise<R[]> {
    const rows: R[] = [];
    let at = 0;
    for (const length of pieceLengths(items.length)) {
      rows.push(...(await this.statement(length).all(db, ...this.values(items, at, length, args))));
      at += length;
    }
    return rows;
  }

  /** For insert, update and delete: how many rows the pieces touched together. */
  async run(db: Executor, items: readonly T[], ...args: A): Promise<number> {
    let touched = 0;
    let at = 0;
    for (const length of pieceLengths(items.length)) {
      touched += await this.statement(length).run(db, ...this.values(items, at, length, args));
      at += length;
    }
    return touched;
  }
}

/**
 * A statement over a list of values, typically an IN list; each distinct value is sent once, so
 * the pieces never return a row twice.
 *
 *   const deals = preparedIn((db, ids: number[]) => db.selectFrom('crm_deal').selectAll().where('id', 'in', ids));
 *   const rows = await deals.all(executor, dealIds);
 */
export function preparedIn<V, A extends unknown[], R>(
  build: (db: Executor, values: V[], ...args: A) => Compilable<R>,
): { all(db: Executor, values: readonly V[], ...args: A): Promise<R[]> } {
  const list = new PreparedList<V, A, R>(
    1,
    (value) => [value],
    ([value]) => value as V,
    build,
  );
  return { all: (db, values, ...args) => list.all(db, [...new Set(values)], ...args) };
}

/**
 * A multi-row insert, its rows in order (several statements for a long list, so run it inside
 * a transaction). `fields` names the row fields `build` reads.
 *
 *   const insert = preparedRows(['name'], (db, rows: { name: string }[], ownerId: number) =>
 *     db.insertInto('t').values(rows.map((r) => ({ owner_id: ownerId, name: r.name }))));
 *   await insert.run(executor, rows, ownerId);
 */
export function preparedRows<T extends object, A extends unknown[], R>(
  fields: readonly (keyof T)[],
  build: (db: Executor, rows: T[], ...args: A) => Compilable<R>,
): PreparedList<T, A, R> {
  return new PreparedList<T, A, R>(
    fields.length,
    (row) => fields.map((field) => row[field]),
    (values) => Object.fromEntries(fields.map((field, i) => [field, values[i]])) as T,
    build,
  );
}
