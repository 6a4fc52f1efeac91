/**
 * crm.item.*: the universal CRM API over the same records as crm.deal|contact|company.* (one
 * record, two faces; the same events). Parameters bind in the order of the controller actions'
 * signatures (Bitrix\Crm\Controller\Item), so the first missing one is the one reported; then
 * the type, then the record, then its fields.
 */
import { errors } from '../../rest/errors.js';
import { type ParamView, param } from '../../rest/params.js';
import { phpString } from '../../rest/php.js';
import { CrmPage, defineMethod, type MethodContext } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import { defineView } from '../../rest/view.js';
import type { Repositories } from '../../store/store.js';
import { company } from '../company/company.js';
import { contact } from '../contact/contact.js';
import { deal } from '../deal/deal.js';
import { addRecord, type CrmEntity, deleteRecord, findRecords, updateRecord } from '../engine/entity.js';
import { clampInt } from '../engine/fields.js';
import {
  describeItemFields,
  itemFace,
  itemInput,
  itemSelection,
  itemView,
  storedMultifieldIds,
  toItems,
} from '../engine/item.js';
import { withUserFields } from '../engine/user-fields.js';
import { lead } from '../lead/lead.js';
import { dynamicEntity, SMART_PROCESS_EXAMPLE, smartProcessOf } from '../types/types.js';

/** The CRM object types `crm.item.*` serves, by `entityTypeId`: these, and the portal's smart processes. */
const entities = new Map<number, CrmEntity>([lead, deal, contact, company].map((e) => [e.entityTypeId, e]));

/** What crm.item.* may answer, for the API description: a record of one of these kinds. */
function recordKinds(): CrmEntity[] {
  // Every smart process's items have the same fields: any type's entity describes them.
  return [...entities.values(), dynamicEntity(SMART_PROCESS_EXAMPLE)];
}

const itemViews = recordKinds().map(itemView);

/** `fields` of add and update, for the API description: the fields of every kind, by their item names. */
const itemInputView: ParamView = {
  view: defineView(Object.assign({}, ...itemViews.map((view) => view.fields)), 'crm.item'),
  use: 'update',
};

/**
 * The type's entity, with its custom fields.
 * @param originalUfNames `useOriginalUfNames`: `Y` names custom fields as declared (`UF_CRM_...`)
 */
async function entityOf(repos: Repositories, entityTypeId: number, originalUfNames?: unknown): Promise<CrmEntity> {
  let entity = entities.get(entityTypeId);
  if (!entity && (await smartProcessOf(repos, entityTypeId))) entity = dynamicEntity(entityTypeId);
  if (!entity) throw errors.crmTypeNotFound();
  return withUserFields(repos, entity, phpString(originalUfNames ?? '').toUpperCase() === 'Y');
}

const who = (ctx: MethodContext) => ({ userId: ctx.userId, now: ctx.clock.now() });

/** The record as `crm.item.*` shows it, or NOT_FOUND. */
async function readItem(entity: CrmEntity, repos: Repositories, id: number) {
  const row = id > 0 ? await repos.crm.find(entity.target, clampInt(id)) : undefined;
  if (!row) throw errors.crmItemNotFound();
  const [item] = await toItems(entity, repos, [row]);
  return { item };
}

/** Inside a write: the record exists (and is held until commit), or NOT_FOUND. */
async function lockItem(entity: CrmEntity, repos: Repositories, id: number): Promise<number> {
  const known = clampInt(id);
  if (id <= 0 || !(await repos.crm.lock(entity.target, known))) throw errors.crmItemNotFound();
  return known;
}

/** `Y`: custom fields by their declared names (`UF_CRM_RATING`); anything else: camelCase (`ufCrm_RATING`). */
const useOriginalUfNames = param.loose();

const add = defineMethod({
  name: 'crm.item.add',
  scope: 'crm',
  result: result.entity('item', itemViews),
  raises: [errors.crmTypeNotFound, () => errors.crmMultipleNotIterable('string')],
  params: { entityTypeId: param.int(), fields: param.array(itemInputView), useOriginalUfNames },
  handler: ({ entityTypeId, fields, useOriginalUfNames }, ctx) =>
    ctx.store.write(async (repos) => {
      const entity = await entityOf(repos, entityTypeId, useOriginalUfNames);
      const id = await addRecord(entity, repos, itemInput(entity, fields), who(ctx), 'item');
      return readItem(entity, repos, id);
    }),
});

