/**
 * Statements built and compiled once. Building a Kysely query and compiling it to SQL costs
 * more than SQLite takes to run a small one (measured: about a third of a wait-list write's CPU),
 * so the statements every request runs are built once per dialect with placeholders, and each
 * call only fills in the values.
 *
 *   const byHash = prepared((db, hash: string) => db.selectFrom('webhook').selectAll().where('secret_hash', '=', hash));
 *   const rows = await byHash.all(executor, secretHash);
 */
import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { directSqlite } from './sqlite-direct.js';

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

  constructor(private readonly build: (db: Executor, ...args: A) => Compilable<R>) {}

  private compiled(db: Executor): Compiled {
    const adapter = db.getExecutor().adapter;
    let compiled = this.byAdapter.get(adapter);
    if (compiled === undefined) {
      const args = Array.from({ length: this.build.length - 1 }, (_, i) => marker(i)) as A;
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

  private execute(db: Executor, args: A): Promise<{ rows: unknown[]; numAffectedRows?: bigint }> {
    const direct = directSqlite.get(db.getExecutor().adapter);
    if (direct) {
      const { sql, parameters } = this.compiled(db);
      const values = parameters.map((p) => ('arg' in p ? args[p.arg] : p.value));
      return direct.execute(sql, values, db.isTransaction);
    }
    return db.executeQuery(this.query(db, args));
  }

  async all(db: Executor, ...args: A): Promise<R[]> {
    return (await this.execute(db, args)).rows as R[];
  }

  async first(db: Executor, ...args: A): Promise<R | undefined> {
    return (await this.all(db, ...args))[0];
  }

  /** For insert, update and delete: how many rows it touched. */
  async run(db: Executor, ...args: A): Promise<number> {
    const result = await this.execute(db, args);
    return Number(result.numAffectedRows ?? 0);
  }
}

export function prepared<A extends unknown[], R>(build: (db: Executor, ...args: A) => Compilable<R>): Prepared<A, R> {
  return new Prepared(build);
}
