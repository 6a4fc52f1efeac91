/**
 * The events this server fires, upper-case as `event.bind` takes them and handlers receive
 * them, each with the scope it belongs to: an application may bind an event of its scopes only.
 */
import { bookingEvents } from '../booking/events.js';
import { company } from '../crm/company/company.js';
import { contact } from '../crm/contact/contact.js';
import { deal } from '../crm/deal/deal.js';
import { eventName } from '../crm/engine/entity.js';
import { lead } from '../crm/lead/lead.js';
import { dynamicEntity } from '../crm/types/types.js';
import type { Scope } from '../rest/registry.js';

const ACTIONS = ['Add', 'Update', 'Delete'] as const;

/** The classic entities' events, a smart process item's (one name for every type), a type's own. */
const crmEvents = [
  ...[lead, deal, contact, company, dynamicEntity(0)].flatMap((entity) =>
    ACTIONS.map((action) => eventName(entity, action)),
  ),
  ...ACTIONS.map((action) => `onCrmType${action}`),
];

export const eventScopes: ReadonlyMap<string, Scope> = new Map<string, Scope>([
  ...Object.values(bookingEvents).map((name): [string, Scope] => [name.toUpperCase(), 'booking']),
  ...crmEvents.map((name): [string, Scope] => [name.toUpperCase(), 'crm']),
]);

/** The scope of an event by any spelling of its name; undefined for an event this server does not fire. */
export function eventScope(name: string): Scope | undefined {
  return eventScopes.get(name.toUpperCase());
}
