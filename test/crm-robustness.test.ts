/**
 * Odd values in every parameter of the new CRM and user methods, and in the fields they take:
 * always an answer of the protocol (200 or a documented error), never a 500, on both stores.
 */
import { expect, it } from 'vitest';
import { SECRET, useServer } from './support/server.js';

const server = useServer({ webhooks: [`1:${SECRET}:booking,crm,user`] });

const ODD: unknown[] = [null, '', 'x', -1, 1.5, true, [], { a: 1 }, '9999999999999999999999', [[1]]];

const PARAMS: Record<string, string[]> = {
  'crm.item.add': ['entityTypeId', 'fields'],
  'crm.item.update': ['entityTypeId', 'id', 'fields'],
  'crm.item.get': ['entityTypeId', 'id'],
  'crm.item.list': ['entityTypeId', 'select', 'order', 'filter', 'start'],
  'crm.category.add': ['entityTypeId', 'fields'],
  'crm.category.update': ['entityTypeId', 'id', 'fields'],
  'crm.status.add': ['fields'],
  'crm.status.update': ['id', 'fields'],
  'crm.status.list': ['order', 'filter'],
  'crm.status.entity.items': ['entityId'],
  'crm.type.add': ['fields'],
  'crm.type.update': ['id', 'fields'],
  'crm.type.list': ['order', 'filter'],
  'crm.lead.add': ['fields'],
  'crm.lead.update': ['id', 'fields'],
  'crm.lead.list': ['order', 'filter', 'select'],
  'crm.deal.add': ['fields'],
  'crm.deal.update': ['id', 'fields'],
  'crm.deal.list': ['order', 'filter', 'select'],
  'crm.contact.add': ['fields'],
  'crm.deal.userfield.add': ['fields'],
  'user.get': ['FILTER', 'SORT', 'UF_DEPARTMENT'],
  'user.search': ['FIND'],
};

/** One value in every field the methods read. */
const everyField = (value: unknown) =>
  Object.fromEntries(
    [
      'title',
      'stageId',
      'categoryId',
      'fm',
      'observers',
      'contactIds',
      'ENTITY_ID',
      'STATUS_ID',
      'NAME',
      'SORT',
      'name',
      'isDefault',
      'relations',
      'entityTypeId',
      'FIELD_NAME',
      'USER_TYPE_ID',
      'MULTIPLE',
      'EDIT_FORM_LABEL',
      'TITLE',
      'COMPANY_IDS',
      'companyIds',
      'UF_CRM_ODD',
      'UF_CRM_ODDS',
      'UF_CRM_WHEN',
      'UF_CRM_FLAG',
      'ufCrm_ODD',
      'ufCrm_ODDS',
      'ufCrm_WHEN',
      'ufCrm_FLAG',
      'parentId2',
      'PARENT_ID_2',
    ].map((name) => [name, value]),
  );

it('answers odd parameters and fields without a 500', async () => {
  await server().call('crm.type.add', { fields: { title: 'T', relations: { child: [{ entityTypeId: 2 }] } } });
  await server().call('crm.lead.add', { fields: { TITLE: 'Lead 1' } });
  // Custom fields of each kind on deals and leads, so the odd values meet them too.
  for (const entity of ['deal', 'lead']) {
    for (const [name, type, multiple] of [
      ['ODD', 'integer', 'N'],
      ['ODDS', 'string', 'Y'],
      ['WHEN', 'date', 'N'],
      ['FLAG', 'boolean', 'N'],
    ]) {
      const reply = await server().call(`crm.${entity}.userfield.add`, {
        fields: { FIELD_NAME: name, USER_TYPE_ID: type, MULTIPLE: multiple },
      });
      expect(reply.status, reply.text).toBe(200);
    }
  }
  const failures: string[] = [];
  for (const [method, names] of Object.entries(PARAMS)) {
    for (const name of names) {
      for (const value of ODD) {
        const params = { entityTypeId: 2, id: 1, fields: { title: 'x' }, [name]: value };
        const reply = await server().call(method, params);
        if (reply.status >= 500) failures.push(`${method} ${name}=${JSON.stringify(value)}: ${reply.text}`);
        if (name !== 'fields') continue;
        const nested = await server().call(method, { ...params, fields: everyField(value) });
        if (nested.status >= 500) failures.push(`${method} fields.*=${JSON.stringify(value)}: ${nested.text}`);
      }
    }
  }
  // Odd values in filters on custom fields and parent links.
  for (const value of ODD) {
    const filters: [string, Record<string, unknown>][] = [
      ['crm.item.list', { entityTypeId: 2, filter: { ufCrm_ODD: value, ufCrm_WHEN: value, parentId2: 1 } }],
      ['crm.item.list', { entityTypeId: 2, filter: { '@ufCrm_ODDS': value, '>ufCrm_FLAG': value } }],
      ['crm.deal.list', { filter: { UF_CRM_ODD: value, '@UF_CRM_WHEN': value }, select: ['UF_*'] }],
    ];
    for (const [method, params] of filters) {
      const reply = await server().call(method, params);
      if (reply.status >= 500) failures.push(`${method} ${JSON.stringify(params)}: ${reply.text}`);
    }
  }
  expect(failures).toEqual([]);
}, 120_000);
