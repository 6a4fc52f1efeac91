import type { DialectName } from '../dialect.js';
import type { Executor } from '../store.js';
import { inValues } from '../value-list.js';
import { containsText } from './search.js';

/** Notification settings and the like, by their wire names; stored as one JSON column. */
export type Settings = Record<string, unknown>;

export interface ResourceTypeRecord {
  id: number;
  moduleId: string;
  code: string;
  name: string;
  settings: Settings;
}

export interface ResourceRecord {
  id: number;
  typeId: number;
  name: string;
  description: string | null;
  isMain: boolean;
  settings: Settings;
}

export interface Slot {
  id?: number;
  from: number;
  to: number;
  timezone: string;
  weekDays: string[];
  slotSize: number;
}

export interface Sort {
  field: string;
  direction: 'asc' | 'desc';
}

export interface ResourceTypeQuery {
  moduleId?: string;
  code?: string;
  name?: string;
  searchQuery?: string;
  order: readonly Sort[];
  offset: number;
  limit: number;
}

export interface ResourceQuery {
  isMain?: boolean;
  typeIds?: readonly number[];
  name?: string;
  description?: string;
  searchQuery?: string;
  order: readonly Sort[];
  offset: number;
  limit: number;
}

const TYPE_COLUMNS = ['id', 'module_id', 'code', 'name', 'settings'] as const;
const RESOURCE_COLUMNS = ['id', 'type_id', 'name', 'description', 'is_main', 'settings'] as const;

function typeOf(row: { id: number; module_id: string; code: string; name: string; settings: string }) {
  return { id: row.id, moduleId: row.module_id, code: row.code, name: row.name, settings: JSON.parse(row.settings) };
}

function resourceOf(row: {
  id: number;
  type_id: number;
  name: string;
  description: string | null;
  is_main: number;
  settings: string;
}): ResourceRecord {
  return {
    id: row.id,
    typeId: row.type_id,
    name: row.name,
    description: row.description,
    isMain: row.is_main === 1,
    settings: JSON.parse(row.settings),
  };
}

