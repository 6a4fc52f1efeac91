import type { DialectName } from '../dialect.js';
import type { Executor } from '../store.js';

const INSERT_CHUNK = 500;

/**
 * Ids are 32-bit columns; PostgreSQL refuses a larger parameter outright (an error, not "no
 * row"), so such an id is answered as not found before it reaches the database.
 */
const isStorableId = (id: number) => Number.isInteger(id) && id >= -2_147_483_648 && id <= 2_147_483_647;

export interface WaitListEntry {
  id: number;
  note: string | null;
  createdBy: number;
  createdAt: number;
  updatedAt: number | null;
}

export interface ExternalLink {
  moduleId: string;
  entityTypeId: string;
  value: string;
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
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

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
    if (!isStorableId(id)) return undefined;
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
    return this.live(id, false);
  }

  /**
   * Inside a write: is the entry live, and hold it until commit so that concurrent writers to
   * the same entry (other processes on PostgreSQL) take turns. SQLite writers already do.
   */
  async lock(id: number): Promise<boolean> {
    return this.live(id, this.dialect === 'postgres');
  }

  private async live(id: number, forUpdate: boolean): Promise<boolean> {
    if (!isStorableId(id)) return false;
    let q = this.db.selectFrom('wait_list_item').select('id').where('id', '=', id).where('is_deleted', '=', 0);
    if (forUpdate) q = q.forUpdate();
    return (await q.executeTakeFirst()) !== undefined;
  }

  async list(query: WaitListQuery): Promise<{ id: number; note: string | null }[]> {
    let q = this.db.selectFrom('wait_list_item').select(['id', 'note']).where('is_deleted', '=', 0);
    if (query.createdFrom !== undefined) q = q.where('created_at', '>=', query.createdFrom);
    if (query.createdBefore !== undefined) q = q.where('created_at', '<', query.createdBefore);
    return q.orderBy('id').limit(query.limit).offset(query.offset).execute();
  }

  /** `note: undefined` leaves the note as it is. */
  async update(id: number, change: { note?: string | null; updatedAt: number }): Promise<void> {
    await this.db
      .updateTable('wait_list_item')
      .set(
        change.note === undefined
          ? { updated_at: change.updatedAt }
          : { note: change.note, updated_at: change.updatedAt },
      )
      .where('id', '=', id)
      .execute();
  }

  async softDelete(id: number, now: number): Promise<void> {
    await this.db.updateTable('wait_list_item').set({ is_deleted: 1, updated_at: now }).where('id', '=', id).execute();
  }

  async externalData(id: number): Promise<ExternalLink[]> {
    const rows = await this.db
      .selectFrom('wait_list_external_data')
      .select(['module_id', 'entity_type_id', 'value'])
      .where('wait_list_item_id', '=', id)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ moduleId: r.module_id, entityTypeId: r.entity_type_id, value: r.value }));
  }

  /** Replaces the entry's whole set of links (duplicates are kept, as in Bitrix). */
  async replaceExternalData(id: number, links: readonly ExternalLink[]): Promise<void> {
    await this.db.deleteFrom('wait_list_external_data').where('wait_list_item_id', '=', id).execute();
    // In chunks: one statement may bind only so many values.
    for (let i = 0; i < links.length; i += INSERT_CHUNK) {
      await this.db
        .insertInto('wait_list_external_data')
        .values(
          links.slice(i, i + INSERT_CHUNK).map((l) => ({
            wait_list_item_id: id,
            module_id: l.moduleId,
            entity_type_id: l.entityTypeId,
            value: l.value,
          })),
        )
        .execute();
    }
  }
}
