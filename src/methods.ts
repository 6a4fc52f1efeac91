/** Every REST method the server answers, from their one declaration each. */
import { bookingClientMethods } from './booking/bookings/clients.js';
import { bookingExternalDataMethods } from './booking/bookings/external-data.js';
import { bookingMethods } from './booking/bookings/methods.js';
import { clientTypeMethods } from './booking/clients/client-types.js';
import { moveMethods } from './booking/moves.js';
import { resourceTypeMethods } from './booking/resources/resource-types.js';
import { resourceMethods } from './booking/resources/resources.js';
import { slotMethods } from './booking/resources/slots.js';
import { waitListClientMethods } from './booking/waitlist/clients.js';
import { waitListExternalDataMethods } from './booking/waitlist/external-data.js';
import { waitListMethods } from './booking/waitlist/methods.js';
import { companyMethods } from './crm/company/company.js';
import { contactMethods } from './crm/contact/contact.js';
import { dealMethods } from './crm/deal/deal.js';
import { crmItemMethods } from './crm/item/methods.js';
import { leadMethods } from './crm/lead/lead.js';
import { categoryMethods } from './crm/reference/categories.js';
import { statusMethods } from './crm/reference/statuses.js';
import { typeMethods } from './crm/types/types.js';
import { eventMethods } from './events/methods.js';
import { offlineEventMethods } from './events/offline.js';
import { batchMethods } from './platform/batch.js';
import { systemMethods } from './platform/system.js';
import { userMethods } from './platform/users.js';
import { type MethodDeclaration, Registry } from './rest/registry.js';

export const allMethods: readonly MethodDeclaration<never>[] = [
  ...waitListMethods,
  ...waitListExternalDataMethods,
  ...resourceTypeMethods,
  ...resourceMethods,
  ...slotMethods,
  ...bookingMethods,
  ...bookingExternalDataMethods,
  ...moveMethods,
  ...waitListClientMethods,
  ...bookingClientMethods,
  ...clientTypeMethods,
  ...leadMethods,
  ...dealMethods,
  ...contactMethods,
  ...companyMethods,
  ...crmItemMethods,
  ...categoryMethods,
  ...statusMethods,
  ...typeMethods,
  ...batchMethods,
  ...systemMethods,
  ...userMethods,
  ...eventMethods,
  ...offlineEventMethods,
] as unknown as MethodDeclaration<never>[];

export function createRegistry(): Registry {
  return new Registry(allMethods);
}
