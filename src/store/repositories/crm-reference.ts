/**
 * The CRM's reference lists and pipelines (src/crm/reference/): plain rows. Until the first
 * change a portal has none, and its defaults are what src/crm/reference answers.
 */
import { sql } from 'kysely';
import type { DialectName } from '../dialect.js';
import type { CrmCategoryTable, CrmStatusTable, CrmTypeTable } from '../schema.js';
import type { Executor } from '../store.js';

/** The key of the transaction-level advisory lock that writes of the lists and types take. */
const REFERENCE_LOCK_KEY = 0x62326372; // 'b2cr'

export type StatusRow = Omit<CrmStatusTable, 'id'> & { id: number };
export type CategoryRow = Omit<CrmCategoryTable, 'id'> & { id: number };
export type TypeRow = Omit<CrmTypeTable, 'id'> & { id: number };

export class CrmReferenceRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

  /**
   * Within a write: waits for any other write of the lists or the types to commit (PostgreSQL;
   * SQLite's write transaction holds the file already), so two first changes write the defaults
   * once and two new types never take the same entityTypeId.
   */
  async lock(): Promise<void> {
    if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${REFERENCE_LOCK_KEY})`.execute(this.db);
  }

  /** Whether the portal's lists are rows yet (the first change writes them all). */
  async written(): Promise<boolean> {
    return (await this.db.selectFrom('crm_status').select('id').limit(1).executeTakeFirst()) !== undefined;
  }

  async statuses(): Promise<StatusRow[]> {
    return this.db.selectFrom('crm_status').selectAll().orderBy('id').execute();
  }

  async categories(): Promise<CategoryRow[]> {
    return this.db.selectFrom('crm_category').selectAll().orderBy('id').execute();
  }

  /** The entries of one list (what a record's write reads: one pipeline's stages). */
  async statusesOf(entityId: string): Promise<StatusRow[]> {
    return this.db.selectFrom('crm_status').selectAll().where('entity_id', '=', entityId).orderBy('id').execute();
  }

  async categoriesOf(entityTypeId: number): Promise<CategoryRow[]> {
    return this.db
      .selectFrom('crm_category')
      .selectAll()
      .where('entity_type_id', '=', entityTypeId)
      .orderBy('id')
      .execute();
  }

  /** Writes the defaults with their own ids; later rows are numbered after them. */
  async writeDefaults(statuses: readonly StatusRow[], categories: readonly CategoryRow[]): Promise<void> {
    for (const row of statuses) await this.db.insertInto('crm_status').values(row).execute();
    for (const row of categories) await this.db.insertInto('crm_category').values(row).execute();
    if (this.dialect === 'postgres') {
      // An identity column's sequence does not see explicit ids: move it past them.
      for (const table of ['crm_status', 'crm_category']) {
        const last = sql`(select coalesce(max(id), 0) from ${sql.table(table)})`;
        // Past the highest id, or at 1 unused when the only id is 0 (the default pipeline).
        await sql`select setval(pg_get_serial_sequence(${table}, 'id'), greatest(${last}, 1), ${last} >= 1)`.execute(
          this.db,
        );
      }
    }
  }

  async addStatus(row: Omit<StatusRow, 'id'>): Promise<number> {
    const { id } = await this.db.insertInto('crm_status').values(row).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  async updateStatus(id: number, values: Partial<Omit<StatusRow, 'id'>>): Promise<void> {
    if (Object.keys(values).length > 0)
      await this.db.updateTable('crm_status').set(values).where('id', '=', id).execute();
  }

  async removeStatuses(ids: readonly number[]): Promise<void> {
    if (ids.length > 0) await this.db.deleteFrom('crm_status').where('id', 'in', ids).execute();
  }

  async addCategory(row: Omit<CategoryRow, 'id'>): Promise<number> {
    const { id } = await this.db.insertInto('crm_category').values(row).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  async updateCategory(id: number, values: Partial<Omit<CategoryRow, 'id'>>): Promise<void> {
    if (Object.keys(values).length > 0)
      await this.db.updateTable('crm_category').set(values).where('id', '=', id).execute();
  }

  async removeCategory(id: number): Promise<void> {
    await this.db.deleteFrom('crm_category').where('id', '=', id).execute();
  }

  /** The smart processes of the portal (a handful), by id. */
  async types(): Promise<TypeRow[]> {
    return this.db.selectFrom('crm_type').selectAll().orderBy('id').execute();
  }

  async addType(row: Omit<TypeRow, 'id'>): Promise<number> {
    const { id } = await this.db.insertInto('crm_type').values(row).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  async updateType(id: number, values: Partial<Omit<TypeRow, 'id'>>): Promise<void> {
    await this.db.updateTable('crm_type').set(values).where('id', '=', id).execute();
  }

  async removeType(id: number): Promise<void> {
    await this.db.deleteFrom('crm_type').where('id', '=', id).execute();
  }
}
