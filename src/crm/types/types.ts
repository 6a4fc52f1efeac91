/**
 * Smart processes: CRM object types of the portal's own (`crm.type.*`, Bitrix\Crm\Controller\Type),
 * whose items `crm.item.*` serves under the type's entityTypeId. A new type gets its first
 * pipeline with its stages; deleting a type with items is refused. Events: onCrmTypeAdd,
 * onCrmTypeUpdate, onCrmTypeDelete with `{"FIELDS": {"ID": <type id>}}`.
 */
import { isoWithOffset } from '../../http/envelope.js';
import { errors } from '../../rest/errors.js';
import { param } from '../../rest/params.js';
import { isPhpArray, phpIntCast, phpString } from '../../rest/php.js';
import { CrmPage, defineMethod, type MethodContext } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import type { TypeRow } from '../../store/repositories/crm-reference.js';
import type { Repositories } from '../../store/store.js';
import { authorFields, dateFields, idField, observerFields } from '../engine/common-fields.js';
import { type CrmEntity, defineCrmEntity } from '../engine/entity.js';
import { type CrmFields, crmView, describeFields, field } from '../engine/fields.js';
import { addPipeline, removePipelines } from '../reference/categories.js';
import { pipelineCheck } from '../reference/pipeline.js';

const readOnly = { readOnly: true } as const;

export interface SmartProcess {
  readonly id: number;
  readonly entityTypeId: number;
  readonly title: string;
}

/** The flags of a type, `N` unless given (`isSetOpenPermissions` is `Y`), in the order the pages show them. */
const FLAGS: readonly [string, 'Y' | 'N'][] = [
  ['isCategoriesEnabled', 'N'],
  ['isStagesEnabled', 'N'],
  ['isBeginCloseDatesEnabled', 'N'],
  ['isClientEnabled', 'N'],
  ['isUseInUserfieldEnabled', 'N'],
  ['isLinkWithProductsEnabled', 'N'],
  ['isMycompanyEnabled', 'N'],
  ['isDocumentsEnabled', 'N'],
  ['isSourceEnabled', 'N'],
  ['isObserversEnabled', 'N'],
  ['isRecyclebinEnabled', 'N'],
  ['isAutomationEnabled', 'N'],
  ['isBizProcEnabled', 'N'],
  ['isSetOpenPermissions', 'Y'],
  ['isPaymentsEnabled', 'N'],
  ['isCountersEnabled', 'N'],
];

/** A type's fields, as crm.type.fields describes them. */
const TYPE_FIELDS: CrmFields = {
  id: field('integer', 'ID', readOnly),
  title: field('string', 'Title', { required: true }),
  code: field('string', 'Code'),
  createdBy: field('user', 'Created by', readOnly),
  entityTypeId: field('integer', 'Entity type ID'),
  ...Object.fromEntries(FLAGS.map(([name]) => [name, field('boolean', name)])),
  createdTime: field('datetime', 'Created on', readOnly),
  updatedTime: field('datetime', 'Updated on', readOnly),
  updatedBy: field('user', 'Updated by', readOnly),
};

/** A type as the methods answer it (`typeView`), for the API description. */
const typeRecord = crmView(TYPE_FIELDS, 'typed', {
  name: 'crm.type',
  answered: {
    relations: { type: 'object', title: 'Parent and child types: {parent: [...], child: [...]}' },
    linkedUserFields: { type: 'object', title: 'The user fields that link to this type' },
    customSections: { type: 'list', readonly: true, title: 'Digital workplaces' },
    customSectionId: { type: 'int', readonly: true, title: 'Digital workplace' },
  },
});

interface TypeSettings {
  flags: Record<string, 'Y' | 'N'>;
  relations: { parent: unknown[]; child: unknown[] };
  linkedUserFields: Record<string, 'Y' | 'N'>;
}

export async function smartProcesses(repos: Repositories): Promise<SmartProcess[]> {
  return (await repos.crmReference.types()).map((t) => ({ id: t.id, entityTypeId: t.entity_type_id, title: t.title }));
}

export async function smartProcessOf(repos: Repositories, entityTypeId: number): Promise<SmartProcess | undefined> {
  return (await smartProcesses(repos)).find((t) => t.entityTypeId === entityTypeId);
}

