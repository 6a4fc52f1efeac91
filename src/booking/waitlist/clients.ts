/**
 * booking.v1.waitlist.client.*: the clients of a wait-list entry (rules in ../clients/). The
 * entry must be live (1040) before client types are checked (1025); every set and unset records
 * the entry's Update event, even when nothing changed.
 */
import { errors } from '../../rest/errors.js';
import { param } from '../../rest/params.js';
import { BookingPage, defineMethod } from '../../rest/registry.js';
import type { ClientOwner } from '../../store/repositories/clients.js';
import { clientView, externalizeClient, replaceClients, resolveClients } from '../clients/clients.js';
import { updateWaitListEntry } from './methods.js';

const ownerOf = (waitListId: number): ClientOwner => ({ kind: 'waitlist', id: waitListId });

const set = defineMethod({
  name: 'booking.v1.waitlist.client.set',
  scope: 'booking',
  params: { waitListId: param.int(), clients: param.items(clientView) },
  handler: ({ waitListId, clients }, ctx) =>
    updateWaitListEntry(ctx, waitListId, async (repos) => {
      const resolved = await resolveClients(repos, clients);
      await replaceClients(repos, ownerOf(waitListId), resolved, await repos.waitList.externalData(waitListId));
    }),
});

const list = defineMethod({
  name: 'booking.v1.waitlist.client.list',
  scope: 'booking',
  params: { waitListId: param.int() },
  handler: ({ waitListId }, ctx) =>
    ctx.store.read(async ({ waitList, clients }) => {
      if (!(await waitList.exists(waitListId))) throw errors.waitListNotFound();
      return new BookingPage('waitListClient', (await clients.list(ownerOf(waitListId))).map(externalizeClient));
    }),
});

const unset = defineMethod({
  name: 'booking.v1.waitlist.client.unset',
  scope: 'booking',
  params: { waitListId: param.int() },
  handler: ({ waitListId }, ctx) =>
    updateWaitListEntry(ctx, waitListId, async (repos) => {
      await replaceClients(repos, ownerOf(waitListId), [], await repos.waitList.externalData(waitListId));
    }),
});

export const waitListClientMethods = [set, list, unset];
