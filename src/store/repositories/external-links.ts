/**
 * External-data links (`moduleId`, `entityTypeId`, `value`) of wait-list entries and bookings:
 * one shape, one table per owner, the same reads and whole-set replacement for both.
 */
import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';
import { type Prepared, type PreparedList, prepared, preparedRows } from '../prepared.js';
import type { Database } from '../schema.js';
import type { Executor } from '../store.js';

export interface ExternalLink {
  moduleId: string;
  entityTypeId: string;
  value: string;
}

/** Which table holds an owner's links, and the column naming the owner. */
export type LinkTable =
  | { table: 'wait_list_external_data'; owner: 'wait_list_item_id' }
  | { table: 'booking_external_data'; owner: 'booking_id' };

/** Both link tables share their columns but for the owner's; the helpers address either. */
type AnyLinkTable = Kysely<Record<string, Record<string, unknown>>>;

const loosely = (db: Kysely<Database>) => db as unknown as AnyLinkTable;

/** Each link table's statements, built once. */
const statements = new Map<
  string,
  {
    read: Prepared<[number], Record<string, unknown>>;
    remove: Prepared<[number], unknown>;
    insert: PreparedList<ExternalLink, [number], unknown>;
    /** PostgreSQL: the delete and the first rows' insert as one statement (one round trip). */
    replace: PreparedList<ExternalLink, [number], unknown>;
  }
>();
function statementsFor(where: LinkTable) {
  let found = statements.get(where.table);
  if (found === undefined) {
    found = {
      read: prepared((db, ownerId: number) =>
        loosely(db)
          .selectFrom(where.table)
          .select(['module_id', 'entity_type_id', 'value'])
          .where(where.owner, '=', ownerId)
          .orderBy('id'),
      ),
      remove: prepared((db, ownerId: number) => loosely(db).deleteFrom(where.table).where(where.owner, '=', ownerId)),
      insert: preparedRows(LINK_FIELDS, (db, links: ExternalLink[], ownerId: number) =>
        loosely(db)
          .insertInto(where.table)
          .values(linkRows(where, links, ownerId)),
      ),
      // A data-modifying WITH: both parts see the rows as they were before the statement, so
      // the delete takes the old links only, and the new ones are inserted beside it.
      replace: preparedRows(LINK_FIELDS, (db, links: ExternalLink[], ownerId: number) =>
        loosely(db)
          .with('removed', (q) => q.deleteFrom(where.table).where(where.owner, '=', ownerId))
          .insertInto(where.table)
          .values(linkRows(where, links, ownerId)),
      ),
    };
    statements.set(where.table, found);
  }
  return found;
}

const LINK_FIELDS = ['moduleId', 'entityTypeId', 'value'] as const;

function linkRows(where: LinkTable, links: readonly ExternalLink[], ownerId: number) {
  return links.map((l) => ({
    [where.owner]: ownerId,
    module_id: l.moduleId,
    entity_type_id: l.entityTypeId,
    value: l.value,
  }));
}

export async function readLinks(db: Executor, where: LinkTable, ownerId: number): Promise<ExternalLink[]> {
  const rows = await statementsFor(where).read.all(db, ownerId);
  return rows.map((r) => ({
    moduleId: String(r.module_id),
    entityTypeId: String(r.entity_type_id),
    value: String(r.value),
  }));
}

/** Replaces the owner's whole set of links (duplicates are kept, as in Bitrix). */
export async function replaceLinks(
  db: Executor,
  where: LinkTable,
  ownerId: number,
  links: readonly ExternalLink[],
): Promise<void> {
  const { remove, insert, replace } = statementsFor(where);
  if (links.length > 0 && dialectOf(db) === 'postgres') {
    // The delete rides with the first piece: a power of two, so it is one statement.
    const first = 2 ** Math.floor(Math.log2(Math.min(links.length, FIRST_PIECE)));
    await replace.run(db, links.slice(0, first), ownerId);
    await insert.run(db, links.slice(first), ownerId);
    return;
  }
  await remove.run(db, ownerId);
  // In order, in pieces of at most 256 rows (see prepared.ts).
  await insert.run(db, links, ownerId);
}

/** The most links the PostgreSQL replace statement inserts itself (a piece length of prepared.ts). */
const FIRST_PIECE = 256;
