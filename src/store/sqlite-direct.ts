/**
 * The statements of every request, run on SQLite without Kysely's executor. Its promise chain
 * (plugins, connection provider, query id) cost more under concurrent HTTP load than SQLite
 * takes to run a small statement: measured with a bare node:http route awaiting one SELECT,
 * 63,000 req/s called directly, 21,000 through Kysely. The statements themselves are the ones
 * Kysely compiled (see prepared.ts); only their execution takes the short way.
 */
import {
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type SqliteDatabase,
  type SqliteStatement,
  Transaction,
} from 'kysely';
import type { Database } from './schema.js';

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
  /** Hands the connection to the next in line, or frees it. */
  release(): void;
  /** The connection, for the statements of the transaction that holds it. */
  held(): DatabaseConnection;
}

/** The SQLite database, and whether a transaction is open on it. */
export interface TransactionalSqlite extends SqliteDatabase {
  readonly inTransaction: boolean;
}

export class DirectSqlite {
  constructor(
    private readonly database: TransactionalSqlite,
    private readonly turns: () => ConnectionTurns,
  ) {}

  /** Each reading statement's row maker (see `rowMaker`). */
  private readonly rowMakers = new WeakMap<object, (values: unknown[]) => unknown>();

  private run(sql: string, parameters: readonly unknown[]): QueryOutcome {
    const statement = this.database.prepare(sql) as SqliteStatement & RawStatement;
    if (!statement.reader) return { rows: [], numAffectedRows: BigInt(statement.run(parameters).changes) };
    let makeRow = this.rowMakers.get(statement);
    if (makeRow === undefined) {
      makeRow = rowMaker(statement.columns().map((column) => column.name));
      this.rowMakers.set(statement, makeRow);
    }
    // Rows as arrays, made objects here: better-sqlite3 builds each row object key by key
    // through V8's API (measured: a 50-row page 20-40% slower than arrays and `makeRow`).
    // Statements are shared with Kysely's path, which wants objects: raw only for this call.
    statement.raw(true);
    try {
      return { rows: (statement.all(parameters) as unknown[][]).map(makeRow) };
    } finally {
      statement.raw(false);
    }
  }

  /**
   * Inside a transaction the statement is part of it (the transaction holds the connection).
   * Outside, it takes its turn on the connection like any other query, so it never runs in the
   * middle of another request's transaction. When the connection is free (nearly always: every
   * statement runs synchronously), the answer is there at once, without a promise.
   */
  execute(sql: string, parameters: readonly unknown[], inTransaction: boolean): QueryOutcome | Promise<QueryOutcome> {
    if (inTransaction) {
      // A transaction's executor kept past its end must not run outside any transaction's turn.
      if (!this.database.inTransaction) throw new Error('A statement of a transaction that has ended');
      return this.run(sql, parameters);
    }
    const turns = this.turns();
    if (!turns.tryTake()) return this.afterTurn(sql, parameters);
    try {
      return this.run(sql, parameters);
    } finally {
      turns.release();
    }
  }

  private afterTurn(sql: string, parameters: readonly unknown[]): Promise<QueryOutcome> {
    return inTurn(this.turns(), () => this.run(sql, parameters));
  }
}

/** Runs `work` in the connection's turn (at once when it is free), then hands the turn on. */
async function inTurn<T>(turns: ConnectionTurns, work: () => T | Promise<T>): Promise<T> {
  if (!turns.tryTake()) await turns.take();
  try {
    return await work();
  } finally {
    turns.release();
  }
}

/** What better-sqlite3 statements have beyond Kysely's view of them. */
interface RawStatement {
  raw(on: boolean): unknown;
  columns(): { name: string }[];
}

/**
 * A function making a row object from a row's values: one object literal, so every row of a
 * statement has the same shape from the start. Column names go in as JSON string literals; a
 * name given twice keeps its last value, as better-sqlite3's own objects do.
 */
function rowMaker(names: readonly string[]): (values: unknown[]) => unknown {
  const fields = names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ');
  return new Function('v', `return { ${fields} };`) as (values: unknown[]) => unknown;
}

/**
 * Write transactions on the connection without Kysely's transaction machinery (its connection
 * provider, executor wrappers and a promise chain for each of BEGIN and COMMIT): the turn is
 * taken, BEGIN IMMEDIATE, the work, COMMIT (ROLLBACK when the work or the commit fails), the
 * turn handed on. There is one connection, so one Kysely transaction object bound to it serves
 * every transaction; statements built per call run through it on the held connection.
 */
export class DirectTransactions {
  private readonly trx: Transaction<Database>;

  constructor(
    db: Kysely<Database>,
    props: { dialect: Dialect; driver: Driver },
    private readonly database: TransactionalSqlite,
    private readonly turns: () => ConnectionTurns,
  ) {
    const connection = {
      provideConnection: <T>(consume: (connection: DatabaseConnection) => Promise<T>): Promise<T> => {
        if (!database.inTransaction) throw new Error('A statement of a transaction that has ended');
        return consume(turns().held());
      },
    };
    this.trx = new Transaction<Database>({
      config: { dialect: props.dialect },
      dialect: props.dialect,
      driver: props.driver,
      executor: db.getExecutor().withConnectionProvider(connection),
    });
  }

  run<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return inTurn(this.turns(), async () => {
      this.database.prepare('begin immediate').run([]);
      try {
        const result = await work(this.trx);
        this.database.prepare('commit').run([]);
        return result;
      } catch (error) {
        // SQLite may have rolled back already (some errors end the transaction themselves).
        if (this.database.inTransaction) this.database.prepare('rollback').run([]);
        throw error;
      }
    });
  }
}

/** Each SQLite store's direct path, found through its Kysely adapter (shared by its transactions). */
export const directSqlite = new WeakMap<object, DirectSqlite>();
