/**
 * Custom fields (`UF_CRM_...`): declared with crm.<type>.userfield.add (or a seed document),
 * written and read through the classic methods by their declared names and through crm.item.*
 * in camelCase (`ufCrm_RATING`) or, with useOriginalUfNames Y, as declared; filtered by value.
 */
import { describe, expect, it } from 'vitest';
import { failsWith, ok } from './support/calls.js';
import { startTestServer, useServer } from './support/server.js';

const server = useServer();
const call = (method: string, params: unknown = {}) => ok(server(), method, params);
const fails = (method: string, params: unknown, code: string, text: string) =>
  failsWith(server(), method, params, code, text);

async function declare(entity: string, fields: Record<string, unknown>) {
  return (await call(`crm.${entity}.userfield.add`, { fields })).result as number;
}

describe('custom fields of deals', () => {
  it('are declared, listed and described in both faces', async () => {
    const id = await declare('deal', {
      FIELD_NAME: 'RATING',
      USER_TYPE_ID: 'integer',
      EDIT_FORM_LABEL: { en: 'Rating' },
    });
    await declare('deal', { FIELD_NAME: 'UF_CRM_TAGS', USER_TYPE_ID: 'string', MULTIPLE: 'Y', LABEL: 'Tags' });
    await declare('deal', { FIELD_NAME: 'BOOKED_ON', USER_TYPE_ID: 'date' });
    const listed = await call('crm.deal.userfield.list');
    expect(listed.result.map((f: { FIELD_NAME: string }) => f.FIELD_NAME)).toEqual([
      'UF_CRM_RATING',
      'UF_CRM_TAGS',
      'UF_CRM_BOOKED_ON',
    ]);
    expect(listed.result[0]).toMatchObject({ ID: String(id), ENTITY_ID: 'CRM_DEAL', USER_TYPE_ID: 'integer' });
    const classic = (await call('crm.deal.fields')).result;
    expect(classic.UF_CRM_TAGS).toMatchObject({ type: 'string', isMultiple: true, isDynamic: true, title: 'Tags' });
    const { fields } = (await call('crm.item.fields', { entityTypeId: 2 })).result;
    expect(fields.ufCrm_RATING).toMatchObject({ type: 'integer', isDynamic: true, upperName: 'UF_CRM_RATING' });
    const original = (await call('crm.item.fields', { entityTypeId: 2, useOriginalUfNames: 'Y' })).result.fields;
    expect(original).toHaveProperty('UF_CRM_RATING');
    expect(original).not.toHaveProperty('ufCrm_RATING');
    // Contacts have none of the deal's fields.
    expect((await call('crm.contact.fields')).result).not.toHaveProperty('UF_CRM_RATING');
  });

  it('are written and read through either face, one record', async () => {
    const id = (
      await call('crm.deal.add', {
        fields: { TITLE: 'Custom', UF_CRM_RATING: '5', UF_CRM_TAGS: ['a', 'b'], UF_CRM_BOOKED_ON: '2030-01-02' },
      })
    ).result;
    const deal = (await call('crm.deal.get', { id })).result;
    expect(deal).toMatchObject({ UF_CRM_RATING: '5', UF_CRM_TAGS: ['a', 'b'] });
    expect(deal.UF_CRM_BOOKED_ON).toMatch(/^2030-01-02T00:00:00/);
    const { item } = (await call('crm.item.get', { entityTypeId: 2, id })).result;
    expect(item).toMatchObject({ ufCrm_RATING: 5, ufCrm_TAGS: ['a', 'b'] });
    await call('crm.item.update', { entityTypeId: 2, id, fields: { ufCrm_RATING: 7, ufCrm_TAGS: [] } });
    expect((await call('crm.deal.get', { id })).result).toMatchObject({ UF_CRM_RATING: '7', UF_CRM_TAGS: [] });
    await call('crm.item.update', {
      entityTypeId: 2,
      id,
      useOriginalUfNames: 'Y',
      fields: { UF_CRM_TAGS: ['c'] },
    });
    const named = (await call('crm.item.get', { entityTypeId: 2, id, useOriginalUfNames: 'Y' })).result.item;
    expect(named).toMatchObject({ UF_CRM_RATING: 7, UF_CRM_TAGS: ['c'] });
    expect(named).not.toHaveProperty('ufCrm_RATING');
    // A multiple field takes a list only, as crm.item.update's multiple fields do.
    await fails(
      'crm.item.update',
      { entityTypeId: 2, id, fields: { ufCrm_TAGS: 'x' } },
      '100',
      'Expected iterable value for multiple field, but got string instead',
    );
    expect((await call('crm.deal.get', { id })).result.UF_CRM_TAGS).toEqual(['c']);
  });

  it('filter lists by value; the classic list shows them when selected', async () => {
    const add = (rating: number) =>
      call('crm.item.add', { entityTypeId: 2, fields: { title: `Rated ${rating}`, ufCrm_RATING: rating } });
    const [three] = [(await add(3)).result.item.id, (await add(4)).result.item.id];
    const items = await call('crm.item.list', { entityTypeId: 2, filter: { ufCrm_RATING: 3 }, select: ['id'] });
    expect(items.result.items).toEqual([{ id: three }]);
    expect(items.total).toBe(1);
    const some = await call('crm.item.list', { entityTypeId: 2, filter: { '@ufCrm_RATING': [3, 4] } });
    expect(some.total).toBe(2);
    const classic = await call('crm.deal.list', { filter: { UF_CRM_RATING: 3 }, select: ['ID', 'UF_CRM_RATING'] });
    expect(classic.result).toEqual([{ ID: String(three), UF_CRM_RATING: '3' }]);
    const all = await call('crm.deal.list', { filter: { ID: three }, select: ['UF_*'] });
    expect(all.result).toEqual([{ ID: String(three), UF_CRM_RATING: '3', UF_CRM_TAGS: [], UF_CRM_BOOKED_ON: null }]);
    const plain = await call('crm.deal.list', { filter: { ID: three }, select: ['*'] });
    expect(plain.result[0]).not.toHaveProperty('UF_CRM_RATING');
    // A custom field orders nothing: crm.item.list refuses it as any field it cannot order by.
    const refused = await server().call('crm.item.list', { entityTypeId: 2, order: { ufCrm_RATING: 'ASC' } });
    expect(refused.status).toBe(400);
  });

  it('go with their record', async () => {
    const id = (await call('crm.deal.add', { fields: { TITLE: 'Gone', UF_CRM_RATING: 9 } })).result;
    await call('crm.deal.delete', { id });
    const rows = await server()
      .server.store.db.selectFrom('crm_user_field_value')
      .select('id')
      .where('element_id', '=', id)
      .where('entity_id', '=', 'CRM_DEAL')
      .execute();
    expect(rows).toEqual([]);
  });

  it('answers bad declarations and changes nothing', async () => {
    const before = (await call('crm.deal.userfield.list')).total;
    await fails('crm.deal.userfield.add', { fields: {} }, '', 'FIELD_NAME is not defined or invalid.');
    await fails(
      'crm.deal.userfield.add',
      { fields: { FIELD_NAME: 'bad name!' } },
      '',
      'FIELD_NAME is not defined or invalid.',
    );
    await fails(
      'crm.deal.userfield.add',
      { fields: { FIELD_NAME: 'X', USER_TYPE_ID: 'hologram' } },
      '',
      'USER_TYPE_ID is not defined or invalid.',
    );
    await fails(
      'crm.deal.userfield.add',
      { fields: { FIELD_NAME: 'RATING' } },
      '',
      'A custom field named UF_CRM_RATING already exists.',
    );
    expect((await call('crm.deal.userfield.list')).total).toBe(before);
  });
});

