import type { Executor } from '../store.js';
import { type ExternalLink, type LinkTable, readLinks, replaceLinks } from './external-links.js';

export type { ExternalLink } from './external-links.js';

const LINKS: LinkTable = { table: 'wait_list_external_data', owner: 'wait_list_item_id' };

/**
 * Ids are 32-bit columns; PostgreSQL refuses a larger parameter outright (an error, not "no
 * row"), so such an id is answered as not found before it reaches the database.
 */

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

export class WaitListRepository {
  constructor(private readonly db: Executor) {}

  async insert(entry: { note: string | null; createdBy: number; createdAt: number }): Promise<number> {
    const { id } = await this.db
      .insertInto('wait_list_item')
      .values({ note: entry.note, created_by: entry.createdBy, created_at: entry.createdAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** A live (not deleted) entry. */
  async find(id: number): Promise<WaitListEntry | undefined> {
    const row = await this.db
      .selectFrom('wait_list_item')
      .select(['id', 'note', 'created_by', 'created_at', 'updated_at'])
      .where('id', '=', id)
      .where('is_deleted', '=', 0)
      .executeTakeFirst();
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
    const row = await this.db
      .selectFrom('wait_list_item')
      .select('id')
      .where('id', '=', id)
      .where('is_deleted', '=', 0)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Inside a write: marks a live entry as updated now and reports whether it was live. The
   * UPDATE also holds the row until commit, so concurrent writers to one entry (several server
   * processes on PostgreSQL) take turns; SQLite writers already do.
   */
  async touch(id: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('wait_list_item')
      .set({ updated_at: now })
      .where('id', '=', id)
      .where('is_deleted', '=', 0)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async list(query: WaitListQuery): Promise<{ id: number; note: string | null }[]> {
    let q = this.db.selectFrom('wait_list_item').select(['id', 'note']).where('is_deleted', '=', 0);
    if (query.createdFrom !== undefined) q = q.where('created_at', '>=', query.createdFrom);
    if (query.createdBefore !== undefined) q = q.where('created_at', '<', query.createdBefore);
    return q.orderBy('id').limit(query.limit).offset(query.offset).execute();
  }

  async setNote(id: number, note: string | null): Promise<void> {
    await this.db.updateTable('wait_list_item').set({ note }).where('id', '=', id).execute();
  }

  /** Deletes a live entry (softly); false when there was none. */
  async softDelete(id: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('wait_list_item')
      .set({ is_deleted: 1, updated_at: now })
      .where('id', '=', id)
      .where('is_deleted', '=', 0)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async externalData(id: number): Promise<ExternalLink[]> {
    return readLinks(this.db, LINKS, id);
  }

  /** Replaces the entry's whole set of links (duplicates are kept, as in Bitrix). */
  async replaceExternalData(id: number, links: readonly ExternalLink[]): Promise<void> {
    await replaceLinks(this.db, LINKS, id, links);
  }
}
