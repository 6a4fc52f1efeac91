/**
 * The store: one typed SQL layer (Kysely) over the database. Domain code asks it for
 * repositories inside `read` or `write`; `write` is one transaction (on SQLite, a savepoint in
 * the transaction of a group of writes: sqlite-direct.ts), so a change and the events it records
 * are on disk together or not at all.
 */
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  Kysely,
  Migrator,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
  type Transaction,
} from 'kysely';
import { BoundEvents } from './bound-events.js';
import { type DialectName, isPostgresUrl } from './dialect.js';
import { migrations } from './migrations/index.js';
import { openPool } from './pg-client.js';
import { SchemaDialect, SchemaPool } from './pg-schema.js';
import { BookingRepository } from './repositories/bookings.js';
import { ClientRepository } from './repositories/clients.js';
import { CrmRepository } from './repositories/crm.js';
import { CrmReferenceRepository } from './repositories/crm-reference.js';
import { CrmUserFieldRepository } from './repositories/crm-user-fields.js';
import { EventDeliveryRepository } from './repositories/event-deliveries.js';
import { EventHandlerRepository } from './repositories/event-handlers.js';
import { EventOfflineRepository } from './repositories/event-offline.js';
import { FaultRuleRepository } from './repositories/faults.js';
import { LimitsRepository } from './repositories/limits.js';
import { OAuthRepository } from './repositories/oauth.js';
import { OutboxRepository } from './repositories/outbox.js';
import { PortalRepository } from './repositories/portal.js';
import { PortalDirectoryRepository } from './repositories/portals.js';
import { ResourceRepository, ResourceTypeRepository } from './repositories/resources.js';
import { WaitListRepository } from './repositories/waitlist.js';
import { WebhookRepository } from './repositories/webhooks.js';
import type { Database } from './schema.js';
import {
  type CommitTally,
  type ConnectionTurns,
  DirectSqlite,
  DirectTransactions,
  directSqlite,
  type TransactionalSqlite,
} from './sqlite-direct.js';

/** Something queries can run on: the database itself or an open transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export interface Repositories {
  readonly waitList: WaitListRepository;
  readonly outbox: OutboxRepository;
  readonly webhooks: WebhookRepository;
  readonly resourceTypes: ResourceTypeRepository;
  readonly resources: ResourceRepository;
  readonly bookings: BookingRepository;
  readonly crm: CrmRepository;
  readonly crmReference: CrmReferenceRepository;
  readonly crmUserFields: CrmUserFieldRepository;
  readonly clients: ClientRepository;
  readonly portal: PortalRepository;
  readonly portals: PortalDirectoryRepository;
  readonly oauth: OAuthRepository;
  readonly limits: LimitsRepository;
  readonly eventHandlers: EventHandlerRepository;
  readonly eventDeliveries: EventDeliveryRepository;
  readonly eventOffline: EventOfflineRepository;
  readonly faultRules: FaultRuleRepository;
}

function repositories(db: Executor, dialect: DialectName, boundEvents?: BoundEvents): Repositories {
  return {
    waitList: new WaitListRepository(db),
    outbox: new OutboxRepository(db, dialect, boundEvents),
    webhooks: new WebhookRepository(db),
    resourceTypes: new ResourceTypeRepository(db, dialect),
    resources: new ResourceRepository(db, dialect),
    bookings: new BookingRepository(db, dialect),
    crm: new CrmRepository(db, dialect),
    crmReference: new CrmReferenceRepository(db, dialect),
    crmUserFields: new CrmUserFieldRepository(db),
    clients: new ClientRepository(db),
    portal: new PortalRepository(db, dialect),
    portals: new PortalDirectoryRepository(db),
    oauth: new OAuthRepository(db),
    limits: new LimitsRepository(db),
    eventHandlers: new EventHandlerRepository(db, boundEvents),
    eventDeliveries: new EventDeliveryRepository(db, dialect),
    eventOffline: new EventOfflineRepository(db, dialect),
    faultRules: new FaultRuleRepository(db),
  };
}

export interface StoreOptions {
  /** A data directory (the SQLite file lives in it), or `:memory:`. */
  data: string;
  /** `postgres://...`: use that PostgreSQL database instead of SQLite. */
  database?: string;
  /** Largest number of PostgreSQL connections this process opens. */
  poolSize?: number;
  /**
   * PostgreSQL: the schema this store's tables live in (a portal's), made and migrated on open;
   * none: the connection's own `search_path` (the default portal's tables, usually `public`).
   */
  schema?: string;
  /**
   * SQLite `synchronous`: `normal` (default) keeps every committed write through a process
   * crash or `kill -9`; `full` also through power loss, at the cost of an fsync a commit
   * (writes arriving together share one: sqlite-direct.ts).
   */
  sync?: 'normal' | 'full';
}

