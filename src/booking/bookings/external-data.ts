/**
 * booking.v1.booking.externalData.*: links from a booking to other modules' records, stored
 * as the wait list's are (see ../external-links.ts); set and unset run through the booking's
 * update command, so they record onBookingUpdate; set also syncs clients with the linked deals
 * (./deals.ts, ../clients/clients.ts).
 */
import { errors } from '../../rest/errors.js';
import { param } from '../../rest/params.js';
import { BookingPage, defineMethod } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import { externalize } from '../../rest/view.js';
import { fillClientsFromLinkedDeals } from '../clients/clients.js';
import { linkLengthMessage, toLink } from '../external-links.js';
import { externalDataView } from '../waitlist/views.js';
import { pushClientsToNewDeals } from './deals.js';
import { updateBooking } from './methods.js';

const set = defineMethod({
  name: 'booking.v1.booking.externalData.set',
  scope: 'booking',
  result: result.success(),
  raises: [errors.bookingNotFound, () => errors.bookingUpdateFailed(linkLengthMessage('VALUE'))],
  params: { bookingId: param.int(), externalData: param.items(externalDataView) },
  handler: ({ bookingId, externalData }, ctx) =>
    updateBooking(ctx, bookingId, errors.bookingNotFound, async (repos, _booking, now) => {
      const links = externalData.map((item) => toLink(item, errors.bookingUpdateFailed));
      const before = await repos.bookings.externalData(bookingId);
      await repos.bookings.replaceExternalData(bookingId, links);
      // A newly linked deal without clients takes the booking's; a booking without clients
      // takes the linked deals' contacts and company.
      await pushClientsToNewDeals(repos, bookingId, before, links, { userId: ctx.userId, now });
      await fillClientsFromLinkedDeals(repos, { kind: 'booking', id: bookingId }, links);
    }),
});

const list = defineMethod({
  name: 'booking.v1.booking.externalData.list',
  scope: 'booking',
  result: result.bookingPage('externalData', externalDataView),
  raises: [errors.bookingNotFound],
  params: { bookingId: param.int() },
  handler: ({ bookingId }, ctx) =>
    ctx.store.read(async ({ bookings }) => {
      if (!(await bookings.find(bookingId))) throw errors.bookingNotFound();
      const links = await bookings.externalData(bookingId);
      return new BookingPage(
        'externalData',
        links.map((link) => externalize(externalDataView, link)),
      );
    }),
});

const unset = defineMethod({
  name: 'booking.v1.booking.externalData.unset',
  scope: 'booking',
  result: result.success(),
  raises: [errors.bookingNotFound],
  params: { bookingId: param.int() },
  handler: ({ bookingId }, ctx) =>
    updateBooking(ctx, bookingId, errors.bookingNotFound, async ({ bookings }) => {
      await bookings.replaceExternalData(bookingId, []);
    }),
});

export const bookingExternalDataMethods = [set, list, unset];
