/**
 * crm.category.*: the pipelines of deals and of smart processes (Bitrix\Crm\Controller\Category).
 * A new pipeline gets its stages (`DEAL_STAGE_<id>`, `C<id>:NEW`, ...); deleting one removes
 * them. The deal pipeline 0 ("General") is every portal's default and cannot be deleted.
 */
import { errors } from '../../rest/errors.js';
import { param } from '../../rest/params.js';
import { isPhpArray, phpIntCast, phpString } from '../../rest/php.js';
import { CrmPage, defineMethod } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import type { CategoryRow } from '../../store/repositories/crm-reference.js';
import type { Repositories } from '../../store/store.js';
import { type CrmFields, crmView, describeFields, field } from '../engine/fields.js';
import { smartProcessOf } from '../types/types.js';
import {
  categoriesOf,
  DEAL,
  newPipelineStages,
  type Reference,
  readReference,
  stageListOf,
  writeReference,
} from './reference.js';

/** Types that exist but keep no pipelines, by entityTypeId, as the error names them. */
const WITHOUT_PIPELINES: ReadonlyMap<number, string> = new Map([
  [1, 'LEAD'],
  [3, 'CONTACT'],
  [4, 'COMPANY'],
  [7, 'QUOTE'],
]);

/** Deals and smart processes keep pipelines; other types are refused as the controller refuses them. */
async function checkPipelineOwner(repos: Repositories, entityTypeId: number): Promise<void> {
  if (entityTypeId === DEAL || (await smartProcessOf(repos, entityTypeId))) return;
  const name = WITHOUT_PIPELINES.get(entityTypeId);
  throw name ? errors.crmEntityTypeNotSupported(name) : errors.crmTypeNotFound();
}

const readOnly = { readOnly: true } as const;

/** A pipeline's fields, as crm.category.fields describes them (a deal pipeline's isDefault is read-only). */
const CATEGORY_FIELDS: CrmFields = {
  id: field('integer', 'ID', readOnly),
  name: field('string', 'Name'),
  sort: field('integer', 'Sort'),
  entityTypeId: field('integer', 'Entity type ID', readOnly),
  isDefault: field('boolean', 'Default'),
};

/** A pipeline as the methods answer it, for the API description (`categoryView`). */
const categoryRecord = crmView(CATEGORY_FIELDS, 'typed', {
  name: 'crm.category',
  answered: {
    originId: {
      type: 'string',
      readonly: true,
      optional: true,
      title: 'Deal pipelines but the default: where it came from',
    },
    originatorId: {
      type: 'string',
      readonly: true,
      optional: true,
      title: 'Deal pipelines but the default: who made it',
    },
    isSystem: { type: 'boolean', readonly: true, title: 'Smart process pipelines' },
    code: { type: 'string', readonly: true, optional: true, title: 'Smart process pipelines' },
  },
});

/** A pipeline as the pages show it: deals carry their origin, smart processes `isSystem` and `code`. */
function categoryView(row: CategoryRow) {
  const base = {
    id: row.id,
    name: row.name,
    sort: row.sort,
    entityTypeId: row.entity_type_id,
    isDefault: row.is_default,
  };
  if (row.entity_type_id !== DEAL) return { ...base, isSystem: 'N', code: null };
  return row.id === 0 ? base : { ...base, originId: '', originatorId: '' };
}

function findCategory(reference: Reference, entityTypeId: number, id: number): CategoryRow {
  const row = categoriesOf(reference, entityTypeId).find((c) => c.id === id);
  if (!row) throw errors.crmCategoryNotFound();
  return row;
}

/** `name`, `sort` (negative is 0) and `isDefault` of add and update; unknown keys ignored. */
function categoryInput(fields: Record<string, unknown>) {
  const out: { name?: string; sort?: number; isDefault?: boolean } = {};
  if (fields.name !== undefined) out.name = phpString(fields.name).trim().slice(0, 255) || '-';
  if (fields.sort !== undefined) out.sort = Math.max(0, phpIntCast(fields.sort));
  if (fields.isDefault !== undefined) out.isDefault = phpString(fields.isDefault).toUpperCase() === 'Y';
  return out;
}

/** Smart processes have one default pipeline: making another the default takes it from the old one. */
async function moveDefault(repos: Repositories, reference: Reference, entityTypeId: number, id: number) {
  for (const other of categoriesOf(reference, entityTypeId)) {
    if (other.id !== id && other.is_default === 'Y')
      await repos.crmReference.updateCategory(other.id, { is_default: 'N' });
  }
  await repos.crmReference.updateCategory(id, { is_default: 'Y' });
}

/** Adds a pipeline with its stages (also what a new smart process does for its first one). */
export async function addPipeline(
  repos: Repositories,
  entityTypeId: number,
  fields: { name?: string; sort?: number; isDefault?: boolean },
): Promise<number> {
  const reference = await writeReference(repos);
  const id = await repos.crmReference.addCategory({
    entity_type_id: entityTypeId,
    name: fields.name ?? '-',
    sort: fields.sort ?? 500,
    is_default: 'N',
  });
  for (const stage of newPipelineStages(entityTypeId, id)) await repos.crmReference.addStatus(stage);
  const first = categoriesOf(reference, entityTypeId).length === 0;
  if (entityTypeId !== DEAL && (fields.isDefault || first)) await moveDefault(repos, reference, entityTypeId, id);
  return id;
}

