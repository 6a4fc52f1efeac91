/** Every REST method the server answers, from their one declaration each. */
import { bookingExternalDataMethods } from './booking/bookings/external-data.js';
import { bookingMethods } from './booking/bookings/methods.js';
import { moveMethods } from './booking/moves.js';
import { resourceTypeMethods } from './booking/resources/resource-types.js';
import { resourceMethods } from './booking/resources/resources.js';
import { slotMethods } from './booking/resources/slots.js';
import { waitListExternalDataMethods } from './booking/waitlist/external-data.js';
import { waitListMethods } from './booking/waitlist/methods.js';
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
] as unknown as MethodDeclaration<never>[];

export function createRegistry(): Registry {
  return new Registry(allMethods);
}
