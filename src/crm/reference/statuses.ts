/**
 * crm.status.*: the entries of the CRM's reference lists (stages, sources, types, ...), as
 * CCrmStatusRestProxy answers them: UPPER_SNAKE fields, numbers as strings, errors with an
 * empty code. A stage list's entries carry their pipeline's prefix (`C3:DECISION`).
 */
import { errors } from '../../rest/errors.js';
import { param } from '../../rest/params.js';
import { isPhpArray, phpArrayValues, phpIntCast, phpString } from '../../rest/php.js';
import { CrmPage, defineMethod } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import type { StatusRow } from '../../store/repositories/crm-reference.js';
import { type CrmField, type CrmFields, crmView, describeFields, field } from '../engine/fields.js';
import { smartProcesses } from '../types/types.js';
import {
  categoriesOf,
  DEAL,
  LIST_NAMES,
  type Reference,
  readReference,
  stageListOf,
  stagePrefixOf,
  writeReference,
} from './reference.js';

/** A list of stages: its pipeline, its prefix, and what the entity types method says of it. */
interface StageList {
  entityTypeId: number;
  categoryId: number;
  name: string;
  isDefault: boolean;
}

/** Every list the portal has: the fixed ones and one per pipeline, by ENTITY_ID. */
async function listsOf(reference: Reference, typeTitles: ReadonlyMap<number, string>) {
  const stageLists = new Map<string, StageList>();
  for (const [entityTypeId, title] of [[DEAL, 'deal'] as const, ...typeTitles]) {
    for (const c of categoriesOf(reference, entityTypeId)) {
      const name =
        entityTypeId === DEAL ? (c.id === 0 ? 'General deal stages' : `${c.name} deal stages`) : `${title} (${c.name})`;
      stageLists.set(stageListOf(entityTypeId, c.id), {
        entityTypeId,
        categoryId: c.id,
        name,
        isDefault: c.is_default === 'Y',
      });
    }
  }
  return stageLists;
}

const STAGE_LIKE = new Set(['STATUS', 'QUOTE_STATUS']);

function statusView(row: StatusRow, isStage: boolean) {
  const view = {
    ID: String(row.id),
    ENTITY_ID: row.entity_id,
    STATUS_ID: row.status_id,
    NAME: row.name,
    NAME_INIT: row.name_init,
    SORT: String(row.sort),
    SYSTEM: row.system,
    CATEGORY_ID: row.category_id === null ? null : String(row.category_id),
    COLOR: row.color,
    SEMANTICS: row.semantics,
  };
  if (!isStage) return view;
  const semantics =
    row.semantics === 'S'
      ? 'success'
      : row.semantics === 'F'
        ? row.system === 'Y'
          ? 'failure'
          : 'apology'
        : 'process';
  return { ...view, EXTRA: { SEMANTICS: semantics, COLOR: row.color } };
}

async function context(repos: Parameters<typeof readReference>[0], write = false) {
  const reference = write ? await writeReference(repos) : await readReference(repos);
  const types = new Map((await smartProcesses(repos)).map((t) => [t.entityTypeId, t.title]));
  const stageLists = await listsOf(reference, types);
  const isStage = (entityId: string) => stageLists.has(entityId) || STAGE_LIKE.has(entityId);
  return { reference, stageLists, isStage, known: (id: string) => LIST_NAMES.has(id) || stageLists.has(id) };
}

const readOnly = { readOnly: true } as const;

/** An entry's fields: what crm.status.fields describes, what the answers carry (EXTRA only for a stage's). */
const STATUS_FIELDS: CrmFields = {
  ID: field('integer', 'ID', readOnly),
  ENTITY_ID: field('string', 'Entity ID', { required: true, immutable: true }),
  STATUS_ID: field('string', 'Status', { required: true, immutable: true }),
  SORT: field('integer', 'Sort'),
  NAME: field('string', 'Title', { required: true }),
  NAME_INIT: field('string', 'Default title', readOnly),
  SYSTEM: field('char', 'System', readOnly),
  CATEGORY_ID: field('integer', 'Pipeline', readOnly),
  COLOR: field('string', 'Color'),
  SEMANTICS: field('string', 'Semantics', readOnly),
  EXTRA: field('crm_status_extra', 'Additional'),
};

/** An entry as the methods answer it, for the API description: strings, EXTRA for stages only. */
const statusRecord = crmView(STATUS_FIELDS, 'text', { name: 'crm.status', optional: ['EXTRA'] });

/** An entry as crm.status.entity.items lists it: its name, sort (a number here) and status. */
const listEntry = crmView(
  Object.fromEntries(['NAME', 'SORT', 'STATUS_ID'].map((name) => [name, STATUS_FIELDS[name] as CrmField])),
  'typed',
);

/** What a filter or an order may name: the stored fields. */
const FIELD_NAMES = Object.keys(STATUS_FIELDS).filter((name) => STATUS_FIELDS[name]?.type !== 'crm_status_extra');

const fields = defineMethod({
  name: 'crm.status.fields',
  scope: 'crm',
  result: result.fieldDescriptions([Object.keys(STATUS_FIELDS)]),
  params: {},
  handler: async () => describeFields(STATUS_FIELDS),
});

