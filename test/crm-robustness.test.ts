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
    ].map((name) => [name, value]),
  );

it('answers odd parameters and fields without a 500', async () => {
  await server().call('crm.type.add', { fields: { title: 'T' } });
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
  expect(failures).toEqual([]);
}, 120_000);
