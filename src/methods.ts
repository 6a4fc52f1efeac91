/** Every REST method the server answers, from their one declaration each. */
import { waitListExternalDataMethods } from './booking/waitlist/external-data.js';
import { waitListMethods } from './booking/waitlist/methods.js';
import { batchMethods } from './platform/batch.js';
import { systemMethods } from './platform/system.js';
import { type MethodDeclaration, Registry } from './rest/registry.js';

export const allMethods: readonly MethodDeclaration<never>[] = [
  ...waitListMethods,
  ...waitListExternalDataMethods,
  ...batchMethods,
  ...systemMethods,
] as unknown as MethodDeclaration<never>[];

export function createRegistry(): Registry {
  return new Registry(allMethods);
}