/** The fields of a smart process's items, as crm.item.fields lists them for one. */
const ITEM_FIELDS = {
  ...idField,
  XML_ID: field('string', 'External code'),
  TITLE: field('string', 'Name'),
  ...dateFields,
  ...authorFields,
  OPENED: field('char', 'Available to everyone'),
  BEGINDATE: field('date', 'Start date'),
  CLOSEDATE: field('date', 'End date'),
  COMPANY_ID: field('crm_company', 'Company'),
  CONTACT_ID: field('crm_contact', 'Contact'),
  OPPORTUNITY: field('double', 'Amount'),
  IS_MANUAL_OPPORTUNITY: field('char', 'Manual amount'),
  TAX_VALUE: field('double', 'Tax amount'),
  CURRENCY_ID: field('crm_currency', 'Currency'),
  CATEGORY_ID: field('crm_category', 'Pipeline', { immutable: true }),
  STAGE_ID: field('crm_status', 'Stage'),
  PREVIOUS_STAGE_ID: field('crm_status', 'Previous stage', readOnly),
  SOURCE_ID: field('crm_status', 'Source', { statusType: 'SOURCE' }),
  SOURCE_DESCRIPTION: field('string', 'Additional source info'),
  MOVED_BY_ID: field('user', 'Moved by', { ...readOnly, item: 'movedBy' }),
  MOVED_TIME: field('datetime', 'Moved at', readOnly),
  LAST_ACTIVITY_TIME: field('datetime', 'Last timeline activity', readOnly),
  LAST_ACTIVITY_BY: field('user', 'Last activity by', readOnly),
};

const entities = new Map<number, CrmEntity>();

/** The CRM entity of a type's items (one declaration for every smart process, made once per type). */
export function dynamicEntity(entityTypeId: number): CrmEntity {
  let entity = entities.get(entityTypeId);
  if (!entity) {
    entity = defineCrmEntity({
      name: 'dynamicItem',
      entityTypeId,
      notFound: { get: errors.crmItemNotFound, update: errors.crmItemNotFound, delete: errors.crmItemNotFound },
      fields: ITEM_FIELDS,
      itemOnlyFields: observerFields,
      defaults: () => ({ opened: 'Y', currency_id: 'USD', opportunity: 0, is_manual_opportunity: 'N', tax_value: 0 }),
      prepare: pipelineCheck(entityTypeId),
      async afterSave(repos, id, _input, isNew) {
        const target = { table: 'crm_dynamic_item', typeId: entityTypeId } as const;
        const row = isNew ? await repos.crm.find(target, id) : undefined;
        if (!row) return;
        // A new item without a title is "<type title> #<id>", as the factory names it.
        const title = typeof row.title === 'string' && row.title.trim() !== '' ? {} : await defaultTitle(repos, id);
        await repos.crm.update(target, id, {
          ...title,
          moved_by_id: row.created_by_id,
          moved_time: row.date_create,
        });
      },
    });
    entities.set(entityTypeId, entity);
  }
  return entity;

  async function defaultTitle(repos: Repositories, id: number) {
    const type = await smartProcessOf(repos, entityTypeId);
    return { title: `${type?.title ?? 'Item'} #${id}` };
  }
}

function settingsOf(row: TypeRow): TypeSettings {
  return JSON.parse(row.settings) as TypeSettings;
}

/**
 * The types whose records may be parents of a type's records (its `parentId{T}` fields): the
 * `relations.parent` of a smart process, and every smart process whose `relations.child` names it.
 */
export async function parentTypesOf(repos: Repositories, entityTypeId: number): Promise<number[]> {
  const out = new Set<number>();
  const typeOf = (relation: unknown) => Number((relation as { entityTypeId?: unknown }).entityTypeId);
  for (const row of await repos.crmReference.types()) {
    const { relations } = settingsOf(row);
    if (row.entity_type_id === entityTypeId) for (const r of relations.parent) out.add(typeOf(r));
    if (relations.child.some((r) => typeOf(r) === entityTypeId)) out.add(row.entity_type_id);
  }
  return [...out].filter((t) => Number.isSafeInteger(t) && t > 0).sort((a, b) => a - b);
}

/** A type as the pages show it (`{"type": {...}}`). */
function typeView(row: TypeRow) {
  const settings = settingsOf(row);
  return {
    id: row.id,
    createdBy: row.created_by,
    entityTypeId: row.entity_type_id,
    ...Object.fromEntries(FLAGS.map(([name, fallback]) => [name, settings.flags[name] ?? fallback])),
    createdTime: isoWithOffset(row.created_time),
    updatedTime: isoWithOffset(row.updated_time),
    updatedBy: row.updated_by,
    title: row.title,
    code: row.code,
    relations: settings.relations,
    linkedUserFields: settings.linkedUserFields,
    customSections: [],
    customSectionId: null,
  };
}

const yesNo = (raw: unknown): 'Y' | 'N' =>
  raw === true || ['Y', 'y', 'true', '1'].includes(phpString(raw)) ? 'Y' : 'N';

