/**
 * CRM records, read and written by column name: each entity's columns come from its field
 * declaration (src/crm/), so this one repository serves deals, contacts and companies alike.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../dialect.js';
import { preparedIn, preparedRows } from '../prepared.js';
import type { CrmTableName, Database } from '../schema.js';
import type { Executor } from '../store.js';
import { inValues } from '../value-list.js';

export type CrmOperator = '=' | '!=' | '>' | '<' | '>=' | '<=' | 'like' | 'notLike' | 'in' | 'notIn';

/** One filter condition on a column; `like` and `notLike` take a SQL pattern and ignore case. */
export type CrmCondition =
  | { column: string; op: CrmOperator; value: unknown }
  /** The record has a multi-field value (`EMAIL: "a@b.c"`): its type's values, case ignored. */
  | { column: 'id'; op: 'hasMultifield'; value: { entityId: string; typeId: string; value: string } }
  /** The record has a custom field value (`UF_CRM_RATING: 5`), or one of several. */
  | { column: 'id'; op: 'hasUserFieldValue'; value: { entityId: string; fieldName: string; values: string[] } }
  /** A nested filter (`{"logic": "OR", ...}`): its conditions all hold, or any one does. */
  | { op: 'and' | 'or'; conditions: readonly CrmCondition[] };

export interface CrmQuery {
  conditions: readonly CrmCondition[];
  /** `ignoreCase` for text columns: Bitrix24's MySQL collation orders text case-insensitively. */
  order: readonly { column: string; direction: 'asc' | 'desc'; ignoreCase?: boolean }[];
  offset: number;
  limit: number;
}

export type CrmRow = { id: number } & Record<string, unknown>;

export interface Multifield {
  id: number;
  elementId: number;
  typeId: string;
  valueType: string;
  value: string;
}

type AnyBuilder = ExpressionBuilder<Database, CrmTableName>;

function condition(eb: AnyBuilder, c: CrmCondition, dialect: DialectName): Expression<SqlBool> {
  if ('conditions' in c) {
    const parts = c.conditions.map((inner) => condition(eb, inner, dialect));
    return c.op === 'and' ? eb.and(parts) : eb.or(parts);
  }
  const ref = sql.ref(c.column);
  switch (c.op) {
    case 'hasMultifield':
      return eb(
        'id',
        'in',
        eb
          .selectFrom('crm_multifield as m')
          .select('m.element_id')
          .where('m.entity_id', '=', c.value.entityId)
          .where('m.type_id', '=', c.value.typeId)
          .where(sql<SqlBool>`lower(m.value) = ${c.value.value.toLowerCase()}`),
      );
    case 'hasUserFieldValue':
      return eb(
        ref,
        'in',
        eb
          .selectFrom('crm_user_field_value as u')
          .select('u.element_id')
          .where('u.entity_id', '=', c.value.entityId)
          .where('u.field_name', '=', c.value.fieldName)
          .where(inValues('u.value', c.value.values, dialect)),
      );
    case 'like':
      return sql<SqlBool>`lower(${ref}) like ${String(c.value).toLowerCase()}`;
    case 'notLike':
      return eb.or([eb(ref, 'is', null), sql<SqlBool>`lower(${ref}) not like ${String(c.value).toLowerCase()}`]);
    case 'in':
    case 'notIn':
      return inValues(ref, c.value as unknown[], dialect, c.op === 'notIn');
    case '!=':
      // SQL's <> skips NULLs; Bitrix's "not equal" keeps rows with no value.
      return c.value === null ? eb(ref, 'is not', null) : eb.or([eb(ref, '<>', c.value), eb(ref, 'is', null)]);
    case '=':
      return c.value === null ? eb(ref, 'is', null) : eb(ref, '=', c.value);
    default:
      return eb(ref, c.op, c.value);
  }
}

// The reads of the deal rule every externalData.set runs (booking/clients), built once.
const byIds = (table: OwnTableName) =>
  preparedIn((db, ids: number[]) => db.selectFrom(table).selectAll().where('id', 'in', ids));
