/**
 * The one CRM entity engine. A deal, a contact and a company differ only in what their
 * declaration says (fields, defaults, events, not-found errors, link hooks); adding, reading,
 * listing, updating and deleting, multi-fields and events are written here once.
 */
import type { RestError } from '../../rest/errors.js';
import { isPhpArray, phpIntCast, phpString } from '../../rest/php.js';
import type { CrmRow, CrmTarget, Multifield } from '../../store/repositories/crm.js';
import type { Repositories } from '../../store/store.js';
import {
  type CrmField,
  type CrmFields,
  clampInt,
  columnOf,
  toColumnValue,
  toWireValue,
  userFieldValue,
} from './fields.js';
import { classicNaming, crmConditions, crmOrder, crmSelection, type FieldNaming } from './query.js';

export interface CrmEntityDeclaration {
  /**
   * The middle of the method names: `crm.<name>.add`; also names the table and the events
   * (`dynamicItem` for a smart process's items: `onCrmDynamicItemAdd`, the shared table).
   */
  readonly name: 'lead' | 'deal' | 'contact' | 'company' | 'dynamicItem';
  /** The CRM object type's number, as `crm.item.*` names it (`entityTypeId`): deal 2, contact 3, company 4. */
  readonly entityTypeId: number;
  /** The fields of the classic methods (`crm.deal.*`), in the order their pages list them. */
  readonly fields: CrmFields;
  /** Fields that only `crm.item.*` shows and takes (`observers`). */
  readonly itemOnlyFields?: CrmFields;
  /** Each method's not-found error, as its page words it. */
  readonly notFound: {
    readonly get: () => RestError;
    readonly update: () => RestError;
    readonly delete: () => RestError;
  };
  /** Stored values of a new record before its own fields apply (stage, currency, flags). */
  defaults(): Record<string, unknown>;
  /** VALUE_TYPE of a multi-field value that names none. */
  readonly multifieldDefaults?: Readonly<Record<string, string>>;
  /**
   * Checks and completes the columns about to be written (a deal's pipeline and stage, and
   * what follows from the stage); on add they are the whole new record. May refuse the write.
   */
  prepare?(
    repos: Repositories,
    columns: Record<string, unknown>,
    write: PendingWrite,
  ): Promise<Record<string, unknown>>;
  /** After a write: the links the entity keeps outside its own columns (a deal's contacts). */
  afterSave?(repos: Repositories, id: number, input: Record<string, unknown>, isNew: boolean): Promise<void>;
  /** After a delete: what Bitrix24 does to the records that pointed at this one. */
  afterDelete?(repos: Repositories, id: number): Promise<void>;
  /** The values of virtual fields kept outside the record (a deal's CONTACT_IDS), by record id. */
  virtualValues?(repos: Repositories, ids: readonly number[]): Promise<Map<number, Record<string, unknown>>>;
}

export interface CrmEntity extends CrmEntityDeclaration {
  /** Where the records are: `crm_<name>`, or a smart process's rows of the shared item table. */
  readonly target: CrmTarget;
  /** Bitrix's owner type name (DEAL, CONTACT, COMPANY): how multi-fields name their owner. */
  readonly typeName: string;
  /** The fields of `crm.item.*`: the classic ones and the item-only ones, by declared name. */
  readonly itemFields: CrmFields;
}

/** Which API a write comes through: the classic methods' fields, or those of `crm.item.*`. */
export type CrmFace = 'classic' | 'item';

/** What `prepare` knows of a write: a new record, or the stored one it changes. */
export type PendingWrite = { face: CrmFace } & ({ isNew: true } | { isNew: false; stored: CrmRow });

// Field names arrive from requests and are looked up as keys: with no prototype,
// `constructor` or `toString` is an unknown field like any other, not Object's member.
const fieldMap = (...parts: CrmFields[]): CrmFields =>
  Object.assign(Object.create(null) as Record<string, CrmField>, ...parts);

export function defineCrmEntity(declaration: CrmEntityDeclaration): CrmEntity {
  const { name, entityTypeId } = declaration;
  return {
    ...declaration,
    fields: fieldMap(declaration.fields),
    itemFields: fieldMap(declaration.fields, declaration.itemOnlyFields ?? {}),
    target: name === 'dynamicItem' ? { table: 'crm_dynamic_item', typeId: entityTypeId } : `crm_${name}`,
    typeName: name === 'dynamicItem' ? `DYNAMIC_${entityTypeId}` : name.toUpperCase(),
  };
}