const get = defineMethod({
  name: 'crm.item.get',
  scope: 'crm',
  result: result.entity('item', itemViews),
  raises: [errors.crmTypeNotFound, errors.crmItemNotFound],
  params: { id: param.int(), entityTypeId: param.int(), useOriginalUfNames },
  handler: ({ id, entityTypeId, useOriginalUfNames }, ctx) =>
    ctx.store.read(async (repos) => readItem(await entityOf(repos, entityTypeId, useOriginalUfNames), repos, id)),
});

const list = defineMethod({
  name: 'crm.item.list',
  scope: 'crm',
  result: result.crmPage('items', itemViews, { selectable: true }),
  raises: [
    errors.crmTypeNotFound,
    () => errors.crmFilterFieldNotAllowed('FIELD'),
    () => errors.crmFilterValueInvalid('FIELD'),
    () => errors.crmOrderFieldNotAllowed('FIELD'),
    () => errors.crmOrderDirection('UP', 'ID'),
  ],
  params: {
    entityTypeId: param.int(),
    select: param.optionalList(),
    order: param.optionalArray(),
    filter: param.optionalArray(),
    useOriginalUfNames,
  },
  handler: ({ entityTypeId, select, order, filter, useOriginalUfNames }, ctx) => {
    const { offset, limit, countTotal } = ctx.page;
    return ctx.store.read(async (repos) => {
      const entity = await entityOf(repos, entityTypeId, useOriginalUfNames);
      const request = { filter, order, offset, limit, countTotal };
      const { rows, total } = await findRecords(entity, repos, request, itemFace(entity).naming, entity.itemFields);
      return new CrmPage(await toItems(entity, repos, rows, itemSelection(entity, select)), total, 'items');
    });
  },
});

const update = defineMethod({
  name: 'crm.item.update',
  scope: 'crm',
  result: result.entity('item', itemViews),
  raises: [errors.crmTypeNotFound, errors.crmItemNotFound, () => errors.crmMultipleNotIterable('string')],
  params: { entityTypeId: param.int(), id: param.int(), fields: param.array(itemInputView), useOriginalUfNames },
  handler: ({ entityTypeId, id, fields, useOriginalUfNames }, ctx) =>
    ctx.store.write(async (repos) => {
      const entity = await entityOf(repos, entityTypeId, useOriginalUfNames);
      const known = await lockItem(entity, repos, id);
      const input = itemInput(entity, fields, await storedMultifieldIds(entity, repos, known));
      await updateRecord(entity, repos, known, input, who(ctx), 'item');
      return readItem(entity, repos, known);
    }),
});

const remove = defineMethod({
  name: 'crm.item.delete',
  scope: 'crm',
  result: result.value('list'),
  raises: [errors.crmTypeNotFound, errors.crmItemNotFound],
  params: { entityTypeId: param.int(), id: param.int() },
  handler: ({ entityTypeId, id }, ctx) =>
    ctx.store.write(async (repos) => {
      const entity = await entityOf(repos, entityTypeId);
      await deleteRecord(entity, repos, await lockItem(entity, repos, id), ctx.clock.now());
      return [];
    }),
});

const fields = defineMethod({
  name: 'crm.item.fields',
  scope: 'crm',
  result: result.fieldDescriptions(
    recordKinds().map((entity) => itemFace(entity).names.map(([item]) => item)),
    { key: 'fields' },
  ),
  raises: [errors.crmTypeNotFound],
  params: { entityTypeId: param.int(), useOriginalUfNames },
  handler: ({ entityTypeId, useOriginalUfNames }, ctx) =>
    ctx.store.read(async (repos) => ({
      fields: describeItemFields(await entityOf(repos, entityTypeId, useOriginalUfNames)),
    })),
});

export const crmItemMethods = [add, get, list, update, remove, fields];
