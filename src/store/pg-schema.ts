/**
 * PostgreSQL stores of one schema each (a portal's tables live in a schema of their own), on
 * one connection pool for the default portal's store and every other portal's. Each store sees
 * the pool through `forSchema`, which points a connection's `search_path` at the store's schema
 * when it is handed out, and only when the connection last served another schema.
 *
 * Why `search_path` rather than Kysely's `withSchema` plugin: the plugin rewrites only the
 * queries Kysely builds, and the store also runs raw SQL (`pg_get_serial_sequence(table)` in
 * state.ts, the migrations' `sql` fragments), which would silently reach the default schema's
 * tables. With `search_path` every statement resolves in the store's schema, raw or built.
 *
 * Named (prepared) statements stay correct across schemas on one connection: PostgreSQL
 * (since 9.3) parses a prepared statement again when `search_path` has changed since its last
 * use, so statement names need not carry the schema (which would keep a copy of every
 * statement per portal in every connection). A test runs two portals and the default on one
 * connection.
 */
import {
  type DatabaseIntrospector,
  type DatabaseMetadataOptions,
  type Kysely,
  PostgresDialect,
  PostgresIntrospector,
  type PostgresPool,
  type PostgresPoolClient,
  sql,
  type TableMetadata,
} from 'kysely';
import type pg from 'pg';

/** The connection's own `search_path` (set by the server, role or URL): the default portal's. */
const SESSION_DEFAULT = null;

export class SchemaPool {
  /** The schema each connection's `search_path` points at now. */
  private readonly schemaOf = new WeakMap<pg.PoolClient, string | typeof SESSION_DEFAULT>();

  constructor(private readonly pool: pg.Pool) {}

  /**
   * The pool as Kysely's PostgresDialect takes it, for a store of `schema` (none: the session
   * default). Only the `owner`'s `end()` (the store that opened the pool) closes it.
   */
  forSchema(schema: string | undefined, owner: boolean): PostgresPool {
    return {
      connect: () => this.connect(schema ?? SESSION_DEFAULT),
      end: () => (owner ? this.pool.end() : Promise.resolve()),
    };
  }

  private async connect(schema: string | typeof SESSION_DEFAULT): Promise<PostgresPoolClient> {
    const client = await this.pool.connect();
    if ((this.schemaOf.get(client) ?? SESSION_DEFAULT) !== schema) {
      try {
        // Outside any transaction (the connection is idle when handed out), so it holds until
        // changed again, whatever the transactions after it do.
        await client.query(schema === SESSION_DEFAULT ? 'reset search_path' : `set search_path to ${quoted(schema)}`);
      } catch (error) {
        // A connection in an unknown state is not handed to anyone again.
        client.release(error as Error);
        throw error;
      }
      this.schemaOf.set(client, schema);
    }
    return client;
  }
}

/** A PostgreSQL identifier in double quotes, any character as itself. */
function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** Kysely's PostgreSQL dialect, its introspection kept to the store's own schema. */
export class SchemaDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SchemaIntrospector(db);
  }
}

/**
 * Kysely's PostgreSQL introspection lists the tables of every schema, and the migrator asks it
 * twice on each open (is `kysely_migration` there?): with a schema per portal it cost 2.3 s of
 * the 2.8 s a new portal took with 30 others present, growing with each portal. This one lists
 * the tables of the schema statements resolve in (`current_schema()`), and so also keeps the
 * default portal's reset and snapshots (state.ts) to the default portal's tables.
 */
class SchemaIntrospector extends PostgresIntrospector {
  constructor(private readonly db: Kysely<unknown>) {
    super(db);
  }

  override async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select c.relname as table, c.relkind = 'v' as is_view, n.nspname as schema,
        a.attname as column, t.typname as type, tn.nspname as type_schema,
        a.attnotnull as not_null, a.atthasdef as has_default, a.attidentity <> '' as identity,
        col_description(c.oid, a.attnum) as comment
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      join pg_catalog.pg_type t on t.oid = a.atttypid
      join pg_catalog.pg_namespace tn on tn.oid = t.typnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
      order by c.relname, a.attnum`.execute(this.db);
    const tables = new Map<string, TableMetadata>();
    for (const row of rows) {
      if (!options.withInternalKyselyTables && KYSELY_TABLES.has(row.table)) continue;
      let table = tables.get(row.table);
      if (table === undefined) {
        table = { name: row.table, isView: row.is_view, schema: row.schema, columns: [] };
        tables.set(row.table, table);
      }
      table.columns.push({
        name: row.column,
        dataType: row.type,
        dataTypeSchema: row.type_schema,
        isNullable: !row.not_null,
        hasDefaultValue: row.has_default || row.identity,
        // The store's ids are identity columns (`generated by default as identity`).
        isAutoIncrementing: row.identity,
        comment: row.comment ?? undefined,
      });
    }
    return [...tables.values()];
  }
}

/** The migrator's bookkeeping, left out unless asked for (as Kysely's own introspection does). */
const KYSELY_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

interface ColumnRow {
  table: string;
  is_view: boolean;
  schema: string;
  column: string;
  type: string;
  type_schema: string;
  not_null: boolean;
  has_default: boolean;
  identity: boolean;
  comment: string | null;
}