/** The entity's REST event for an action, as its doc pages name them: onCrmDealAdd, onCrmDynamicItemDelete. */
export function eventName(entity: CrmEntity, action: 'Add' | 'Update' | 'Delete'): string {
  return `onCrm${entity.name.charAt(0).toUpperCase()}${entity.name.slice(1)}${action}`;
}

/** The event's data: `{"FIELDS": {"ID": 5}}`, with the type for a smart process's item. */
function eventData(entity: CrmEntity, id: number) {
  return {
    FIELDS: entity.name === 'dynamicItem' ? { ID: id, ENTITY_TYPE_ID: entity.entityTypeId } : { ID: id },
  };
}

interface Who {
  userId: number;
  now: number;
}

/** The input's stored columns: unknown, read-only (and on update immutable) fields dropped. */
function columnsOf(entity: CrmEntity, input: Record<string, unknown>, isNew: boolean, face: CrmFace) {
  const fields = face === 'item' ? entity.itemFields : entity.fields;
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(input)) {
    const f = fields[name];
    if (!f || f.readOnly || f.virtual || f.type === 'crm_multifield') continue;
    // Settable on add only, but crm.item.update moves a record to another pipeline.
    if (!isNew && f.immutable && !(face === 'item' && f.type === 'crm_category')) continue;
    const value = toColumnValue(f, raw);
    if (value !== undefined) out[columnOf(name)] = value;
  }
  return out;
}

/** The multi-field values of the input (PHONE: [{VALUE, VALUE_TYPE}, ...]), by type. */
function multifieldInput(entity: CrmEntity, input: Record<string, unknown>) {
  const out: { typeId: string; id: number; valueType: string; value: string; remove: boolean }[] = [];
  for (const [typeId, defaultType] of Object.entries(entity.multifieldDefaults ?? {})) {
    const raw = input[typeId];
    if (!isPhpArray(raw)) continue;
    for (const item of Object.values(raw)) {
      if (!isPhpArray(item)) continue;
      const v = item as Record<string, unknown>;
      const id = clampInt(phpIntCast(v.ID));
      const value = phpString(v.VALUE).trim();
      const valueType = phpString(v.VALUE_TYPE).trim() || defaultType;
      const remove = value === '' || phpString(v.DELETE).toUpperCase() === 'Y';
      if (id <= 0 && remove) continue;
      out.push({ typeId, id, valueType, value, remove });
    }
  }
  return out;
}

async function saveMultifields(entity: CrmEntity, repos: Repositories, id: number, input: Record<string, unknown>) {
  if (!entity.multifieldDefaults) return;
  const items = multifieldInput(entity, input);
  for (const item of items) {
    if (item.id > 0 && item.remove) await repos.crm.removeMultifields(entity.typeName, id, [item.id]);
    else if (item.id > 0) await repos.crm.updateMultifield(entity.typeName, id, item.id, item.valueType, item.value);
    else await repos.crm.addMultifield(entity.typeName, id, item);
  }
  // HAS_PHONE / HAS_EMAIL / HAS_IMOL follow the stored values (on add too: 'N' for none).
  const stored = await repos.crm.multifields(entity.typeName, [id]);
  const has = (test: (m: Multifield) => boolean) => (stored.some(test) ? 'Y' : 'N');
  await repos.crm.update(entity.target, id, {
    has_phone: has((m) => m.typeId === 'PHONE'),
    has_email: has((m) => m.typeId === 'EMAIL'),
    has_imol: has((m) => m.typeId === 'IM' && m.value.startsWith('imol|')),
  });
}

/** @param input the fields by their declared (UPPER_SNAKE) names */
export async function addRecord(
  entity: CrmEntity,
  repos: Repositories,
  input: Record<string, unknown>,
  who: Who,
  face: CrmFace = 'classic',
) {
  const columns = {
    ...entity.defaults(),
    assigned_by_id: who.userId,
    ...columnsOf(entity, input, true, face),
    created_by_id: who.userId,
    modify_by_id: who.userId,
    date_create: who.now,
    date_modify: who.now,
  };
  const id = await repos.crm.insert(
    entity.target,
    entity.prepare ? await entity.prepare(repos, columns, { face, isNew: true }) : columns,
  );
  await saveMultifields(entity, repos, id, input);
  await entity.afterSave?.(repos, id, input, true);
  await repos.outbox.record(eventName(entity, 'Add'), eventData(entity, id), who.now);
  return id;
}

