/**
 * Everything a server holds, as one string, to show that a refused call changed nothing. The
 * event delivery worker writes in the background after accepted writes (the outbox's
 * `dispatched_at`, the `event_delivery` rows), so those are left out.
 */
import type { Kysely } from 'kysely';
import type { TestServer } from './server.js';

const BACKGROUND_TABLES = new Set(['event_delivery']);
const BACKGROUND_COLUMNS = new Set(['dispatched_at']);

export async function storedState(server: TestServer): Promise<string> {
  const db = server.server.store.db as unknown as Kysely<Record<string, { id: number }>>;
  const tables = (await db.introspection.getTables())
    .map((t) => t.name)
    .filter((name) => !name.startsWith('kysely_') && !BACKGROUND_TABLES.has(name))
    .sort();
  const rows = await Promise.all(tables.map((name) => db.selectFrom(name).selectAll().orderBy('id').execute()));
  return JSON.stringify(Object.fromEntries(tables.map((name, i) => [name, rows[i]])), (key, value) =>
    BACKGROUND_COLUMNS.has(key) ? undefined : value,
  );
}