export class Store {
  private constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    /** A store inside an open transaction: its writes join that transaction. */
    private readonly nested = false,
    /** On SQLite: transactions that skip Kysely's machinery (sqlite-direct.ts). */
    private readonly sqliteTransactions?: DirectTransactions,
    /** On PostgreSQL: the connections, which stores opened with `sharing` this one use too. */
    private readonly pool?: SchemaPool,
    /** On SQLite: PRAGMA data_version of the store's connection (see `othersCommitted`). */
    private readonly dataVersion?: () => number,
    /** On SQLite: which events have a binding, kept in memory (bound-events.ts). */
    private readonly boundEvents?: BoundEvents,
  ) {}

  /**
   * `sharing`: a PostgreSQL store whose connections this one draws on (a portal's store, on
   * the default portal's), so a process opens at most `poolSize` connections whatever the
   * number of portals; closing this store leaves them open, closing `sharing` ends them.
   */
  static async open(options: StoreOptions, sharing?: Store): Promise<Store> {
    let store: Store;
    if (isPostgresUrl(options.database)) {
      const owned = sharing?.pool === undefined;
      const pool = sharing?.pool ?? new SchemaPool(openPool(options.database, options.poolSize));
      const dialect = new SchemaDialect({ pool: pool.forSchema(options.schema, owned) });
      store = new Store(new Kysely<Database>({ dialect }), 'postgres', false, undefined, pool);
    } else {
      const sqlite = openSqlite(options);
      const dialect = new ImmediateSqliteDialect({ database: withStatementCache(sqlite) });
      const db = new Kysely<Database>({ dialect });
      const dataVersionStatement = sqlite.prepare('pragma data_version').pluck();
      const dataVersion = () => dataVersionStatement.get() as number;
      const transactions = dialect.directTransactions(db);
      const boundEvents = new BoundEvents(dataVersion, transactions);
      transactions.onRollback(() => boundEvents.forget());
      store = new Store(db, 'sqlite', false, transactions, undefined, dataVersion, boundEvents);
    }
    try {
      await store.migrate(options.schema);
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private async migrate(schema: string | undefined): Promise<void> {
    if (this.dialect === 'sqlite' && (await this.isMigrated())) return;
    const migrator = new Migrator({
      db: this.db,
      provider: { getMigrations: async () => migrations },
      // The migrator makes the schema, and keeps its bookkeeping tables in it: left to itself it
      // takes another schema's `kysely_migration` (any schema's) for this one's.
      migrationTableSchema: this.dialect === 'postgres' ? schema : undefined,
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
  }

  /**
   * Whether every migration has run already, in one read: the migrator's own check (its tables,
   * its lock) took about 5 ms, most of the cost of opening a portal's database.
   */
  private async isMigrated(): Promise<boolean> {
    try {
      const rows = await this.db
        .selectFrom('kysely_migration' as 'webhook')
        .select('name' as 'id')
        .execute();
      const done = new Set(rows.map((r) => (r as unknown as { name: string }).name));
      return Object.keys(migrations).every((name) => done.has(name));
    } catch {
      // No migration table yet: a new database.
      return false;
    }
  }

  /**
   * PostgreSQL: removes a schema (a removed portal's) with every table in it; nothing when
   * there is none of that name.
   */
  async dropSchema(schema: string): Promise<void> {
    if (this.dialect !== 'postgres') return;
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(this.db);
  }

  private repositoriesOfDb: Repositories | undefined;

  /** The repositories over this store's own executor: they hold no state, so one set serves every call. */
  private ownRepositories(): Repositories {
    this.repositoriesOfDb ??= repositories(this.db, this.dialect, this.boundEvents);
    return this.repositoriesOfDb;
  }

  /** Reads outside a transaction. */
  read<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return fn(this.ownRepositories());
  }

  /** One transaction: everything in `fn` commits together, or nothing does. */
  write<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    if (this.nested) return fn(this.ownRepositories());
    return this.inTransaction((trx) => fn(repositories(trx, this.dialect, this.boundEvents)));
  }

  private inTransaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    if (this.sqliteTransactions) return this.sqliteTransactions.run(fn);
    return this.db.transaction().execute(fn);
  }

  /**
   * Writes that are each one atomic statement (the limit counters' upserts), outside a
   * transaction: no BEGIN/COMMIT, and no connection held across awaits. On SQLite a transaction
   * holds the only connection until it commits, which made every rate-limited request wait on
   * the others (measured: 1,200 instead of 2,000 requests a second).
   */
  autocommit<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return fn(this.ownRepositories());
  }

  /**
   * Several writes as one transaction: `fn` gets a store whose reads and writes all run in it
   * (a seed document applies whole or not at all).
   */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    if (this.nested) return fn(this);
    return this.inTransaction((trx) =>
      fn(new Store(trx, this.dialect, true, undefined, this.pool, undefined, this.boundEvents)),
    );
  }

  /**
   * SQLite: a number that changes whenever another connection (another process on the same
   * file) has committed since it was last read, and never for this store's own commits; read
   * from the connection, without touching a table. Undefined on PostgreSQL, which has no such
   * counter.
   */
  othersCommitted(): number | undefined {
    return this.dataVersion?.();
  }

  /**
   * SQLite: the write transactions committed since the store opened and the writes they held
   * (writes arriving together share one commit); undefined on PostgreSQL, where each write
   * commits on its own connection.
   */
  commitTally(): Readonly<CommitTally> | undefined {
    return this.sqliteTransactions?.tally;
  }

  /** Answers while the database does; used by health checks. */
  async ping(): Promise<void> {
    await this.db.selectFrom('webhook').select('id').limit(1).execute();
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}

