/**
 * The server's state as a whole, for test suites and local development: wipe it, save it
 * under a name, return to it. "State" is every table but those listed in KEPT_TABLES, so
 * tables that later migrations add are covered without being named here.
 */
import { type Kysely, sql } from 'kysely';
import { CrmRepository } from './repositories/crm.js';
import type { Store } from './store.js';

/**
 * Tables a reset keeps: who may call (webhooks, users, applications and their tokens, so a test
 * suite can go on calling), the handlers applications bound, the limits' counters (they are about callers, not data), reference
 * data the migrations put in, the bookkeeping of migrations and snapshots, and the fault rules
 * (a test's set-up, not the portal's data: a reset or a snapshot's load leaves them as they are).
 */
export const KEPT_TABLES: ReadonlySet<string> = new Set([
  'kysely_migration',
  'kysely_migration_lock',
  'snapshot',
  'webhook',
  'portal_user',
  'portal_setting',
  'oauth_app',
  'oauth_code',
  'oauth_token',
  'rate_bucket',
  'operating_basket',
  'booking_client_type',
  'event_handler',
  'portal',
  'portal_credential',
  'fault_rule',
]);

// Rows are read and written through an untyped view: the tables vary, every one has an `id`.
type AnyDb = Kysely<Record<string, { id: number }>>;

interface TableState {
  rows: Record<string, unknown>[];
  /** The last id handed out, so ids go on from there after a load (ids are never reused). */
  lastId: number;
}

type StateSnapshot = Record<string, TableState>;

export async function stateTables(store: Store): Promise<string[]> {
  const tables = await store.db.introspection.getTables();
  return tables
    .map((t) => t.name)
    .filter((name) => !KEPT_TABLES.has(name))
    .sort();
}

async function lastId(db: AnyDb, store: Store, table: string): Promise<number> {
  if (store.dialect === 'postgres') {
    // null until the sequence has handed out its first value.
    const { rows } = await sql<{ last: number | null }>`
      select pg_sequence_last_value(pg_get_serial_sequence(${table}, 'id')::regclass) as last`.execute(db);
    return Number(rows[0]?.last ?? 0);
  }
  const { rows } = await sql<{ seq: number }>`select seq from sqlite_sequence where name = ${table}`.execute(db);
  return Number(rows[0]?.seq ?? 0);
}

async function setLastId(db: AnyDb, store: Store, table: string, last: number): Promise<void> {
  if (store.dialect === 'postgres') {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), ${Math.max(last, 1)}, ${last > 0})`.execute(db);
    return;
  }
  await sql`delete from sqlite_sequence where name = ${table}`.execute(db);
  if (last > 0) await sql`insert into sqlite_sequence (name, seq) values (${table}, ${last})`.execute(db);
}

async function wipe(db: AnyDb, store: Store, tables: string[]): Promise<void> {
  for (const table of tables) {
    await db.deleteFrom(table).execute();
    await setLastId(db, store, table, 0);
  }
}

/** True while no state table holds a row (a first start). */
export async function stateIsEmpty(store: Store): Promise<boolean> {
  const db = store.db as unknown as AnyDb;
  for (const table of await stateTables(store)) {
    if (await db.selectFrom(table).select('id').limit(1).executeTakeFirst()) return false;
  }
  return true;
}

/** Empties every state table and starts their ids from 1 again. */
export function resetState(store: Store): Promise<void> {
  return store.transaction(async (tx) => {
    await wipe(tx.db as unknown as AnyDb, tx, await stateTables(tx));
  });
}

export async function saveSnapshot(store: Store, name: string, now: number): Promise<void> {
  await store.transaction(async (tx) => {
    const db = tx.db as unknown as AnyDb;
    const snapshot: StateSnapshot = {};
    for (const table of await stateTables(tx)) {
      const rows = await db.selectFrom(table).selectAll().orderBy('id').execute();
      snapshot[table] = { rows, lastId: await lastId(db, tx, table) };
    }
    const payload = JSON.stringify(snapshot);
    await tx.db
      .insertInto('snapshot')
      .values({ name, payload, created_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ payload, created_at: now }))
      .execute();
  });
}

const INSERT_CHUNK = 200;

/** Returns to a saved snapshot; false when there is none of that name (nothing changes). */
export function loadSnapshot(store: Store, name: string): Promise<boolean> {
  return store.transaction(async (tx) => {
    const db = tx.db as unknown as AnyDb;
    const saved = await tx.db.selectFrom('snapshot').select('payload').where('name', '=', name).executeTakeFirst();
    if (!saved) return false;
    const snapshot = JSON.parse(saved.payload) as StateSnapshot;
    const tables = await stateTables(tx);
    await wipe(db, tx, tables);
    for (const table of tables) {
      const state = snapshot[table];
      if (!state) continue;
      for (let i = 0; i < state.rows.length; i += INSERT_CHUNK) {
        await db
          .insertInto(table)
          .values(state.rows.slice(i, i + INSERT_CHUNK) as { id: number }[])
          .execute();
      }
      await setLastId(db, tx, table, state.lastId);
    }
    // A state saved before the CRM kept its record counts and item ids.
    if (!snapshot.crm_record_count || !snapshot.crm_item_sequence) {
      await new CrmRepository(tx.db, tx.dialect).completeOlderState();
    }
    return true;
  });
}

export async function listSnapshots(store: Store): Promise<{ name: string; createdAt: number }[]> {
  const rows = await store.db.selectFrom('snapshot').select(['name', 'created_at']).orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, createdAt: Number(r.created_at) }));
}