/** The settings a type's fields give, over its present ones. */
function settingsFrom(fields: Record<string, unknown>, current?: TypeSettings): TypeSettings {
  const flags = { ...(current?.flags ?? Object.fromEntries(FLAGS)) };
  for (const [name] of FLAGS) if (fields[name] !== undefined) flags[name] = yesNo(fields[name]);
  const relationList = (raw: unknown) =>
    (isPhpArray(raw) ? Object.values(raw) : []).filter(isPhpArray).map((r) => {
      const relation = r as Record<string, unknown>;
      return {
        entityTypeId: phpIntCast(relation.entityTypeId),
        isChildrenListEnabled: yesNo(relation.isChildrenListEnabled),
        isPredefined: 'N',
      };
    });
  const relations = isPhpArray(fields.relations)
    ? (() => {
        const given = fields.relations as Record<string, unknown>;
        return { parent: relationList(given.parent), child: relationList(given.child) };
      })()
    : (current?.relations ?? { parent: [], child: [] });
  const linkedUserFields = isPhpArray(fields.linkedUserFields)
    ? Object.fromEntries(Object.entries(fields.linkedUserFields).map(([k, v]) => [k, yesNo(v)]))
    : (current?.linkedUserFields ?? {});
  return { flags, relations, linkedUserFields };
}

/**
 * The entityTypeId a new type gets, as Bitrix24 assigns them: the next one after the highest
 * in use, from 128 up to 192, then the even numbers from 1030.
 */
function nextEntityTypeId(used: readonly number[]): number {
  const highest = Math.max(127, ...used);
  if (highest < 192) return highest + 1;
  const even = Math.max(1028, highest);
  return even % 2 === 0 ? even + 2 : even + 1;
}

/** The first entityTypeId a smart process may have; what describes any type's items (they all have the same fields). */
export const SMART_PROCESS_EXAMPLE = 128;

/** A given entityTypeId must be 128-192, or even and 1030 or more. */
const inRange = (id: number) => (id >= 128 && id <= 192) || (id >= 1030 && id % 2 === 0);

async function findType(repos: Repositories, match: (t: TypeRow) => boolean): Promise<TypeRow> {
  const row = (await repos.crmReference.types()).find(match);
  if (!row) throw errors.smartProcessNotFound();
  return row;
}

const who = (ctx: MethodContext) => ({ userId: ctx.userId, now: ctx.clock.now() });

const add = defineMethod({
  name: 'crm.type.add',
  scope: 'crm',
  result: result.entity('type', typeRecord),
  raises: [errors.entityTypeIdOutOfRange],
  params: { fields: param.array({ view: typeRecord, use: 'add' }) },
  handler: ({ fields }, ctx) =>
    ctx.store.write(async (repos) => {
      const { userId, now } = who(ctx);
      await repos.crmReference.lock();
      const used = (await repos.crmReference.types()).map((t) => t.entity_type_id);
      const entityTypeId = fields.entityTypeId === undefined ? nextEntityTypeId(used) : phpIntCast(fields.entityTypeId);
      if (!inRange(entityTypeId) || used.includes(entityTypeId)) throw errors.entityTypeIdOutOfRange();
      const id = await repos.crmReference.addType({
        entity_type_id: entityTypeId,
        title: phpString(fields.title).trim() || `Smart process ${entityTypeId}`,
        code: fields.code === undefined ? null : phpString(fields.code),
        settings: JSON.stringify(settingsFrom(fields)),
        created_by: userId,
        updated_by: userId,
        created_time: now,
        updated_time: now,
      });
      await addPipeline(repos, entityTypeId, { name: 'General', sort: 500, isDefault: true });
      await repos.outbox.record('onCrmTypeAdd', { FIELDS: { ID: id } }, now);
      return { type: typeView(await findType(repos, (t) => t.id === id)) };
    }),
});

const get = defineMethod({
  name: 'crm.type.get',
  scope: 'crm',
  result: result.entity('type', typeRecord),
  raises: [errors.smartProcessNotFound],
  params: { id: param.int() },
  handler: ({ id }, ctx) =>
    ctx.store.read(async (repos) => ({ type: typeView(await findType(repos, (t) => t.id === id)) })),
});

const getByEntityTypeId = defineMethod({
  name: 'crm.type.getByEntityTypeId',
  scope: 'crm',
  result: result.entity('type', typeRecord),
  raises: [errors.smartProcessNotFound],
  params: { entityTypeId: param.int() },
  handler: ({ entityTypeId }, ctx) =>
    ctx.store.read(async (repos) => ({
      type: typeView(await findType(repos, (t) => t.entity_type_id === entityTypeId)),
    })),
});