/** Removes every pipeline of a type with its stages (a smart process being deleted). */
export async function removePipelines(repos: Repositories, entityTypeId: number): Promise<void> {
  const reference = await writeReference(repos);
  for (const category of categoriesOf(reference, entityTypeId)) {
    const list = stageListOf(entityTypeId, category.id);
    await repos.crmReference.removeStatuses(reference.statuses.filter((s) => s.entity_id === list).map((s) => s.id));
    await repos.crmReference.removeCategory(category.id);
  }
}

const readCategory = async (repos: Repositories, entityTypeId: number, id: number) => ({
  category: categoryView(findCategory(await readReference(repos), entityTypeId, id)),
});

const entityTypeId = param.int;

const fields = defineMethod({
  name: 'crm.category.fields',
  scope: 'crm',
  result: result.fieldDescriptions([Object.keys(CATEGORY_FIELDS)], { key: 'fields' }),
  raises: [errors.crmTypeNotFound, () => errors.crmEntityTypeNotSupported('CONTACT')],
  params: { entityTypeId: entityTypeId() },
  handler: ({ entityTypeId }, ctx) =>
    ctx.store.read(async (repos) => {
      await checkPipelineOwner(repos, entityTypeId);
      const isDefault = field('boolean', 'Default', { readOnly: entityTypeId === DEAL });
      return { fields: describeFields({ ...CATEGORY_FIELDS, isDefault }) };
    }),
});

const list = defineMethod({
  name: 'crm.category.list',
  scope: 'crm',
  result: result.crmPage('categories', categoryRecord),
  raises: [errors.crmTypeNotFound, () => errors.crmEntityTypeNotSupported('CONTACT')],
  params: { entityTypeId: entityTypeId() },
  handler: ({ entityTypeId }, ctx) =>
    ctx.store.read(async (repos) => {
      await checkPipelineOwner(repos, entityTypeId);
      const all = categoriesOf(await readReference(repos), entityTypeId).map(categoryView);
      return new CrmPage(all.slice(ctx.page.offset, ctx.page.offset + ctx.page.limit), all.length, 'categories');
    }),
});

const get = defineMethod({
  name: 'crm.category.get',
  scope: 'crm',
  result: result.entity('category', categoryRecord),
  raises: [errors.crmTypeNotFound, errors.crmCategoryNotFound],
  params: { entityTypeId: entityTypeId(), id: param.int() },
  handler: ({ entityTypeId, id }, ctx) =>
    ctx.store.read(async (repos) => {
      await checkPipelineOwner(repos, entityTypeId);
      return readCategory(repos, entityTypeId, id);
    }),
});

const add = defineMethod({
  name: 'crm.category.add',
  scope: 'crm',
  result: result.entity('category', categoryRecord),
  raises: [errors.crmTypeNotFound, () => errors.crmEntityTypeNotSupported('CONTACT')],
  params: { entityTypeId: entityTypeId(), fields: param.array({ view: categoryRecord, use: 'add' }) },
  handler: ({ entityTypeId, fields }, ctx) =>
    ctx.store.write(async (repos) => {
      await checkPipelineOwner(repos, entityTypeId);
      const id = await addPipeline(repos, entityTypeId, categoryInput(fields));
      return readCategory(repos, entityTypeId, id);
    }),
});

const update = defineMethod({
  name: 'crm.category.update',
  scope: 'crm',
  result: result.entity('category', categoryRecord),
  raises: [errors.crmTypeNotFound, errors.crmCategoryNotFound],
  params: {
    entityTypeId: entityTypeId(),
    id: param.int(),
    fields: param.array({ view: categoryRecord, use: 'update' }),
  },
  handler: ({ entityTypeId, id, fields }, ctx) =>
    ctx.store.write(async (repos) => {
      await checkPipelineOwner(repos, entityTypeId);
      const reference = await writeReference(repos);
      findCategory(reference, entityTypeId, id);
      const input = categoryInput(isPhpArray(fields) ? fields : {});
      await repos.crmReference.updateCategory(id, {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.sort !== undefined && { sort: input.sort }),
      });
      // Deals keep their default; a smart process's default is never made non-default.
      if (entityTypeId !== DEAL && input.isDefault) await moveDefault(repos, reference, entityTypeId, id);
      return readCategory(repos, entityTypeId, id);
    }),
});

const remove = defineMethod({
  name: 'crm.category.delete',
  scope: 'crm',
  result: result.value('null'),
  raises: [errors.crmTypeNotFound, errors.crmCategoryNotFound, errors.defaultDealCategoryDelete],
  params: { entityTypeId: entityTypeId(), id: param.int() },
  handler: ({ entityTypeId, id }, ctx) =>
    ctx.store.write(async (repos) => {
      await checkPipelineOwner(repos, entityTypeId);
      const reference = await writeReference(repos);
      const category = findCategory(reference, entityTypeId, id);
      if (category.is_default === 'Y') throw errors.defaultDealCategoryDelete();
      if (
        entityTypeId === DEAL &&
        (await repos.crm.count('crm_deal', [{ column: 'category_id', op: '=', value: id }])) > 0
      ) {
        throw errors.dealCategoryInUse(category.name);
      }
      const list = stageListOf(entityTypeId, id);
      await repos.crmReference.removeStatuses(reference.statuses.filter((s) => s.entity_id === list).map((s) => s.id));
      await repos.crmReference.removeCategory(id);
      return null;
    }),
});

export const categoryMethods = [fields, list, get, add, update, remove];