describe('custom fields of leads and contacts', () => {
  it('are kept apart by type', async () => {
    await declare('lead', { FIELD_NAME: 'CHANNEL', USER_TYPE_ID: 'string' });
    await declare('contact', { FIELD_NAME: 'VIP', USER_TYPE_ID: 'boolean' });
    const lead = (await call('crm.item.add', { entityTypeId: 1, fields: { title: 'L', ufCrm_CHANNEL: 'web' } })).result
      .item;
    expect(lead.ufCrm_CHANNEL).toBe('web');
    const contact = (await call('crm.contact.add', { fields: { NAME: 'V', UF_CRM_VIP: 'Y', UF_CRM_CHANNEL: 'x' } }))
      .result;
    const got = (await call('crm.contact.get', { id: contact })).result;
    expect(got.UF_CRM_VIP).toBe('Y');
    expect(got).not.toHaveProperty('UF_CRM_CHANNEL');
  });
});

describe('a seed document', () => {
  it('declares custom fields before the records that fill them', async () => {
    const fresh = await startTestServer();
    try {
      const document = {
        crm: {
          dealUserFields: [{ FIELD_NAME: 'BOOKING_REF', USER_TYPE_ID: 'string' }],
          leads: [{ TITLE: 'Seeded lead' }],
          deals: [{ TITLE: 'Seeded', UF_CRM_BOOKING_REF: 'B-17' }],
        },
      };
      const res = await fetch(`${fresh.url}/_admin/seed`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fresh.server.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(document),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const items = await fresh.call('crm.item.list', { entityTypeId: 2, filter: { ufCrm_BOOKING_REF: 'B-17' } });
      expect(items.body.result.items.map((i: { title: string }) => i.title)).toEqual(['Seeded']);
      expect((await fresh.call('crm.lead.list', {})).body.total).toBe(1);
    } finally {
      await fresh.server.close();
    }
  });
});