export async function updateRecord(
  entity: CrmEntity,
  repos: Repositories,
  id: number,
  input: Record<string, unknown>,
  who: Who,
  face: CrmFace = 'classic',
) {
  if (!(await repos.crm.lock(entity.target, id))) throw entity.notFound.update();
  const columns = { ...columnsOf(entity, input, false, face), modify_by_id: who.userId, date_modify: who.now };
  const stored = entity.prepare ? await repos.crm.find(entity.target, id) : undefined;
  await repos.crm.update(
    entity.target,
    id,
    entity.prepare && stored ? await entity.prepare(repos, columns, { face, isNew: false, stored }) : columns,
  );
  await saveMultifields(entity, repos, id, input);
  await entity.afterSave?.(repos, id, input, false);
  await repos.outbox.record(eventName(entity, 'Update'), eventData(entity, id), who.now);
  return true;
}

export async function deleteRecord(entity: CrmEntity, repos: Repositories, id: number, now: number) {
  if (!(await repos.crm.lock(entity.target, id))) throw entity.notFound.delete();
  await repos.crm.remove(entity.target, id);
  if (entity.multifieldDefaults) await repos.crm.removeMultifields(entity.typeName, id);
  await entity.afterDelete?.(repos, id);
  await repos.outbox.record(eventName(entity, 'Delete'), eventData(entity, id), now);
  return true;
}

/** Records as the wire shows them, with the multi-fields the selection names. */
async function externalizeRows(entity: CrmEntity, repos: Repositories, rows: CrmRow[], selection: string[]) {
  const multiNames = selection.filter((name) => entity.fields[name]?.type === 'crm_multifield');
  const multi =
    multiNames.length > 0
      ? await repos.crm.multifields(
          entity.typeName,
          rows.map((r) => r.id),
        )
      : [];
  const withUserFields = selection.some((name) => entity.fields[name]?.userField) && entity.virtualValues;
  const kept = withUserFields
    ? await withUserFields(
        repos,
        rows.map((r) => r.id),
      )
    : new Map();
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const name of selection) {
      const f = entity.fields[name];
      if (f?.userField) out[name] = userFieldValue(f, kept.get(row.id)?.[name] ?? null, toWireValue);
      if (!f || f.virtual) continue;
      if (f.type !== 'crm_multifield') {
        out[name] = name === 'ID' ? String(row.id) : toWireValue(f, row[columnOf(name)]);
        continue;
      }
      const values = multi.filter((m) => m.elementId === row.id && m.typeId === name);
      // Multi-fields are present only when they hold values (crm.contact.get's note).
      if (values.length > 0) {
        out[name] = values.map((m) => ({
          ID: String(m.id),
          VALUE_TYPE: m.valueType,
          VALUE: m.value,
          TYPE_ID: m.typeId,
        }));
      }
    }
    return out;
  });
}

export async function readRecord(entity: CrmEntity, repos: Repositories, id: number) {
  const row = await repos.crm.find(entity.target, id);
  if (!row) return undefined;
  const [out] = await externalizeRows(entity, repos, [row], Object.keys(entity.fields));
  return out;
}

export interface CrmListRequest {
  filter: Record<string, unknown>;
  order: Record<string, unknown>;
  offset: number;
  limit: number;
  /** False for `start: -1`: no count is made, and `total` is undefined. */
  countTotal: boolean;
}

/** A page of records and, unless the request declined it, how many match. */
export async function findRecords(
  entity: CrmEntity,
  repos: Repositories,
  request: CrmListRequest,
  naming: FieldNaming = classicNaming,
  fields: CrmFields = entity.fields,
) {
  const conditions = crmConditions(fields, request.filter, entity.typeName, naming);
  const order = crmOrder(fields, request.order, naming);
  const rows = await repos.crm.list(entity.target, {
    conditions,
    order,
    offset: request.offset,
    limit: request.limit,
  });
  const total = request.countTotal ? await repos.crm.count(entity.target, conditions) : undefined;
  return { rows, total };
}

export async function listRecords(
  entity: CrmEntity,
  repos: Repositories,
  request: CrmListRequest & { select: readonly string[] },
) {
  const { rows, total } = await findRecords(entity, repos, request);
  const items = await externalizeRows(entity, repos, rows, crmSelection(entity.fields, request.select));
  return { items, total };
}
