/** Leads: crm.lead.* and crm.item.* with entityTypeId 1, one record with two faces; their status. */
import { describe, expect, it } from 'vitest';
import { failsWith, ok, recordedEvents } from './support/calls.js';
import { useServer } from './support/server.js';

const server = useServer();
const call = (method: string, params: unknown = {}) => ok(server(), method, params);
const fails = (method: string, params: unknown, code: string, text: string) =>
  failsWith(server(), method, params, code, text);

async function eventsOf(name: string) {
  return (await recordedEvents(server())).filter((e) => e.event === name).map((e) => e.data);
}

describe('crm.lead.*', () => {
  it('adds a lead at the first status, named "Lead #<id>", seen through crm.item.get', async () => {
    const id = (
      await call('crm.lead.add', {
        fields: { NAME: 'Ann', LAST_NAME: 'Lee', PHONE: [{ VALUE: '+100', VALUE_TYPE: 'MOBILE' }], OPPORTUNITY: 50 },
      })
    ).result;
    const lead = (await call('crm.lead.get', { id })).result;
    expect(lead).toMatchObject({
      ID: String(id),
      TITLE: `Lead #${id}`,
      NAME: 'Ann',
      STATUS_ID: 'NEW',
      STATUS_SEMANTIC_ID: 'P',
      OPPORTUNITY: '50.00',
      CURRENCY_ID: 'USD',
      HAS_PHONE: 'Y',
      HAS_EMAIL: 'N',
      ASSIGNED_BY_ID: '1',
      MOVED_BY_ID: '1',
      DATE_CLOSED: null,
    });
    expect(lead.PHONE).toEqual([{ ID: expect.any(String), VALUE_TYPE: 'MOBILE', VALUE: '+100', TYPE_ID: 'PHONE' }]);
    const { item } = (await call('crm.item.get', { entityTypeId: 1, id })).result;
    expect(item).toMatchObject({
      id,
      entityTypeId: 1,
      title: `Lead #${id}`,
      name: 'Ann',
      lastName: 'Lee',
      stageId: 'NEW',
      stageSemanticId: 'P',
      opportunity: 50,
      hasPhone: 'Y',
      phone: '+100',
      movedBy: 1,
    });
    expect(item.fm).toEqual([{ id: expect.any(Number), typeId: 'PHONE', valueType: 'MOBILE', value: '+100' }]);
    expect(await eventsOf('onCrmLeadAdd')).toContainEqual({ FIELDS: { ID: id } });
  });

  it('moves a lead through its statuses: a final one closes it, as either face writes it', async () => {
    // No stage given: the first.
    const first = (await call('crm.item.add', { entityTypeId: 1, fields: { title: 'First' } })).result.item;
    expect(first).toMatchObject({ stageId: 'NEW', stageSemanticId: 'P' });
    const id = (await call('crm.item.add', { entityTypeId: 1, fields: { title: 'Moving', stageId: 'IN_PROCESS' } }))
      .result.item.id;
    expect((await call('crm.lead.get', { id })).result).toMatchObject({ STATUS_ID: 'IN_PROCESS', TITLE: 'Moving' });
    await call('crm.lead.update', { id, fields: { STATUS_ID: 'CONVERTED' } });
    const lead = (await call('crm.lead.get', { id })).result;
    expect(lead).toMatchObject({ STATUS_ID: 'CONVERTED', STATUS_SEMANTIC_ID: 'S' });
    // Closed, and moved, by this update.
    expect([lead.DATE_CLOSED, lead.MOVED_TIME]).toEqual([lead.DATE_MODIFY, lead.DATE_MODIFY]);
    expect(lead.DATE_MODIFY).not.toBeNull();
    const back = (await call('crm.item.update', { entityTypeId: 1, id, fields: { stageId: 'NEW' } })).result.item;
    expect(back).toMatchObject({ stageId: 'NEW', stageSemanticId: 'P', dateClosed: null });
    expect(await eventsOf('onCrmLeadUpdate')).toContainEqual({ FIELDS: { ID: id } });
    const list = await call('crm.item.list', { entityTypeId: 1, filter: { stageId: 'NEW', id }, select: ['id'] });
    expect(list.result.items).toEqual([{ id }]);
    expect((await call('crm.lead.list', { filter: { STATUS_ID: 'NEW', ID: id }, select: ['ID'] })).result).toEqual([
      { ID: String(id) },
    ]);
  });

  it('takes a status of the STATUS list only: the classic methods default or keep, crm.item.* refuses', async () => {
    const id = (await call('crm.lead.add', { fields: { TITLE: 'Odd status', STATUS_ID: 'NOPE' } })).result;
    expect((await call('crm.lead.get', { id })).result.STATUS_ID).toBe('NEW');
    await call('crm.lead.update', { id, fields: { STATUS_ID: 'IN_PROCESS' } });
    await call('crm.lead.update', { id, fields: { STATUS_ID: 'NOPE' } });
    expect((await call('crm.lead.get', { id })).result.STATUS_ID).toBe('IN_PROCESS');
    const refused = 'Invalid value for field "Stage"';
    await fails(
      'crm.item.add',
      { entityTypeId: 1, fields: { stageId: 'NOPE' } },
      'CRM_FIELD_ERROR_VALUE_NOT_VALID',
      refused,
    );
    await fails(
      'crm.item.update',
      { entityTypeId: 1, id, fields: { stageId: 'C1:NEW' } },
      'CRM_FIELD_ERROR_VALUE_NOT_VALID',
      refused,
    );
    expect((await call('crm.lead.get', { id })).result.STATUS_ID).toBe('IN_PROCESS');
    // A status added to the list is one a lead may take; while a lead holds it, it stays.
    const status = (
      await call('crm.status.add', { fields: { ENTITY_ID: 'STATUS', STATUS_ID: 'CALLED', NAME: 'Called' } })
    ).result;
    await call('crm.item.update', { entityTypeId: 1, id, fields: { stageId: 'CALLED' } });
    await fails('crm.status.delete', { id: status }, '', 'There are active items in this status.');
  });

  it('deletes a lead through either face; the documented not-found answers', async () => {
    const first = (await call('crm.lead.add', { fields: { TITLE: 'Gone' } })).result;
    const second = (await call('crm.lead.add', { fields: { TITLE: 'Gone too' } })).result;
    const total = (await call('crm.item.list', { entityTypeId: 1 })).total;
    expect((await call('crm.lead.delete', { id: first })).result).toBe(true);
    expect((await call('crm.item.delete', { entityTypeId: 1, id: second })).result).toEqual([]);
    expect((await call('crm.item.list', { entityTypeId: 1 })).total).toBe(total - 2);
    expect((await call('crm.lead.list', {})).total).toBe(total - 2);
    await fails('crm.lead.get', { id: first }, '', 'Not found');
    await fails('crm.lead.update', { id: first, fields: { TITLE: 'x' } }, '', 'Not found');
    await fails('crm.lead.delete', { id: first }, '', 'Not found');
    await fails('crm.item.get', { entityTypeId: 1, id: first }, 'NOT_FOUND', 'Item not found');
    await fails('crm.lead.get', { id: 0 }, '', 'ID is not defined or invalid.');
    expect(await eventsOf('onCrmLeadDelete')).toEqual([{ FIELDS: { ID: first } }, { FIELDS: { ID: second } }]);
  });

  it("keeps a lead's contacts: contactIds, CONTACT_ID the first; a deleted contact leaves them", async () => {
    const contact = async (name: string) => (await call('crm.contact.add', { fields: { NAME: name } })).result;
    const [a, b] = [await contact('A'), await contact('B')];
    const { item } = (await call('crm.item.add', { entityTypeId: 1, fields: { title: 'Two', contactIds: [a, b] } }))
      .result;
    expect(item).toMatchObject({ contactId: a, contactIds: [a, b] });
    await call('crm.contact.delete', { id: a });
    const after = (await call('crm.item.get', { entityTypeId: 1, id: item.id })).result.item;
    expect(after).toMatchObject({ contactId: b, contactIds: [b] });
    expect((await call('crm.lead.get', { id: item.id })).result.CONTACT_ID).toBe(String(b));
  });

  it('describes its fields in both faces', async () => {
    const classic = (await call('crm.lead.fields')).result;
    expect(classic.STATUS_ID).toMatchObject({ type: 'crm_status', statusType: 'STATUS' });
    expect(classic.PHONE).toMatchObject({ type: 'crm_multifield', isMultiple: true });
    const { fields } = (await call('crm.item.fields', { entityTypeId: 1 })).result;
    expect(fields.stageId).toMatchObject({ type: 'crm_status', upperName: 'STAGE_ID' });
    expect(fields.stageSemanticId).toMatchObject({ isReadOnly: true });
    expect(fields).toHaveProperty('companyTitle');
    expect(fields).toHaveProperty('observers');
  });
});
