import { prepared } from '../prepared.js';
import type { Executor } from '../store.js';
import { type ExternalLink, type LinkTable, readLinks, replaceLinks } from './external-links.js';

export type { ExternalLink } from './external-links.js';

const LINKS: LinkTable = { table: 'wait_list_external_data', owner: 'wait_list_item_id' };

export interface WaitListEntry {
  id: number;
  note: string | null;
  createdBy: number;
  createdAt: number;
  updatedAt: number | null;
}

export interface WaitListQuery {
  /** Created at or after (ms), inclusive. */
  createdFrom?: number;
  /** Created before (ms), exclusive. */
  createdBefore?: number;
  offset: number;
  limit: number;
}

// The statements of every wait-list request, built once (see prepared.ts).
const insertEntry = prepared((db, note: string | null, createdBy: number, createdAt: number) =>
  db.insertInto('wait_list_item').values({ note, created_by: createdBy, created_at: createdAt }).returning('id'),
);
const liveEntry = prepared((db, id: number) =>
  db
    .selectFrom('wait_list_item')
    .select(['id', 'note', 'created_by', 'created_at', 'updated_at'])
    .where('id', '=', id)
    .where('is_deleted', '=', 0),
);
const touchEntry = prepared((db, id: number, now: number) =>
  db.updateTable('wait_list_item').set({ updated_at: now }).where('id', '=', id).where('is_deleted', '=', 0),
);
const setNote = prepared((db, id: number, note: string | null) =>
  db.updateTable('wait_list_item').set({ note }).where('id', '=', id),
);
const deleteEntry = prepared((db, id: number, now: number) =>
  db
    .updateTable('wait_list_item')
    .set({ is_deleted: 1, updated_at: now })
    .where('id', '=', id)
    .where('is_deleted', '=', 0),
);
/** Two shapes, so each walks its own index: by id, or by creation time. */
const livePage = prepared((db, limit: number, offset: number) =>
  db
    .selectFrom('wait_list_item')
    .select(['id', 'note'])
    .where('is_deleted', '=', 0)
    .orderBy('id')
    .limit(limit)
    .offset(offset),
);
const livePageCreatedWithin = prepared((db, from: number, before: number, limit: number, offset: number) =>
  db
    .selectFrom('wait_list_item')
    .select(['id', 'note'])
    .where('is_deleted', '=', 0)
    .where('created_at', '>=', from)
    .where('created_at', '<', before)
    .orderBy('id')
    .limit(limit)
    .offset(offset),
);

export class WaitListRepository {
  constructor(private readonly db: Executor) {}

  async insert(entry: { note: string | null; createdBy: number; createdAt: number }): Promise<number> {
    const row = await insertEntry.first(this.db, entry.note, entry.createdBy, entry.createdAt);
    return (row as { id: number }).id;
  }

  /** A live (not deleted) entry. */
  async find(id: number): Promise<WaitListEntry | undefined> {
    const row = await liveEntry.first(this.db, id);
    return (
      row && {
        id: row.id,
        note: row.note,
        createdBy: row.created_by,
        createdAt: Number(row.created_at),
        updatedAt: row.updated_at === null ? null : Number(row.updated_at),
      }
    );
  }

  async exists(id: number): Promise<boolean> {
    return (await liveEntry.first(this.db, id)) !== undefined;
  }

  /**
   * Inside a write: marks a live entry as updated now and reports whether it was live. The
   * UPDATE also holds the row until commit, so concurrent writers to one entry (several server
   * processes on PostgreSQL) take turns; SQLite writers already do.
   */
  async touch(id: number, now: number): Promise<boolean> {
    return (await touchEntry.run(this.db, id, now)) > 0;
  }

  async list(query: WaitListQuery): Promise<{ id: number; note: string | null }[]> {
    if (query.createdFrom === undefined && query.createdBefore === undefined) {
      return livePage.all(this.db, query.limit, query.offset);
    }
    const from = query.createdFrom ?? Number.MIN_SAFE_INTEGER;
    const before = query.createdBefore ?? Number.MAX_SAFE_INTEGER;
    return livePageCreatedWithin.all(this.db, from, before, query.limit, query.offset);
  }

  async setNote(id: number, note: string | null): Promise<void> {
    await setNote.run(this.db, id, note);
  }

  /** Deletes a live entry (softly); false when there was none. */
  async softDelete(id: number, now: number): Promise<boolean> {
    return (await deleteEntry.run(this.db, id, now)) > 0;
  }

  async externalData(id: number): Promise<ExternalLink[]> {
    return readLinks(this.db, LINKS, id);
  }

  /** Replaces the entry's whole set of links (duplicates are kept, as in Bitrix). */
  async replaceExternalData(id: number, links: readonly ExternalLink[]): Promise<void> {
    await replaceLinks(this.db, LINKS, id, links);
  }
}