/**
 * SQLite write transactions begin IMMEDIATE: they take the file's write lock first, waiting up
 * to busy_timeout for it. A plain (deferred) BEGIN reads first and upgrades at its first write,
 * and when another process (`serve --workers N`, or a second server on the same data directory)
 * committed in between, the upgrade fails at once with SQLITE_BUSY instead of waiting. Reads run
 * outside transactions, so only writers take turns. Within one process Kysely already hands the
 * one connection to one transaction at a time.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  private driver: ImmediateSqliteDriver | undefined;

  constructor(private readonly sqliteConfig: SqliteDialectConfig & { database: TransactionalSqlite }) {
    super(sqliteConfig);
  }

  /** Write transactions for `db`, a Kysely over this dialect. */
  directTransactions(db: Kysely<Database>): DirectTransactions {
    const driver = () => this.driver as ImmediateSqliteDriver;
    return new DirectTransactions(db, { dialect: this, driver: driver() }, this.sqliteConfig.database, driver);
  }

  override createDriver(): Driver {
    this.driver = new ImmediateSqliteDriver(this.sqliteConfig);
    return this.driver;
  }

  override createAdapter(): DialectAdapter {
    const adapter = new TransactionalDdlSqliteAdapter();
    directSqlite.set(adapter, new DirectSqlite(this.sqliteConfig.database, () => this.driver as ImmediateSqliteDriver));
    return adapter;
  }
}