/** A value of a row for a filter or an order, as the wire names it. */
function fieldValue(row: StatusRow, name: string): string | number | null {
  const view = statusView(row, false) as Record<string, string | null>;
  if (name === 'ID' || name === 'SORT') return Number(view[name]);
  return view[name] ?? null;
}

const list = defineMethod({
  name: 'crm.status.list',
  scope: 'crm',
  result: result.crmPage(undefined, statusRecord),
  params: { order: param.crmArray(), filter: param.crmArray() },
  handler: ({ order, filter }, ctx) =>
    ctx.store.read(async (repos) => {
      const { reference, isStage } = await context(repos);
      const conditions = Object.entries(filter).filter(([key]) => FIELD_NAMES.includes(key.toUpperCase()));
      const rows = reference.statuses.filter((row) =>
        conditions.every(([key, raw]) => {
          const have = fieldValue(row, key.toUpperCase());
          const wanted = isPhpArray(raw) ? phpArrayValues(raw) : [raw];
          return wanted.some((w) => String(have) === phpString(w));
        }),
      );
      const sorts = Object.entries(order).filter(([key]) => FIELD_NAMES.includes(key.toUpperCase()));
      rows.sort((a, b) => {
        for (const [key, direction] of sorts) {
          const [x, y] = [fieldValue(a, key.toUpperCase()) ?? '', fieldValue(b, key.toUpperCase()) ?? ''];
          if (x !== y) return (x < y ? -1 : 1) * (phpString(direction).toUpperCase() === 'DESC' ? -1 : 1);
        }
        return a.id - b.id;
      });
      const page = rows.slice(ctx.page.offset, ctx.page.offset + ctx.page.limit);
      return new CrmPage(
        page.map((row) => statusView(row, isStage(row.entity_id))),
        rows.length,
      );
    }),
});

const get = defineMethod({
  name: 'crm.status.get',
  scope: 'crm',
  result: result.record(statusRecord),
  raises: [errors.statusNotFound],
  params: { id: param.crmId() },
  handler: ({ id }, ctx) =>
    ctx.store.read(async (repos) => {
      const { reference, isStage } = await context(repos);
      const row = reference.statuses.find((s) => s.id === id);
      if (!row) throw errors.statusNotFound();
      return statusView(row, isStage(row.entity_id));
    }),
});

const entityItems = defineMethod({
  name: 'crm.status.entity.items',
  scope: 'crm',
  result: result.records(listEntry),
  raises: [errors.statusEntityIdInvalid],
  params: { entityId: param.loose() },
  handler: ({ entityId }, ctx) =>
    ctx.store.read(async (repos) => {
      const { reference, known } = await context(repos);
      const list = phpString(entityId);
      if (!known(list)) throw errors.statusEntityIdInvalid();
      return reference.statuses
        .filter((s) => s.entity_id === list)
        .sort((a, b) => a.sort - b.sort || a.id - b.id)
        .map((s) => ({ NAME: s.name, SORT: s.sort, STATUS_ID: s.status_id }));
    }),
});

const entityTypes = defineMethod({
  name: 'crm.status.entity.types',
  scope: 'crm',
  result: result.value('list'),
  params: {},
  handler: (_args, ctx) =>
    ctx.store.read(async (repos) => {
      const { reference, stageLists } = await context(repos);
      const semanticInfo = (entityId: string) => {
        const stages = reference.statuses.filter((s) => s.entity_id === entityId).sort((a, b) => a.sort - b.sort);
        return {
          START_FIELD: stages[0]?.status_id ?? '',
          FINAL_SUCCESS_FIELD: stages.find((s) => s.semantics === 'S')?.status_id ?? '',
          FINAL_UNSUCCESS_FIELD: stages.find((s) => s.semantics === 'F')?.status_id ?? '',
          FINAL_SORT: 0,
        };
      };
      const out: Record<string, unknown>[] = [];
      for (const [id, name] of LIST_NAMES) {
        if (id === 'DEAL_STAGE') continue;
        const entry: Record<string, unknown> = { ID: id, NAME: name };
        if (id === 'STATUS') Object.assign(entry, { SEMANTIC_INFO: semanticInfo(id), ENTITY_TYPE_ID: 1 });
        if (id === 'QUOTE_STATUS') Object.assign(entry, { SEMANTIC_INFO: semanticInfo(id), ENTITY_TYPE_ID: 7 });
        out.push(entry);
      }
      for (const [id, list] of stageLists) {
        const prefix = stagePrefixOf(list.entityTypeId, list.categoryId).replace(/:$/, '');
        const entry: Record<string, unknown> = { ID: id, NAME: list.name };
        if (list.entityTypeId === DEAL && list.categoryId > 0) entry.PARENT_ID = 'DEAL_STAGE';
        entry.SEMANTIC_INFO = semanticInfo(id);
        if (prefix) entry.PREFIX = prefix;
        entry.FIELD_ATTRIBUTE_SCOPE = list.categoryId > 0 ? `category_${list.categoryId}` : '';
        entry.ENTITY_TYPE_ID = list.entityTypeId;
        entry.CATEGORY_ID = list.categoryId;
        if (list.entityTypeId !== DEAL) Object.assign(entry, { IS_ENABLED: true, IS_DEFAULT_CATEGORY: list.isDefault });
        out.push(entry);
      }
      return out;
    }),
});

