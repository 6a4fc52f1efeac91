/** The users webhooks and tokens act as. A user the server has not met yet is made on demand. */

import type { PortalUser } from '../store/repositories/portal.js';
import type { Repositories } from '../store/store.js';

/** User 1 is the portal's administrator, as on a fresh Bitrix24. */
export function defaultUser(id: number): PortalUser {
  return { id, name: `User ${id}`, lastName: '', isAdmin: id === 1 };
}

export async function ensureUser(repos: Repositories, id: number, now: number): Promise<void> {
  await repos.portal.ensureUser(defaultUser(id), now);
}
