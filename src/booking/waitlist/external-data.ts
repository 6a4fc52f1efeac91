/**
 * booking.v1.waitlist.externalData.*: links from a wait-list entry to other modules' records
 * (in practice CRM deals). As on the real server, links are not validated beyond their shape:
 * any module, type and value strings are stored, duplicates are kept, and `set` replaces the
 * whole collection (`set []` equals `unset`). A `crm`/`DEAL` link fills an entry that has no
 * clients with the deal's contacts and company.
 */
import { errors } from '../../rest/errors.js';
import { param } from '../../rest/params.js';
import { BookingPage, defineMethod } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import { externalize } from '../../rest/view.js';
import { fillClientsFromLinkedDeals } from '../clients/clients.js';
import { linkLengthMessage, toLink } from '../external-links.js';
import { updateWaitListEntry } from './methods.js';
import { externalDataView } from './views.js';

const set = defineMethod({
  name: 'booking.v1.waitlist.externalData.set',
  scope: 'booking',
  result: result.success(),
  raises: [errors.waitListNotFound, () => errors.waitListUpdateFailed(linkLengthMessage('VALUE'))],
  params: { waitListId: param.int(), externalData: param.items(externalDataView) },
  handler: ({ waitListId, externalData }, ctx) =>
    updateWaitListEntry(ctx, waitListId, async (repos) => {
      const links = externalData.map((item) => toLink(item, errors.waitListUpdateFailed));
      await repos.waitList.replaceExternalData(waitListId, links);
      // An entry without clients takes the linked deals' contacts and company.
      await fillClientsFromLinkedDeals(repos, { kind: 'waitlist', id: waitListId }, links);
    }),
});

const list = defineMethod({
  name: 'booking.v1.waitlist.externalData.list',
  scope: 'booking',
  result: result.bookingPage('externalData', externalDataView),
  raises: [errors.waitListNotFound],
  params: { waitListId: param.int() },
  handler: ({ waitListId }, ctx) =>
    ctx.store.read(async ({ waitList }) => {
      if (!(await waitList.exists(waitListId))) throw errors.waitListNotFound();
      const links = await waitList.externalData(waitListId);
      return new BookingPage(
        'externalData',
        links.map((link) => externalize(externalDataView, link)),
      );
    }),
});

const unset = defineMethod({
  name: 'booking.v1.waitlist.externalData.unset',
  scope: 'booking',
  result: result.success(),
  raises: [errors.waitListNotFound],
  params: { waitListId: param.int() },
  handler: ({ waitListId }, ctx) =>
    updateWaitListEntry(ctx, waitListId, async ({ waitList }) => {
      await waitList.replaceExternalData(waitListId, []);
    }),
});

export const waitListExternalDataMethods = [set, list, unset];
