/**
 * The statements of every request, run on SQLite without Kysely's executor. Its promise chain
 * (plugins, connection provider, query id) cost more under concurrent HTTP load than SQLite
 * takes to run a small statement: measured with a bare node:http route awaiting one SELECT,
 * 63,000 req/s called directly, 21,000 through Kysely. The statements themselves are the ones
 * Kysely compiled (see prepared.ts); only their execution takes the short way.
 */
import type { SqliteDatabase } from 'kysely';

export interface QueryOutcome {
  rows: unknown[];
  numAffectedRows?: bigint;
}

/** The one connection's turn-taking, as the store's SQLite driver keeps it. */
export interface ConnectionTurns {
  /** Takes the connection at once if it is free. */
  tryTake(): boolean;
  /** Waits for the connection. */
  take(): Promise<unknown>;
  release(): Promise<void>;
}

export class DirectSqlite {
  constructor(
    private readonly database: SqliteDatabase,
    private readonly turns: () => ConnectionTurns,
  ) {}

  private run(sql: string, parameters: readonly unknown[]): QueryOutcome {
    const statement = this.database.prepare(sql);
    if (statement.reader) return { rows: statement.all(parameters) as unknown[] };
    return { rows: [], numAffectedRows: BigInt(statement.run(parameters).changes) };
  }

  /**
   * Inside a transaction the statement is part of it (the transaction holds the connection).
   * Outside, it takes its turn on the connection like any other query, so it never runs in the
   * middle of another request's transaction.
   */
  async execute(sql: string, parameters: readonly unknown[], inTransaction: boolean): Promise<QueryOutcome> {
    if (inTransaction) return this.run(sql, parameters);
    const turns = this.turns();
    if (!turns.tryTake()) await turns.take();
    try {
      return this.run(sql, parameters);
    } finally {
      await turns.release();
    }
  }
}

/** Each SQLite store's direct path, found through its Kysely adapter (shared by its transactions). */
export const directSqlite = new WeakMap<object, DirectSqlite>();
