/**
 * An integration's day, as it would be written against Bitrix24: a contact and a deal in CRM,
 * a wait-list entry linked to the deal (its clients come from the deal), an explicit client,
 * reading both back, deleting the deal, reading again.
 */
import { expect, it } from 'vitest';
import { ok, recordedEvents } from './support/calls.js';
import { useServer } from './support/server.js';

const server = useServer();
const call = (method: string, params: unknown = {}) => ok(server(), method, params);

it('links a wait-list entry to a CRM deal and its contact, and survives the deal being deleted', async () => {
  const contactId = (
    await call('crm.contact.add', {
      fields: { NAME: 'Maria', LAST_NAME: 'Lopez', PHONE: [{ VALUE: '+34600000000', VALUE_TYPE: 'MOBILE' }] },
    })
  ).result as number;
  const dealId = (await call('crm.deal.add', { fields: { TITLE: 'Dental check-up', CONTACT_ID: contactId } }))
    .result as number;
  expect((await call('crm.deal.get', { id: dealId })).result).toMatchObject({
    TITLE: 'Dental check-up',
    CONTACT_ID: String(contactId),
  });

  const waitListId = (await call('booking.v1.waitlist.add', { fields: { note: 'Call back after 5pm' } }))
    .result as number;
  await call('booking.v1.waitlist.externalData.set', {
    waitListId,
    externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: String(dealId) }],
  });
  // No clients yet: the deal's contact became the entry's client.
  expect((await call('booking.v1.waitlist.client.list', { waitListId })).result).toEqual({
    waitListClient: [{ id: contactId, type: { code: 'CONTACT', module: 'crm' } }],
  });

  const companyId = (await call('crm.company.add', { fields: { TITLE: 'Lopez Family Office' } })).result as number;
  await call('booking.v1.waitlist.client.set', {
    waitListId,
    clients: [
      { id: contactId, type: { module: 'crm', code: 'CONTACT' } },
      { id: companyId, type: { module: 'crm', code: 'COMPANY' } },
    ],
  });

  const readBack = async () => ({
    clients: (await call('booking.v1.waitlist.client.list', { waitListId })).result.waitListClient,
    externalData: (await call('booking.v1.waitlist.externalData.list', { waitListId })).result.externalData,
    entry: (await call('booking.v1.waitlist.get', { id: waitListId })).result.waitList,
  });
  const expected = {
    clients: [
      { id: contactId, type: { code: 'CONTACT', module: 'crm' } },
      { id: companyId, type: { code: 'COMPANY', module: 'crm' } },
    ],
    externalData: [{ entityTypeId: 'DEAL', moduleId: 'crm', value: String(dealId) }],
    entry: { id: waitListId, note: 'Call back after 5pm' },
  };
  expect(await readBack()).toEqual(expected);

  expect((await call('crm.deal.delete', { id: dealId })).result).toBe(true);
  const gone = await server().call('crm.deal.get', { id: dealId });
  expect(gone.status).toBe(400);
  expect(gone.body).toEqual({ error: '', error_description: 'Not found' });
  // Bitrix24 does not validate booking links: the entry keeps its link and clients, the contact lives on.
  expect(await readBack()).toEqual(expected);
  expect((await call('crm.contact.get', { id: contactId })).result.NAME).toBe('Maria');

  // With no clients left, the link to the deleted deal is skipped without an error.
  await call('booking.v1.waitlist.client.unset', { waitListId });
  await call('booking.v1.waitlist.client.unset', { waitListId });
  expect((await call('booking.v1.waitlist.client.list', { waitListId })).result.waitListClient).toEqual([]);

  const events = (await recordedEvents(server())).map((e) => e.event);
  expect(events).toEqual([
    'onCrmContactAdd',
    'onCrmDealAdd',
    'onBookingWaitListItemAdd',
    'onBookingWaitListItemUpdate',
    'onCrmCompanyAdd',
    'onBookingWaitListItemUpdate',
    'onCrmDealDelete',
    'onBookingWaitListItemUpdate',
    'onBookingWaitListItemUpdate',
  ]);
});
