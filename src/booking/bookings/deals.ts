/**
 * What a booking does to CRM deals (real-server.md, sections 4.1 and 8), through the CRM engine
 * so the deals are real records and their events are recorded in the same transaction:
 * - DealForBookingService::createAndLinkDeal (since 25.1150): a new booking that links no deal
 *   gets one (source BOOKING, type SERVICES, its primary CRM client as the deal's contact or
 *   company), linked as `crm`/`DEAL` external data. The real service skips users who may not add
 *   deals and swallows CRM failures; here CRM is always on and every user may add deals, so
 *   there is nothing to skip, and a database failure fails the whole call as any other would.
 * - DealClientSynchronizer::setClientToDeal: when externalData.set links a deal the booking did
 *   not link before and that deal has no contact and no company, the booking's clients become
 *   the deal's (its contacts, and its first company).
 */
import { deal } from '../../crm/deal/deal.js';
import { addRecord, updateRecord } from '../../crm/engine/entity.js';
import { INT_MAX } from '../../crm/engine/fields.js';
import type { StoredClient } from '../../store/repositories/clients.js';
import type { ExternalLink } from '../../store/repositories/external-links.js';
import type { Repositories } from '../../store/store.js';
import { isDealLink, linkedDealIds } from '../external-links.js';

interface Who {
  userId: number;
  now: number;
}

const crmClients = (clients: readonly StoredClient[], code: 'CONTACT' | 'COMPANY') =>
  clients.filter((c) => c.type.module === 'crm' && c.type.code === code && c.clientId > 0 && c.clientId <= INT_MAX);

/** A new booking without a deal link gets a new deal, linked after its other external data. */
export async function createDealForBooking(repos: Repositories, bookingId: number, who: Who): Promise<void> {
  const links = await repos.bookings.externalData(bookingId);
  if (links.some(isDealLink)) return;
  const clients = await repos.clients.list({ kind: 'booking', id: bookingId });
  const primary = clients.find((c) => c.isPrimary && c.type.module === 'crm' && c.clientId <= INT_MAX);
  const fields: Record<string, unknown> = { SOURCE_ID: 'BOOKING', TYPE_ID: 'SERVICES' };
  if (primary?.type.code === 'CONTACT') fields.CONTACT_IDS = [primary.clientId];
  if (primary?.type.code === 'COMPANY') fields.COMPANY_ID = primary.clientId;
  const dealId = await addRecord(deal, repos, fields, who);
  await repos.bookings.replaceExternalData(bookingId, [
    ...links,
    { moduleId: 'crm', entityTypeId: 'DEAL', value: String(dealId) },
  ]);
}

/** After externalData.set: the booking's clients go to each newly linked deal that has none. */
export async function pushClientsToNewDeals(
  repos: Repositories,
  bookingId: number,
  before: readonly ExternalLink[],
  after: readonly ExternalLink[],
  who: Who,
): Promise<void> {
  const known = new Set(linkedDealIds(before));
  const dealIds = linkedDealIds(after).filter((id) => !known.has(id));
  if (dealIds.length === 0) return;
  const clients = await repos.clients.list({ kind: 'booking', id: bookingId });
  const contactIds = crmClients(clients, 'CONTACT').map((c) => c.clientId);
  const company = crmClients(clients, 'COMPANY')[0];
  if (contactIds.length === 0 && !company) return;
  const deals = await repos.crm.findMany('crm_deal', dealIds);
  const contacts = await repos.crm.dealContacts(dealIds);
  for (const row of deals) {
    const hasCompany = Number(row.company_id) > 0;
    if (hasCompany || (contacts.get(row.id) ?? []).length > 0) continue;
    const fields: Record<string, unknown> = {};
    if (contactIds.length > 0) fields.CONTACT_IDS = contactIds;
    if (company) fields.COMPANY_ID = company.clientId;
    await updateRecord(deal, repos, row.id, fields, who);
  }
}
