/**
 * Clients of a wait-list entry or a booking (real-server.md, 4.1 and 4.2): CRM contacts and
 * companies named by id and type. The rules are the module's ClientService and
 * DealClientSynchronizer, written once for both owners:
 * - each client's type must be a known (module, code) pair, else 1025 "Client type not found";
 *   the contact or company itself is not looked up (Bitrix does not either);
 * - a set replaces the whole list; the first CONTACT (else the first client) is the primary one;
 * - an owner with no clients before a change and none after it takes the contacts and company of
 *   the deals its external data links (`crm` / `DEAL`, exact case); missing deals are skipped.
 */

import { errors } from '../../rest/errors.js';
import { phpIntCast, phpString } from '../../rest/php.js';
import { defineView, externalize } from '../../rest/view.js';
import type { ClientOwner, ClientType, StoredClient } from '../../store/repositories/clients.js';
import type { ExternalLink } from '../../store/repositories/waitlist.js';
import type { Repositories } from '../../store/store.js';
import { linkedDealIds } from '../external-links.js';

export const clientTypeView = defineView({
  module: { type: 'string', requiredOnSet: true },
  code: { type: 'string', requiredOnSet: true },
});

export const clientView = defineView({
  id: { type: 'int', requiredOnSet: true },
  type: { type: 'object', requiredOnSet: true, view: clientTypeView },
});

export function externalizeClientType(type: ClientType): Record<string, unknown> {
  return externalize(clientTypeView, type);
}

export function externalizeClient(client: StoredClient): Record<string, unknown> {
  return externalize(clientView, { id: client.clientId, type: externalizeClientType(client.type) });
}

/** The primary client: the first contact, else the first client. */
export function withPrimary(clients: readonly Omit<StoredClient, 'isPrimary'>[]): StoredClient[] {
  const primary = Math.max(
    0,
    clients.findIndex((c) => c.type.code === 'CONTACT'),
  );
  return clients.map((c, i) => ({ ...c, isPrimary: i === primary }));
}

/** The items of a `clients` parameter, checked against the client types (first unknown: 1025). */
export async function resolveClients(
  repos: Repositories,
  items: readonly Record<string, unknown>[],
): Promise<Omit<StoredClient, 'isPrimary'>[]> {
  const types = await repos.clients.types();
  return items.map((item) => {
    const wanted = item.type as Record<string, unknown>;
    const type = types.find((t) => t.module === phpString(wanted.module) && t.code === phpString(wanted.code));
    if (!type) throw errors.clientTypeNotFound();
    return { clientId: phpIntCast(item.id), type };
  });
}

/** When the owner has no clients: the contacts and company of the deals it links to. */
export async function fillClientsFromLinkedDeals(
  repos: Repositories,
  owner: ClientOwner,
  links: readonly ExternalLink[],
): Promise<void> {
  if ((await repos.clients.list(owner)).length > 0) return;
  const dealIds = linkedDealIds(links);
  if (dealIds.length === 0) return;
  const deals = new Map((await repos.crm.findMany('crm_deal', dealIds)).map((d) => [d.id, d]));
  // Links to deals that do not exist (common: any value is stored) need no more round trips.
  if (deals.size === 0) return;
  const contacts = await repos.crm.dealContacts([...deals.keys()]);
  const types = await repos.clients.types();
  const typeOf = (code: string) => types.find((t) => t.module === 'crm' && t.code === code);
  const found: Omit<StoredClient, 'isPrimary'>[] = [];
  const add = (code: string, clientId: unknown) => {
    const type = typeOf(code);
    const id = Number(clientId);
    if (!type || !(id > 0) || found.some((c) => c.type.id === type.id && c.clientId === id)) return;
    found.push({ clientId: id, type });
  };
  for (const dealId of dealIds) {
    const deal = deals.get(dealId);
    if (!deal) continue;
    for (const contactId of contacts.get(dealId) ?? []) add('CONTACT', contactId);
    add('COMPANY', deal.company_id);
  }
  if (found.length > 0) await repos.clients.replace(owner, withPrimary(found));
}

/** `client.set` / `client.unset`: replace the whole list, then the deal rule above. */
export async function replaceClients(
  repos: Repositories,
  owner: ClientOwner,
  clients: readonly Omit<StoredClient, 'isPrimary'>[],
  links: readonly ExternalLink[],
): Promise<void> {
  const hadClients = (await repos.clients.list(owner)).length > 0;
  await repos.clients.replace(owner, withPrimary(clients));
  if (!hadClients && clients.length === 0) await fillClientsFromLinkedDeals(repos, owner, links);
}