const recordsOf: Record<OwnTableName, ReturnType<typeof byIds>> = {
  crm_lead: byIds('crm_lead'),
  crm_deal: byIds('crm_deal'),
  crm_contact: byIds('crm_contact'),
  crm_company: byIds('crm_company'),
};

/** The tables of the types whose records have a table of their own (deals, contacts, companies). */
type OwnTableName = Exclude<CrmTableName, 'crm_dynamic_item'>;

/**
 * Where an entity's records are: a table of their own, or the shared table of smart process
 * items, where every read and write keeps to one type's rows.
 */
export type CrmTarget = OwnTableName | { readonly table: 'crm_dynamic_item'; readonly typeId: number };

const tableOf = (target: CrmTarget) => (typeof target === 'string' ? target : target.table);

/** The CRM object type of the records in a table of their own (`entityTypeId`). */
const ENTITY_TYPE_OF_TABLE = { crm_lead: 1, crm_deal: 2, crm_contact: 3, crm_company: 4 } as const;

const entityTypeOf = (target: CrmTarget) => (typeof target === 'string' ? ENTITY_TYPE_OF_TABLE[target] : target.typeId);

/** Records of a type without pipelines (leads, contacts, companies) are counted under this category. */
const NO_CATEGORY = -1;

/** Whether the target's records have a pipeline (`category_id`). */
const hasCategory = (target: CrmTarget) => tableOf(target) === 'crm_deal' || tableOf(target) === 'crm_dynamic_item';

/** The category a record is counted under: its pipeline, if its type has them. */
function countedCategory(target: CrmTarget, categoryId: unknown): number {
  return hasCategory(target) && categoryId !== null && categoryId !== undefined ? Number(categoryId) : NO_CATEGORY;
}

/**
 * The pipelines whose kept counts answer a count with these conditions: every one (no condition),
 * or those a pipeline-only filter names (`categoryId: 5`, `@categoryId: [0, 5]`); otherwise none,
 * and the records are counted.
 */