/**
 * SQLite's DDL is transactional, though Kysely's adapter says otherwise; said so, the migrator
 * runs all pending migrations in one (immediate) transaction, and processes starting together
 * on one file take turns: the second finds the migrations done. Kysely's own migration lock is
 * a no-op on SQLite, and without a transaction two processes both ran `001` (measured).
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDriver extends SqliteDriver implements ConnectionTurns {
  /**
   * SQLite has one connection; requests take turns in arrival order. Kysely's own lock wakes
   * every waiter at each release (they all await one promise and race again), which under 50
   * concurrent requests cost more than the queries (measured: a one-query route went from
   * 12,800 to over 30,000 requests a second with this queue).
   */
  private connection: DatabaseConnection | undefined;
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  override async init(): Promise<void> {
    await super.init();
    // Taken once and kept: the queue below hands it from one user to the next.
    this.connection = await super.acquireConnection();
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy = true;
    return this.connection as DatabaseConnection;
  }

  override async releaseConnection(): Promise<void> {
    this.release();
  }

  // The direct path's turns (sqlite-direct.ts): the same queue.
  tryTake(): boolean {
    if (this.busy) return false;
    this.busy = true;
    return true;
  }

  take(): Promise<DatabaseConnection> {
    return this.acquireConnection();
  }

  held(): DatabaseConnection {
    return this.connection as DatabaseConnection;
  }

  release(): void {
    const next = this.waiting.shift();
    // Handed straight to the next in line: `busy` stays true.
    if (next) next();
    else this.busy = false;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * Kysely prepares every statement it runs; preparing costs about as much as running a small
 * one. The server runs a few dozen distinct statements, so each is prepared once and kept.
 */
const STATEMENT_CACHE_SIZE = 1000;
function withStatementCache(sqlite: SQLite.Database): TransactionalSqlite {
  const cache = new Map<string, SQLite.Statement>();
  return {
    get inTransaction() {
      return sqlite.inTransaction;
    },
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = cache.get(sql);
      if (statement === undefined) {
        // Statements with inlined values (bulk inserts of n rows) vary; keep the cache bounded.
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        statement = sqlite.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * The database holds every record, webhook hashes and OAuth tokens: it is the owner's only. A
 * data directory the server makes is 0700 (one the user made keeps the mode the user gave it);
 * the database file is 0600 before SQLite opens it, and SQLite gives its -wal and -shm files
 * the database file's mode. A file from an older version is tightened to 0600 too.
 */
const PRIVATE_DIR_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

/** The SQLite file of a data directory. */
export function sqliteFileOf(data: string): string {
  return join(data, 'b24-booking.sqlite');
}

/**
 * Makes `data` a data directory whose database is a copy of `template`'s (migrated already):
 * a copy is a fraction of a millisecond, running every migration on an empty file about 15.
 */
export function copyDatabase(template: string, data: string): void {
  mkdirSync(data, { recursive: true, mode: PRIVATE_DIR_MODE });
  copyFileSync(sqliteFileOf(template), sqliteFileOf(data));
  chmodSync(sqliteFileOf(data), PRIVATE_FILE_MODE);
}

function privateDatabaseFile(data: string): string {
  mkdirSync(data, { recursive: true, mode: PRIVATE_DIR_MODE });
  const file = sqliteFileOf(data);
  if (existsSync(file)) {
    for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, PRIVATE_FILE_MODE);
  } else {
    // An empty file is an empty SQLite database.
    closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  }
  return file;
}

function openSqlite(options: StoreOptions): SQLite.Database {
  const file = options.data === ':memory:' ? ':memory:' : privateDatabaseFile(options.data);
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.sync === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  return sqlite;
}