const add = defineMethod({
  name: 'crm.status.add',
  scope: 'crm',
  result: result.id(),
  raises: [
    () => errors.statusFieldRequired(['ENTITY_ID']),
    errors.statusEntityNotSupported,
    errors.statusTitleRequired,
    errors.statusExists,
    errors.statusAfterFinalStage,
  ],
  params: { fields: param.crmArray() },
  handler: ({ fields }, ctx) =>
    ctx.store.write(async (repos) => {
      const entityId = phpString(fields.ENTITY_ID).trim();
      const given = phpString(fields.STATUS_ID).trim();
      const missing = [...(entityId ? [] : ['ENTITY_ID']), ...(given ? [] : ['STATUS_ID'])];
      if (missing.length > 0) throw errors.statusFieldRequired(missing);
      const { reference, stageLists, known } = await context(repos, true);
      if (!known(entityId)) throw errors.statusEntityNotSupported();
      const name = phpString(fields.NAME).trim();
      if (!name) throw errors.statusTitleRequired();
      const stageList = stageLists.get(entityId);
      const prefix = stageList ? stagePrefixOf(stageList.entityTypeId, stageList.categoryId) : '';
      const statusId = prefix && !given.startsWith(prefix) ? `${prefix}${given}` : given;
      const siblings = reference.statuses.filter((s) => s.entity_id === entityId);
      if (siblings.some((s) => s.status_id === statusId)) throw errors.statusExists();
      const sort =
        fields.SORT === undefined ? Math.max(0, ...siblings.map((s) => s.sort)) + 10 : phpIntCast(fields.SORT);
      const success = siblings.find((s) => s.semantics === 'S');
      const semantics = phpString(fields.SEMANTICS).toUpperCase() === 'F' ? 'F' : null;
      // Only the general deal pipeline's list has this check, as its error row says (the page's
      // own example adds a stage after C1:WON).
      if (entityId === 'DEAL_STAGE' && success && semantics === null && sort > success.sort) {
        throw errors.statusAfterFinalStage();
      }
      return repos.crmReference.addStatus({
        entity_id: entityId,
        status_id: statusId,
        name,
        name_init: '',
        sort,
        system: 'N',
        color: phpString(fields.COLOR),
        semantics,
        category_id: stageList ? stageList.categoryId : null,
      });
    }),
});

/** A stored entry for update and delete: a positive id, then a row. */
async function storedStatus(reference: Reference, id: number): Promise<StatusRow> {
  if (id <= 0) throw errors.statusInvalidId();
  const row = reference.statuses.find((s) => s.id === id);
  if (!row) throw errors.statusNotFound();
  return row;
}

const update = defineMethod({
  name: 'crm.status.update',
  scope: 'crm',
  result: result.success(),
  raises: [errors.statusInvalidId, errors.statusNotFound],
  params: { id: param.crmId(), fields: param.crmArray() },
  handler: ({ id, fields }, ctx) =>
    ctx.store.write(async (repos) => {
      const row = await storedStatus(await writeReference(repos), id);
      const name = fields.NAME === undefined ? undefined : phpString(fields.NAME).trim();
      await repos.crmReference.updateStatus(row.id, {
        ...(name ? { name } : {}),
        ...(fields.SORT !== undefined && { sort: phpIntCast(fields.SORT) }),
        ...(fields.COLOR !== undefined && { color: phpString(fields.COLOR) }),
      });
      return true;
    }),
});

const remove = defineMethod({
  name: 'crm.status.delete',
  scope: 'crm',
  result: result.success(),
  raises: [errors.statusInvalidId, errors.statusNotFound, errors.statusSystemDelete, errors.statusInUse],
  params: { id: param.crmId(), params: param.crmArray() },
  handler: ({ id, params }, ctx) =>
    ctx.store.write(async (repos) => {
      const { stageLists } = await context(repos, true);
      const row = await storedStatus(await readReference(repos), id);
      if (row.system === 'Y' && phpString(params.FORCED).toUpperCase() !== 'Y') throw errors.statusSystemDelete();
      // The deals at a deal stage, the leads at a lead status.
      const holders =
        stageLists.get(row.entity_id)?.entityTypeId === DEAL
          ? ({ table: 'crm_deal', column: 'stage_id' } as const)
          : row.entity_id === 'STATUS'
            ? ({ table: 'crm_lead', column: 'status_id' } as const)
            : undefined;
      if (holders) {
        const inUse = await repos.crm.count(holders.table, [{ column: holders.column, op: '=', value: row.status_id }]);
        if (inUse > 0) throw errors.statusInUse();
      }
      await repos.crmReference.removeStatuses([row.id]);
      return true;
    }),
});

export const statusMethods = [fields, list, get, entityItems, entityTypes, add, update, remove];
