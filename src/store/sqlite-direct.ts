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
  release(): Promise<void>;
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
    if (inTransaction) {
      // A transaction's executor kept past its end must not run outside any transaction's turn.
      if (!this.database.inTransaction) throw new Error('A statement of a transaction that has ended');
      return this.run(sql, parameters);
    }
    const turns = this.turns();
    if (!turns.tryTake()) await turns.take();
    try {
      return this.run(sql, parameters);
    } finally {
      await turns.release();
    }
  }
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

  async run<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    const turns = this.turns();
    if (!turns.tryTake()) await turns.take();
    try {
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
    } finally {
      await turns.release();
    }
  }
}

/** Each SQLite store's direct path, found through its Kysely adapter (shared by its transactions). */
export const directSqlite = new WeakMap<object, DirectSqlite>();
