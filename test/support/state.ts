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
  const found = (await db.introspection.getTables())
    .filter(({ name }) => !name.startsWith('kysely_') && !BACKGROUND_TABLES.has(name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const tables = found.map((t) => t.name);
  // Ordered by the first column: the id, or the key of a table without one (portal, portal_credential).
  const rows = await Promise.all(
    found.map((t) =>
      db
        .selectFrom(t.name)
        .selectAll()
        .orderBy((t.columns[0]?.name ?? 'id') as 'id')
        .execute(),
    ),
  );
  return JSON.stringify(Object.fromEntries(tables.map((name, i) => [name, rows[i]])), (key, value) =>
    BACKGROUND_COLUMNS.has(key) ? undefined : value,
  );
}