export class ResourceTypeRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

  async insert(type: Omit<ResourceTypeRecord, 'id'>, now: number): Promise<number> {
    const { id } = await this.db
      .insertInto('resource_type')
      .values({
        module_id: type.moduleId,
        code: type.code,
        name: type.name,
        settings: JSON.stringify(type.settings),
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** Inside a write, on PostgreSQL, the row stays locked until commit. */
  async find(id: number, forUpdate = false): Promise<ResourceTypeRecord | undefined> {
    let q = this.db.selectFrom('resource_type').select(TYPE_COLUMNS).where('id', '=', id);
    if (forUpdate && this.dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row && typeOf(row);
  }

  async codeExists(moduleId: string, code: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('resource_type')
      .select('id')
      .where('module_id', '=', moduleId)
      .where('code', '=', code)
      .executeTakeFirst();
    return row !== undefined;
  }

  async list(query: ResourceTypeQuery): Promise<ResourceTypeRecord[]> {
    let q = this.db.selectFrom('resource_type').select(TYPE_COLUMNS);
    if (query.moduleId !== undefined) q = q.where('module_id', '=', query.moduleId);
    if (query.code !== undefined) q = q.where('code', '=', query.code);
    if (query.name !== undefined) q = q.where('name', '=', query.name);
    if (query.searchQuery !== undefined) q = q.where(containsText('name', query.searchQuery, this.dialect));
    for (const { field, direction } of query.order) {
      q = q.orderBy(field === 'code' ? 'code' : field === 'name' ? 'name' : 'id', direction);
    }
    const rows = await q.orderBy('id').limit(query.limit).offset(query.offset).execute();
    return rows.map(typeOf);
  }

  async update(type: ResourceTypeRecord, now: number): Promise<void> {
    await this.db
      .updateTable('resource_type')
      .set({ code: type.code, name: type.name, settings: JSON.stringify(type.settings), updated_at: now })
      .where('id', '=', type.id)
      .execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('resource_type').where('id', '=', id).execute();
  }

  async hasLiveResources(id: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('resource')
      .select('id')
      .where('is_deleted', '=', 0)
      .where('type_id', '=', id)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}

export class ResourceRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

  async insert(resource: Omit<ResourceRecord, 'id'>, createdBy: number, now: number): Promise<number> {
    const { id } = await this.db
      .insertInto('resource')
      .values({
        type_id: resource.typeId,
        name: resource.name,
        description: resource.description,
        is_main: resource.isMain ? 1 : 0,
        settings: JSON.stringify(resource.settings),
        created_by: createdBy,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** A live resource; inside a write on PostgreSQL it stays locked until commit. */
  async find(id: number, forUpdate = false): Promise<ResourceRecord | undefined> {
    let q = this.db.selectFrom('resource').select(RESOURCE_COLUMNS).where('id', '=', id).where('is_deleted', '=', 0);
    if (forUpdate && this.dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row && resourceOf(row);
  }

  /**
   * Which of these resources are live, locking them in id order on PostgreSQL so that writers
   * booking the same resources (from any process) take turns without deadlocking.
   */
  async lockLive(ids: readonly number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    let q = this.db
      .selectFrom('resource')
      .select('id')
      .where(inValues('id', ids, this.dialect))
      .where('is_deleted', '=', 0)
      .orderBy('id');
    if (this.dialect === 'postgres') q = q.forUpdate();
    return new Set((await q.execute()).map((r) => r.id));
  }

  async list(query: ResourceQuery): Promise<ResourceRecord[]> {
    let q = this.db.selectFrom('resource').select(RESOURCE_COLUMNS).where('is_deleted', '=', 0);
    if (query.isMain !== undefined) q = q.where('is_main', '=', query.isMain ? 1 : 0);
    if (query.typeIds !== undefined) {
      q = q.where(inValues('type_id', query.typeIds, this.dialect));
    }
    if (query.name !== undefined) q = q.where('name', '=', query.name);
    if (query.description !== undefined) q = q.where('description', '=', query.description);
    if (query.searchQuery !== undefined) q = q.where(containsText('name', query.searchQuery, this.dialect));
    for (const { field, direction } of query.order) q = q.orderBy(field === 'name' ? 'name' : 'id', direction);
    const rows = await q.orderBy('id').limit(query.limit).offset(query.offset).execute();
    return rows.map(resourceOf);
  }

  async update(resource: ResourceRecord, now: number): Promise<void> {
    await this.db
      .updateTable('resource')
      .set({
        type_id: resource.typeId,
        name: resource.name,
        description: resource.description,
        is_main: resource.isMain ? 1 : 0,
        settings: JSON.stringify(resource.settings),
        updated_at: now,
      })
      .where('id', '=', resource.id)
      .execute();
  }

  async softDelete(id: number, now: number): Promise<void> {
    await this.db.updateTable('resource').set({ is_deleted: 1, updated_at: now }).where('id', '=', id).execute();
  }

  /** Does a live booking of this resource start at or after `now`? (index: resource_id, date_from) */
  async hasBookingsFrom(id: number, now: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('booking_resource')
      .select('id')
      .where('resource_id', '=', id)
      .where('date_from', '>=', now)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async slots(resourceId: number): Promise<Slot[]> {
    const rows = await this.db
      .selectFrom('resource_slot')
      .selectAll()
      .where('resource_id', '=', resourceId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      from: r.minute_from,
      to: r.minute_to,
      timezone: r.timezone,
      weekDays: r.week_days === '' ? [] : r.week_days.split(','),
      slotSize: r.slot_size,
    }));
  }

  async replaceSlots(resourceId: number, slots: readonly Slot[]): Promise<void> {
    await this.db.deleteFrom('resource_slot').where('resource_id', '=', resourceId).execute();
    if (slots.length === 0) return;
    await this.db
      .insertInto('resource_slot')
      .values(
        slots.map((s) => ({
          resource_id: resourceId,
          minute_from: s.from,
          minute_to: s.to,
          timezone: s.timezone,
          week_days: s.weekDays.join(','),
          slot_size: s.slotSize,
        })),
      )
      .execute();
  }
}