/** What crm.type.list filters and orders by, by its wire name. */
const LISTED: ReadonlyMap<string, (t: TypeRow) => string | number | null> = new Map<
  string,
  (t: TypeRow) => string | number | null
>([
  ['id', (t) => t.id],
  ['entityTypeId', (t) => t.entity_type_id],
  ['title', (t) => t.title],
  ['code', (t) => t.code],
  ['createdBy', (t) => t.created_by],
  ['updatedBy', (t) => t.updated_by],
  ...FLAGS.map(([name, fallback]): [string, (t: TypeRow) => string] => [
    name,
    (t) => settingsOf(t).flags[name] ?? fallback,
  ]),
]);

const list = defineMethod({
  name: 'crm.type.list',
  scope: 'crm',
  result: result.crmPage('types', typeRecord),
  raises: [
    () => errors.crmFilterFieldNotAllowed('FIELD'),
    () => errors.crmOrderFieldNotAllowed('FIELD'),
    () => errors.crmOrderDirection('UP', 'ID'),
  ],
  params: { order: param.optionalArray(), filter: param.optionalArray() },
  handler: ({ order, filter }, ctx) =>
    ctx.store.read(async (repos) => {
      let rows = await repos.crmReference.types();
      for (const [key, raw] of Object.entries(filter)) {
        const read = LISTED.get(key.replace(/^[=@]/, ''));
        if (!read) throw errors.crmFilterFieldNotAllowed(key);
        const wanted = (isPhpArray(raw) ? Object.values(raw) : [raw]).map(phpString);
        rows = rows.filter((t) => wanted.includes(String(read(t))));
      }
      const sorts = Object.entries(order).map(([key, raw]) => {
        const read = LISTED.get(key);
        if (!read) throw errors.crmOrderFieldNotAllowed(key);
        const direction = phpString(raw).toUpperCase();
        if (direction !== 'ASC' && direction !== 'DESC') throw errors.crmOrderDirection(phpString(raw), key);
        return { read, sign: direction === 'DESC' ? -1 : 1 };
      });
      rows.sort((a, b) => {
        for (const { read, sign } of sorts) {
          const [x, y] = [read(a) ?? '', read(b) ?? ''];
          if (x !== y) return (x < y ? -1 : 1) * sign;
        }
        return a.id - b.id;
      });
      const page = rows.slice(ctx.page.offset, ctx.page.offset + ctx.page.limit).map(typeView);
      return new CrmPage(page, rows.length, 'types');
    }),
});

const update = defineMethod({
  name: 'crm.type.update',
  scope: 'crm',
  result: result.entity('type', typeRecord),
  raises: [errors.smartProcessNotFound],
  params: { id: param.int(), fields: param.array({ view: typeRecord, use: 'update' }) },
  handler: ({ id, fields }, ctx) =>
    ctx.store.write(async (repos) => {
      const row = await findType(repos, (t) => t.id === id);
      const { userId, now } = who(ctx);
      const title = fields.title === undefined ? undefined : phpString(fields.title).trim();
      await repos.crmReference.updateType(id, {
        ...(title ? { title } : {}),
        ...(fields.code !== undefined && { code: phpString(fields.code) }),
        settings: JSON.stringify(settingsFrom(fields, settingsOf(row))),
        updated_by: userId,
        updated_time: now,
      });
      await repos.outbox.record('onCrmTypeUpdate', { FIELDS: { ID: id } }, now);
      return { type: typeView(await findType(repos, (t) => t.id === id)) };
    }),
});

const remove = defineMethod({
  name: 'crm.type.delete',
  scope: 'crm',
  result: result.value('null'),
  raises: [errors.smartProcessNotFound, errors.smartProcessHasItems],
  params: { id: param.int() },
  handler: ({ id }, ctx) =>
    ctx.store.write(async (repos) => {
      const row = await findType(repos, (t) => t.id === id);
      const entity = dynamicEntity(row.entity_type_id);
      if ((await repos.crm.count(entity.target, [])) > 0) throw errors.smartProcessHasItems();
      await removePipelines(repos, row.entity_type_id);
      await repos.crm.forgetType(row.entity_type_id);
      await repos.crmReference.removeType(id);
      await repos.outbox.record('onCrmTypeDelete', { FIELDS: { ID: id } }, ctx.clock.now());
      return null;
    }),
});

const fields = defineMethod({
  name: 'crm.type.fields',
  scope: 'crm',
  result: result.fieldDescriptions([Object.keys(TYPE_FIELDS)], { key: 'fields' }),
  params: {},
  handler: async () => ({ fields: describeFields(TYPE_FIELDS) }),
});

export const typeMethods = [add, get, getByEntityTypeId, list, update, remove, fields];
