/**
 * booking.v1.booking.client.*: the clients of a booking. Not found is 1021 for all three (set
 * and unset too, unlike booking.update's 1019); each set and unset records onBookingUpdate.
 */
import { errors } from '../../rest/errors.js';
import { clientMethods } from '../clients/methods.js';
import { updateBooking } from './methods.js';

export const bookingClientMethods = clientMethods({
  prefix: 'booking.v1.booking',
  kind: 'booking',
  idParam: 'bookingId',
  listKey: 'bookingClient',
  notFound: errors.bookingNotFound,
  exists: async ({ bookings }, id) => (await bookings.find(id)) !== undefined,
  externalData: ({ bookings }, id) => bookings.externalData(id),
  update: (ctx, id, change) => updateBooking(ctx, id, errors.bookingNotFound, (repos) => change(repos)),
});
