/**
 * booking.v1.waitlist.externalData.*: links from a wait-list entry to other modules' records
 * (in practice CRM deals). As on the real server, links are not validated beyond their shape:
 * any module, type and value strings are stored, duplicates are kept, and `set` replaces the
 * whole collection (`set []` equals `unset`). A `crm`/`DEAL` link fills an entry that has no
 * clients with the deal's contacts and company.
 */
import { errors } from '../../rest/errors.js';
import { param } from '../../rest/params.js';
import { phpString } from '../../rest/php.js';
import { BookingPage, defineMethod } from '../../rest/registry.js';
import { externalize } from '../../rest/view.js';
import type { ExternalLink } from '../../store/repositories/waitlist.js';
import { fillClientsFromLinkedDeals } from '../clients/clients.js';
import { updateWaitListEntry } from './methods.js';
import { externalDataView } from './views.js';

/** The columns' limits (Bitrix: StringField, required, LengthValidator(1, 255)). */
const MAX_LENGTH = 255;

/**
 * The module casts each value to a string and its ORM then refuses empty or over-long ones;
 * inside the update command that failure becomes code 1035 with the ORM's message.
 */
function toLink(item: Record<string, unknown>): ExternalLink {
  const link = {
    moduleId: phpString(item.moduleId),
    entityTypeId: phpString(item.entityTypeId),
    value: phpString(item.value),
  };
  for (const [name, column] of [
    ['moduleId', 'MODULE_ID'],
    ['entityTypeId', 'ENTITY_TYPE_ID'],
    ['value', 'VALUE'],
  ] as const) {
    const length = [...link[name]].length;
    if (length < 1 || length > MAX_LENGTH) {
      throw errors.waitListUpdateFailed(
        `The length of the field "${column}" must be between 1 and ${MAX_LENGTH} characters`,
      );
    }
  }
  return link;
}

const set = defineMethod({
  name: 'booking.v1.waitlist.externalData.set',
  scope: 'booking',
  params: { waitListId: param.int(), externalData: param.items(externalDataView) },
  handler: ({ waitListId, externalData }, ctx) =>
    updateWaitListEntry(ctx, waitListId, async (repos) => {
      const links = externalData.map(toLink);
      await repos.waitList.replaceExternalData(waitListId, links);
      // An entry without clients takes the linked deals' contacts and company.
      await fillClientsFromLinkedDeals(repos, { kind: 'waitlist', id: waitListId }, links);
    }),
});

const list = defineMethod({
  name: 'booking.v1.waitlist.externalData.list',
  scope: 'booking',
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
  params: { waitListId: param.int() },
  handler: ({ waitListId }, ctx) =>
    updateWaitListEntry(ctx, waitListId, async ({ waitList }) => {
      await waitList.replaceExternalData(waitListId, []);
    }),
});

export const waitListExternalDataMethods = [set, list, unset];
