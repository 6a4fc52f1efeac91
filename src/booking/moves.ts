/**
 * Moves between the wait list and the bookings, each in one transaction: the new entry gets
 * the source's note and external data, the source is soft-deleted, and both events (Add on one
 * side, Delete on the other) are recorded. The clients move (their rows change owner, so none
 * is lost or left twice); a booking made from an entry that links no deal gets one, as
 * booking.add does.
 */
import { errors } from '../rest/errors.js';
import { param } from '../rest/params.js';
import { defineMethod } from '../rest/registry.js';
import { result } from '../rest/result.js';
import { createDealForBooking } from './bookings/deals.js';
import { assertPlaceable, placementErrors, readPlacement } from './bookings/placement.js';
import { bookingPlacementView } from './bookings/views.js';
import { bookingEvents } from './events.js';

/** The command re-throws any failure with its own code, the message kept. */
const FROM_WAIT_LIST_CODE = 1038;

const createFromWaitList = defineMethod({
  name: 'booking.v1.booking.createfromwaitlist',
  scope: 'booking',
  result: result.id(),
  raises: [errors.bookingFromWaitListFailed, ...placementErrors(FROM_WAIT_LIST_CODE)],
  params: { waitListId: param.int(), fields: param.fields(bookingPlacementView, { required: 'add' }) },
  handler: ({ waitListId, fields }, ctx) => {
    const { resourceIds = [], period } = readPlacement(fields);
    if (!period) throw errors.invalidDatePeriod();
    return ctx.store.write(async (repos) => {
      const now = ctx.clock.now();
      // Touching the entry holds it until commit, so two moves of one entry take turns.
      const entry = (await repos.waitList.touch(waitListId, now)) && (await repos.waitList.find(waitListId));
      if (!entry) throw errors.bookingFromWaitListFailed();
      await assertPlaceable(repos, ctx.settings, resourceIds, period, { code: FROM_WAIT_LIST_CODE });
      const id = await repos.bookings.insert(
        { resourceIds, ...period, name: null, description: null, note: entry.note },
        ctx.userId,
        now,
      );
      await repos.bookings.replaceExternalData(id, await repos.waitList.externalData(waitListId));
      await repos.clients.move({ kind: 'waitlist', id: waitListId }, { kind: 'booking', id });
      if (ctx.settings.dealForBooking) await createDealForBooking(repos, id, { userId: ctx.userId, now });
      await repos.waitList.softDelete(waitListId, now);
      await repos.outbox.record(bookingEvents.bookingAdd, { ID: id }, now);
      await repos.outbox.record(bookingEvents.waitListItemDelete, { ID: waitListId }, now);
      return id;
    });
  },
});

const createFromBooking = defineMethod({
  name: 'booking.v1.waitlist.createfrombooking',
  scope: 'booking',
  result: result.id(),
  raises: [errors.waitListFromBookingFailed],
  params: { bookingId: param.int() },
  handler: ({ bookingId }, ctx) =>
    ctx.store.write(async (repos) => {
      const booking = await repos.bookings.find(bookingId, true);
      if (!booking) throw errors.waitListFromBookingFailed();
      const now = ctx.clock.now();
      const id = await repos.waitList.insert({ note: booking.note, createdBy: ctx.userId, createdAt: now });
      await repos.waitList.replaceExternalData(id, await repos.bookings.externalData(bookingId));
      await repos.clients.move({ kind: 'booking', id: bookingId }, { kind: 'waitlist', id });
      await repos.bookings.softDelete(bookingId, now);
      await repos.outbox.record(bookingEvents.waitListItemAdd, { ID: id }, now);
      await repos.outbox.record(bookingEvents.bookingDelete, { ID: bookingId }, now);
      return id;
    }),
});

export const moveMethods = [createFromWaitList, createFromBooking];
