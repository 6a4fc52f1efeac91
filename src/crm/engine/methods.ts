/**
 * The six REST methods of a CRM entity (`crm.<name>.add/get/list/update/delete/fields`), made
 * from its declaration. The parameter checks come in the order CCrmRestProxyBase makes them:
 * `fields` before `params`, `order` before `filter`, and the ID last.
 */
import { errors } from '../../rest/errors.js';
import { param } from '../../rest/params.js';
import { CrmPage, defineMethod } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import type { View } from '../../rest/view.js';
import { addRecord, type CrmEntity, deleteRecord, listRecords, readRecord, updateRecord } from './entity.js';
import { clampInt, crmView, describeFields } from './fields.js';
import { userFieldMethods } from './user-field-methods.js';
import { withUserFields } from './user-fields.js';

/** A positive ID, else "ID is not defined or invalid."; one beyond any row's reach stays unfound. */
function checkId(id: number): number {
  if (id <= 0) throw errors.crmInvalidId();
  return clampInt(id);
}

/**
 * A record as `crm.*.get` answers it, for the API description: every stored field a string or
 * null (`toWireValue`), multi-fields lists of values, there only when they hold some (the
 * note of crm.contact.get); virtual fields never (their links are answered by other methods).
 */
function recordView(entity: CrmEntity): View {
  const shown = Object.fromEntries(Object.entries(entity.fields).filter(([, f]) => !f.virtual));
  const multi = Object.keys(shown).filter((name) => shown[name]?.type === 'crm_multifield');
  return crmView(shown, 'text', { name: `crm.${entity.name}`, optional: multi });
}

export function crmMethods(entity: CrmEntity) {
  const prefix = `crm.${entity.name}`;
  const record = recordView(entity);
  const input = crmView(entity.fields, 'typed', { name: `crm.${entity.name}` });
  return [
    defineMethod({
      name: `${prefix}.add`,
      scope: 'crm',
      result: result.id(),
      params: { fields: param.crmArray({ view: input, use: 'add' }), params: param.crmArray() },
      handler: ({ fields }, ctx) =>
        ctx.store.write(async (repos) =>
          addRecord(await withUserFields(repos, entity), repos, fields, { userId: ctx.userId, now: ctx.clock.now() }),
        ),
    }),
    defineMethod({
      name: `${prefix}.get`,
      scope: 'crm',
      result: result.record(record),
      raises: [errors.crmInvalidId, entity.notFound.get],
      params: { id: param.crmId() },
      handler: async ({ id }, ctx) => {
        const record = await ctx.store.read(async (repos) =>
          readRecord(await withUserFields(repos, entity), repos, checkId(id)),
        );
        if (!record) throw entity.notFound.get();
        return record;
      },
    }),
    defineMethod({
      name: `${prefix}.list`,
      scope: 'crm',
      result: result.crmPage(undefined, record, { selectable: true }),
      params: { order: param.crmArray(), filter: param.crmArray(), select: param.crmList() },
      handler: ({ order, filter, select }, ctx) =>
        ctx.store.read(async (repos) => {
          const { items, total } = await listRecords(await withUserFields(repos, entity), repos, {
            filter,
            order,
            select,
            offset: ctx.page.offset,
            limit: ctx.page.limit,
            countTotal: ctx.page.countTotal,
          });
          return new CrmPage(items, total);
        }),
    }),
    defineMethod({
      name: `${prefix}.update`,
      scope: 'crm',
      result: result.success(),
      raises: [errors.crmInvalidId, entity.notFound.update],
      params: { id: param.crmId(), fields: param.crmArray({ view: input, use: 'update' }), params: param.crmArray() },
      handler: ({ id, fields }, ctx) => {
        const known = checkId(id);
        return ctx.store.write(async (repos) =>
          updateRecord(await withUserFields(repos, entity), repos, known, fields, {
            userId: ctx.userId,
            now: ctx.clock.now(),
          }),
        );
      },
    }),
    defineMethod({
      name: `${prefix}.delete`,
      scope: 'crm',
      result: result.success(),
      raises: [errors.crmInvalidId, entity.notFound.delete],
      params: { id: param.crmId() },
      handler: ({ id }, ctx) => {
        const known = checkId(id);
        return ctx.store.write(async (repos) =>
          deleteRecord(await withUserFields(repos, entity), repos, known, ctx.clock.now()),
        );
      },
    }),
    defineMethod({
      name: `${prefix}.fields`,
      scope: 'crm',
      result: result.fieldDescriptions([Object.keys(entity.fields)]),
      params: {},
      handler: (_params, ctx) =>
        ctx.store.read(async (repos) => describeFields((await withUserFields(repos, entity)).fields)),
    }),
    ...userFieldMethods(entity),
  ];
}