function keptCountCategories(target: CrmTarget, conditions: readonly CrmCondition[]): 'all' | number[] | undefined {
  if (conditions.length === 0) return 'all';
  const [only] = conditions;
  if (conditions.length > 1 || !only || !hasCategory(target) || !('column' in only) || only.column !== 'category_id') {
    return undefined;
  }
  const values = only.op === '=' ? [only.value] : only.op === 'in' ? (only.value as unknown[]) : undefined;
  const categories = values?.filter((v): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
  return categories && categories.length === values?.length ? categories : undefined;
}

/**
 * The column holding the ids the API shows: a smart process numbers its own items (`item_id`,
 * see migration 018), the other types' ids are their rows' keys.
 */
const idColumn = (target: CrmTarget) => (typeof target === 'string' ? 'id' : 'item_id');

/** A condition on the API's ids as a condition on the target's id column. */
function onIdColumn(c: CrmCondition, column: string): CrmCondition {
  if ('conditions' in c) return { ...c, conditions: c.conditions.map((inner) => onIdColumn(inner, column)) };
  return c.op !== 'hasMultifield' && c.column === 'id' ? ({ ...c, column } as CrmCondition) : c;
}

/** The conditions that keep a query to the target's rows, naming its ids as it stores them. */
function scoped(target: CrmTarget, conditions: readonly CrmCondition[]): CrmCondition[] {
  if (typeof target === 'string') return [...conditions];
  return [
    { column: 'entity_type_id', op: '=', value: target.typeId },
    ...conditions.map((c) => onIdColumn(c, idColumn(target))),
  ];
}

/** A stored row as the API numbers it. */
const asRecord = (target: CrmTarget, row: CrmRow): CrmRow =>
  typeof target === 'string' ? row : { ...row, id: Number(row.item_id) };
const contactsOfDeals = preparedIn((db, dealIds: number[]) =>
  db
    .selectFrom('crm_deal_contact')
    .select(['deal_id', 'contact_id'])
    .where('deal_id', 'in', dealIds)
    .orderBy('deal_id')
    .orderBy('sort'),
);

/** A deal's contacts, as many as the caller names: inserted in pieces (see preparedRows). */
const insertDealContacts = preparedRows(
  ['contactId', 'sort'],
  (db, rows: { contactId: number; sort: number }[], dealId: number) =>
    db
      .insertInto('crm_deal_contact')
      .values(rows.map((r) => ({ deal_id: dealId, contact_id: r.contactId, sort: r.sort }))),
);

export class CrmRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

  async insert(target: CrmTarget, values: Record<string, unknown>): Promise<number> {
    await this.changeCount(target, countedCategory(target, values.category_id), 1);
    if (typeof target === 'string') {
      const { id } = await this.db.insertInto(target).values(values).returning('id').executeTakeFirstOrThrow();
      return id;
    }
    const itemId = await this.nextItemId(target.typeId);
    await this.db
      .insertInto(target.table)
      .values({ ...values, entity_type_id: target.typeId, item_id: itemId })
      .execute();
    return itemId;
  }

  /** The next id of a smart process's items (held by this transaction on PostgreSQL until it ends). */
  private async nextItemId(entityTypeId: number): Promise<number> {
    const { last_id } = await this.db
      .insertInto('crm_item_sequence')
      .values({ entity_type_id: entityTypeId, last_id: 1 })
      .onConflict((oc) =>
        oc.column('entity_type_id').doUpdateSet({ last_id: sql<number>`crm_item_sequence.last_id + 1` }),
      )
      .returning('last_id')
      .executeTakeFirstOrThrow();
    return Number(last_id);
  }

  /** Adds `by` to the kept count of the target's records in a category, in the caller's transaction. */
  private async changeCount(target: CrmTarget, categoryId: number, by: number): Promise<void> {
    await this.db
      .insertInto('crm_record_count')
      .values({ entity_type_id: entityTypeOf(target), category_id: categoryId, n: by })
      .onConflict((oc) =>
        oc.columns(['entity_type_id', 'category_id']).doUpdateSet({ n: sql<number>`crm_record_count.n + ${by}` }),
      )
      .execute();
  }

  /** The target's record of this id (as the API numbers it). */
  async find(target: CrmTarget, id: number): Promise<CrmRow | undefined> {
    const [row] = await this.list(target, {
      conditions: [{ column: 'id', op: '=', value: id }],
      order: [],
      offset: 0,
      limit: 1,
    });
    return row;
  }

  async findMany(table: OwnTableName, ids: readonly number[]): Promise<CrmRow[]> {
    return (await recordsOf[table].all(this.db, ids)) as CrmRow[];
  }

  /** Where a query finds the target's record of this id. */
  private byId(target: CrmTarget, id: number) {
    return (eb: AnyBuilder) =>
      eb.and(scoped(target, [{ column: 'id', op: '=', value: id }]).map((c) => condition(eb, c, this.dialect)));
  }

  /** Inside a write: does the record exist; on PostgreSQL hold it until commit. */
  async lock(target: CrmTarget, id: number): Promise<boolean> {
    let q = this.db.selectFrom(tableOf(target)).select('id').where(this.byId(target, id));
    if (this.dialect === 'postgres') q = q.forUpdate();
    return (await q.executeTakeFirst()) !== undefined;
  }

  async update(target: CrmTarget, id: number, values: Record<string, unknown>): Promise<void> {
    if (Object.keys(values).length === 0) return;
    const moved = 'category_id' in values && hasCategory(target) ? await this.categoryOf(target, id) : undefined;
    await this.db.updateTable(tableOf(target)).set(values).where(this.byId(target, id)).execute();
    const to = countedCategory(target, values.category_id);
    if (moved !== undefined && moved !== to) {
      await this.changeCount(target, moved, -1);
      await this.changeCount(target, to, 1);
    }
  }

  /** The category a stored record is counted under; undefined when there is no such record. */
  private async categoryOf(target: CrmTarget, id: number): Promise<number | undefined> {
    const row = await this.db
      .selectFrom(tableOf(target))
      .select(hasCategory(target) ? ['id', 'category_id'] : ['id'])
      .where(this.byId(target, id))
      .executeTakeFirst();
    return row && countedCategory(target, row.category_id);
  }

  async remove(target: CrmTarget, id: number): Promise<void> {
    const category = await this.categoryOf(target, id);
    if (category === undefined) return;
    await this.db.deleteFrom(tableOf(target)).where(this.byId(target, id)).execute();
    await this.changeCount(target, category, -1);
  }

  /** A deleted smart process's counts and id sequence: a new type of its entityTypeId starts at 1. */
  async forgetType(entityTypeId: number): Promise<void> {
    await this.db.deleteFrom('crm_record_count').where('entity_type_id', '=', entityTypeId).execute();
    await this.db.deleteFrom('crm_item_sequence').where('entity_type_id', '=', entityTypeId).execute();
  }

  async list(target: CrmTarget, query: CrmQuery): Promise<CrmRow[]> {
    let q = this.db
      .selectFrom(tableOf(target))
      .selectAll()
      .where((eb) => eb.and(scoped(target, query.conditions).map((c) => condition(eb, c, this.dialect))));
    const ids = idColumn(target);
    for (const { column, direction, ignoreCase } of query.order) {
      const ref = sql.ref(column === 'id' ? ids : column);
      q = q.orderBy(ignoreCase ? sql`lower(${ref})` : ref, direction);
    }
    // Ties (and no order at all) in id order, so pages never overlap.
    const rows = (await q.orderBy(sql.ref(ids)).limit(query.limit).offset(query.offset).execute()) as CrmRow[];
    return rows.map((row) => asRecord(target, row));
  }

  /** How many of the target's records meet the conditions: from the kept counts where they answer it. */
  async count(target: CrmTarget, conditions: readonly CrmCondition[]): Promise<number> {
    const categories = keptCountCategories(target, conditions);
    if (categories !== undefined) return this.keptCount(target, categories);
    const { n } = await this.db
      .selectFrom(tableOf(target))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.and(scoped(target, conditions).map((c) => condition(eb, c, this.dialect))))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  private async keptCount(target: CrmTarget, categories: 'all' | readonly number[]): Promise<number> {
    if (categories !== 'all' && categories.length === 0) return 0;
    let q = this.db
      .selectFrom('crm_record_count')
      .select((eb) => eb.fn.sum<number | string | null>('n').as('n'))
      .where('entity_type_id', '=', entityTypeOf(target));
    if (categories !== 'all') q = q.where('category_id', 'in', categories);
    const { n } = await q.executeTakeFirstOrThrow();
    return Number(n ?? 0);
  }

  /**
   * Completes a state saved before the counts and the per-type item ids were kept: its items
   * keep their numbers, each type goes on from its largest, and every record is counted again.
   */
  async completeOlderState(): Promise<void> {
    await this.db
      .updateTable('crm_dynamic_item')
      .set({ item_id: sql.ref('id') })
      .where('item_id', 'is', null)
      .execute();
    await this.db.deleteFrom('crm_item_sequence').execute();
    await sql`insert into crm_item_sequence (entity_type_id, last_id)
      select entity_type_id, max(item_id) from crm_dynamic_item group by entity_type_id`.execute(this.db);
    await this.db.deleteFrom('crm_record_count').execute();
    for (const table of ['crm_lead', 'crm_deal', 'crm_contact', 'crm_company', 'crm_dynamic_item'] as const) {
      const entityType =
        table === 'crm_dynamic_item' ? sql.ref('entity_type_id') : sql.lit(ENTITY_TYPE_OF_TABLE[table]);
      const category = hasCategory(table === 'crm_dynamic_item' ? { table, typeId: 0 } : table)
        ? sql`coalesce(category_id, ${sql.lit(NO_CATEGORY)})`
        : sql.lit(NO_CATEGORY);
      await sql`insert into crm_record_count (entity_type_id, category_id, n)
        select ${entityType}, ${category}, count(*) from ${sql.table(table)} group by 1, 2`.execute(this.db);
    }
  }

  /** The contacts of each deal, in binding order. */
  async dealContacts(dealIds: readonly number[]): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>();
    const rows = await contactsOfDeals.all(this.db, dealIds);
    for (const row of rows) out.set(row.deal_id, [...(out.get(row.deal_id) ?? []), row.contact_id]);
    return out;
  }

  async setDealContacts(dealId: number, contactIds: readonly number[]): Promise<void> {
    await this.db.deleteFrom('crm_deal_contact').where('deal_id', '=', dealId).execute();
    await insertDealContacts.run(
      this.db,
      contactIds.map((contactId, sort) => ({ contactId, sort })),
      dealId,
    );
  }

  /** A deleted contact leaves every deal it was bound to; each deal's primary contact moves on. */
  async unbindContact(contactId: number): Promise<void> {
    const rows = await this.db
      .selectFrom('crm_deal_contact')
      .select('deal_id')
      .where('contact_id', '=', contactId)
      .execute();
    await this.db.deleteFrom('crm_deal_contact').where('contact_id', '=', contactId).execute();
    const contacts = await this.dealContacts(rows.map((r) => r.deal_id));
    for (const { deal_id } of rows) {
      await this.update('crm_deal', deal_id, { contact_id: contacts.get(deal_id)?.[0] ?? null });
    }
  }

  /**
   * The records that name `id` in a JSON list column (`company_ids`) or in its single column
   * (`company_id`, of a record from before the list was kept).
   */
  async boundTo(table: OwnTableName, listColumn: string, column: string, id: number): Promise<CrmRow[]> {
    const rows = (await this.db
      .selectFrom(table)
      .selectAll()
      .where((eb) => eb.or([eb(sql.ref(column), '=', id), eb(sql.ref(listColumn), 'like', `%${id}%`)]))
      .execute()) as CrmRow[];
    // `like` finds 15 for 5 too: keep the rows whose list holds the id itself.
    return rows.filter((row) => {
      const list = row[listColumn];
      return typeof list === 'string' ? (JSON.parse(list) as number[]).includes(id) : Number(row[column]) === id;
    });
  }

  /** Sets `column` to NULL wherever it holds `id` (a deleted company leaves its deals and contacts). */
  async clearReference(table: CrmTableName, column: string, id: number): Promise<void> {
    await this.db
      .updateTable(table)
      .set({ [column]: null })
      .where(sql.ref(column), '=', id)
      .execute();
  }

  async multifields(entityId: string, elementIds: readonly number[]): Promise<Multifield[]> {
    if (elementIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('crm_multifield')
      .selectAll()
      .where('entity_id', '=', entityId)
      .where('element_id', 'in', elementIds)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      elementId: r.element_id,
      typeId: r.type_id,
      valueType: r.value_type,
      value: r.value,
    }));
  }

  async addMultifield(entityId: string, elementId: number, item: Omit<Multifield, 'id' | 'elementId'>) {
    await this.db
      .insertInto('crm_multifield')
      .values({
        entity_id: entityId,
        element_id: elementId,
        type_id: item.typeId,
        value_type: item.valueType,
        value: item.value,
      })
      .execute();
  }

  /** Changes one stored value of this element (an id of another element changes nothing). */
  async updateMultifield(entityId: string, elementId: number, id: number, valueType: string, value: string) {
    await this.db
      .updateTable('crm_multifield')
      .set({ value_type: valueType, value })
      .where('id', '=', id)
      .where('entity_id', '=', entityId)
      .where('element_id', '=', elementId)
      .execute();
  }

  async removeMultifields(entityId: string, elementId: number, ids?: readonly number[]): Promise<void> {
    let q = this.db.deleteFrom('crm_multifield').where('entity_id', '=', entityId).where('element_id', '=', elementId);
    if (ids) {
      if (ids.length === 0) return;
      q = q.where('id', 'in', ids);
    }
    await q.execute();
  }
}
