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
import type { WriteGroups } from './bound-events.js';
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
 * provider, executor wrappers and a promise chain for each of BEGIN and COMMIT), committed in
 * groups. There is one connection, so one Kysely transaction object bound to it serves every
 * transaction; statements built per call run through it on the held connection.
 *
 * Group commit: the writes that arrive while a group is open share its transaction and its one
 * COMMIT. A commit is most of a small write's cost (the WAL frames of every page it touched,
 * written apart, and the lock calls), and a group writes each page it touched once. The group
 * takes the connection's turn and BEGIN IMMEDIATE; its writes run one after the other, each in a
 * SAVEPOINT of its own, so no statement of another write runs inside it; a write that fails is
 * rolled back to its savepoint and answered at once, leaving no trace and the others untouched.
 * When no write is left, the group waits for the end of the event loop's turn (setImmediate:
 * the requests whose bytes came in the same poll join it), then COMMITs and only then answers
 * its writes. Nothing is answered before the commit that holds it, so durability is a lone
 * write's. At most `GROUP_LIMIT` writes join a group; later ones form the next.
 */
export class DirectTransactions implements WriteGroups {
  private readonly trx: Transaction<Database>;
  /** Groups begun so far: the number of the one running, while `database.inTransaction`. */
  private groupsBegun = 0;
  /** Called after any rollback, of one write or of a whole group. */
  private readonly rollbackListeners: (() => void)[] = [];
  /** The group writes join; undefined when none is open to them. */
  private open: WriteGroup | undefined;
  /** Commits made, and the writes they held: their ratio is the groups' mean size. */
  readonly tally: CommitTally = { commits: 0, writes: 0 };

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
    return new Promise<T>((resolve, reject) => {
      const write = { work, answer: resolve as (value: unknown) => void, fail: reject };
      let group = this.open;
      if (group === undefined) {
        group = { waiting: [write], joined: 1 };
        this.open = group;
        void this.commitInGroup(group);
      } else {
        group.waiting.push(write);
        group.joined++;
      }
      if (group.joined >= GROUP_LIMIT) this.close(group);
    });
  }

  current(): number | undefined {
    return this.database.inTransaction ? this.groupsBegun : undefined;
  }

  /** `listener` runs after every rollback (what was rolled back may have been read into a cache). */
  onRollback(listener: () => void): void {
    this.rollbackListeners.push(listener);
  }

  private rolledBack(): void {
    for (const listener of this.rollbackListeners) listener();
  }

  /** No write joins `group` any more: the next starts a group of its own. */
  private close(group: WriteGroup): void {
    if (this.open === group) this.open = undefined;
  }

  private statement(sql: string): void {
    this.database.prepare(sql).run([]);
  }

  /** Runs `group`'s writes in one transaction in the connection's turn, commits, answers them. */
  private async commitInGroup(group: WriteGroup): Promise<void> {
    const turns = this.turns();
    if (!turns.tryTake()) await turns.take();
    /** Writes done inside the transaction, answered at its commit. */
    let done: Done[] = [];
    try {
      for (;;) {
        const write = group.waiting.shift();
        if (write === undefined) {
          if (this.open !== group) break;
          // The end of this turn of the event loop: writes that arrive meanwhile join.
          await new Promise((resolve) => setImmediate(resolve));
          if (group.waiting.length === 0) this.close(group);
          continue;
        }
        if (!this.database.inTransaction) {
          try {
            this.statement('begin immediate');
            this.groupsBegun++;
          } catch (error) {
            // The write lock is not to be had (another process held it past busy_timeout).
            write.fail(error);
            continue;
          }
        }
        this.statement('savepoint write');
        try {
          const value = await write.work(this.trx);
          this.statement('release write');
          done.push({ write, value });
        } catch (error) {
          write.fail(error);
          if (this.database.inTransaction) {
            this.statement('rollback to write');
            this.statement('release write');
          } else {
            // SQLite ended the whole transaction itself (an I/O error, a full disk): the writes
            // done before it in the group are gone with it.
            for (const lost of done) lost.write.fail(error);
            done = [];
          }
          this.rolledBack();
        }
      }
      if (this.database.inTransaction) {
        this.statement('commit');
        this.tally.commits++;
        this.tally.writes += done.length;
      }
    } catch (error) {
      // The commit (or a savepoint statement) failed: nothing of the group is written.
      try {
        if (this.database.inTransaction) this.statement('rollback');
      } catch {
        // Already ended by SQLite.
      }
      this.rolledBack();
      for (const lost of done) lost.write.fail(error);
      for (const left of group.waiting) left.fail(error);
      done = [];
    } finally {
      this.close(group);
      turns.release();
    }
    for (const { write, value } of done) write.answer(value);
  }
}

export interface CommitTally {
  commits: number;
  writes: number;
}

/** The most writes a group holds: a bound on how long its first waits for the commit. */
const GROUP_LIMIT = 256;

interface GroupedWrite {
  work(trx: Transaction<Database>): Promise<unknown>;
  answer(value: unknown): void;
  fail(error: unknown): void;
}

interface Done {
  write: GroupedWrite;
  value: unknown;
}

/** Writes sharing one transaction: those still to run, and how many joined in all. */
interface WriteGroup {
  waiting: GroupedWrite[];
  joined: number;
}

/** Each SQLite store's direct path, found through its Kysely adapter (shared by its transactions). */
export const directSqlite = new WeakMap<object, DirectSqlite>();
