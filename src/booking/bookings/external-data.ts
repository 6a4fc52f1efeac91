/**
 * booking.v1.booking.externalData.*: links from a booking to other modules' records, stored
 * as the wait list's are (see ../external-links.ts); set and unset run through the booking's
 * update, so they fire onBookingUpdate and fail with its code 1019.
 */
import { errors } from '../../rest/errors.js';
import { param } from '../../rest/params.js';
import { BookingPage, defineMethod } from '../../rest/registry.js';
import { externalize } from '../../rest/view.js';
import { toLink } from '../external-links.js';
import { externalDataView } from '../waitlist/views.js';
import { updateBooking } from './methods.js';

const set = defineMethod({
  name: 'booking.v1.booking.externalData.set',
  scope: 'booking',
  params: { bookingId: param.int(), externalData: param.items(externalDataView) },
  handler: ({ bookingId, externalData }, ctx) =>
    updateBooking(ctx, bookingId, errors.bookingNotFound, async ({ bookings }) => {
      await bookings.replaceExternalData(
        bookingId,
        externalData.map((item) => toLink(item, errors.bookingUpdateFailed)),
      );
    }),
});

const list = defineMethod({
  name: 'booking.v1.booking.externalData.list',
  scope: 'booking',
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
  params: { bookingId: param.int() },
  handler: ({ bookingId }, ctx) =>
    updateBooking(ctx, bookingId, errors.bookingNotFound, async ({ bookings }) => {
      await bookings.replaceExternalData(bookingId, []);
    }),
});

export const bookingExternalDataMethods = [set, list, unset];
