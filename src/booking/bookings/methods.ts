/**
 * booking.v1.booking.*: who holds which resources when (real-server.md, section 8). A booking
 * is accepted only where every resource is live and free enough (see placement.ts); deletes
 * are soft; every write records its event in the outbox in the same transaction.
 */
import type { Clock } from '../../clock.js';
import { errors } from '../../rest/errors.js';
import { param, sortOrder } from '../../rest/params.js';
import { isPhpArray, phpArrayValues, phpIntCast, phpString } from '../../rest/php.js';
import { BookingPage, defineMethod } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import { externalize } from '../../rest/view.js';
import type { BookingQuery, BookingRecord } from '../../store/repositories/bookings.js';
import type { Store } from '../../store/store.js';
import { bookingEvents } from '../events.js';
import { createdWithinRange } from '../portal-date.js';
import { runUpdate, type UpdateChange, type UpdateTarget } from '../update-command.js';
import { createDealForBooking } from './deals.js';
import { assertPlaceable, placementErrors, readPlacement } from './placement.js';
import { bookingFilterView, bookingOrderView, bookingView } from './views.js';

export function showBooking(booking: BookingRecord) {
  const side = (time: BookingRecord['from']) => ({ timestamp: Math.floor(time.at / 1000), timezone: time.timezone });
  return externalize(bookingView, {
    id: booking.id,
    resourceIds: booking.resourceIds,
    datePeriod: { from: side(booking.from), to: side(booking.to) },
    name: booking.name,
    description: booking.description,
  });
}

const text = (value: unknown, fallback: string | null) =>
  value === undefined || value === null ? fallback : phpString(value);

const add = defineMethod({
  name: 'booking.v1.booking.add',
  scope: 'booking',
  result: result.id(),
  raises: placementErrors(),
  params: { fields: param.fields(bookingView, { required: 'add' }) },
  handler: ({ fields }, ctx) => {
    const { resourceIds = [], period } = readPlacement(fields);
    if (!period) throw errors.invalidDatePeriod();
    return ctx.store.write(async (repos) => {
      await assertPlaceable(repos, ctx.settings, resourceIds, period);
      const now = ctx.clock.now();
      const id = await repos.bookings.insert(
        {
          resourceIds,
          ...period,
          name: text(fields.name, null),
          description: text(fields.description, null),
          note: null,
        },
        ctx.userId,
        now,
      );
      if (ctx.settings.dealForBooking) await createDealForBooking(repos, id, { userId: ctx.userId, now });
      await repos.outbox.record(bookingEvents.bookingAdd, { ID: id }, now);
      return id;
    });
  },
});

const get = defineMethod({
  name: 'booking.v1.booking.get',
  scope: 'booking',
  result: result.entity('booking', bookingView),
  raises: [errors.bookingNotFound],
  params: { id: param.int() },
  handler: ({ id }, ctx) =>
    ctx.store.read(async ({ bookings }) => {
      const booking = await bookings.find(id);
      if (!booking) throw errors.bookingNotFound();
      return { booking: showBooking(booking) };
    }),
});

/** The list filters, as the module's BookingFilter applies them. */
function bookingQuery(filter: Record<string, unknown>): Omit<BookingQuery, 'order' | 'offset' | 'limit'> {
  const query: Omit<BookingQuery, 'order' | 'offset' | 'limit'> = createdWithinRange(filter.createdWithin);
  // Applied only when it is a list, as on the real server.
  if (isPhpArray(filter.resourceId)) query.resourceIds = phpArrayValues(filter.resourceId).map(phpIntCast);
  const within = filter.within as { dateFrom: number; dateTo: number } | undefined;
  if (within) query.within = { from: within.dateFrom * 1000, to: within.dateTo * 1000 };
  // Bookings with any of the named CRM contacts and companies; other entities are ignored, as
  // BookingFilter does, and a filter naming none of these does not filter.
  const client = filter.client as { entities: unknown } | undefined;
  if (client && isPhpArray(client.entities)) {
    const keys = phpArrayValues(client.entities).flatMap((entity) => {
      const e = entity as Record<string, unknown> | null;
      if (!isPhpArray(e) || e.module !== 'crm' || (e.code !== 'CONTACT' && e.code !== 'COMPANY')) return [];
      return [{ module: e.module, code: e.code, clientId: phpIntCast(e.id) }];
    });
    if (keys.length > 0) query.clients = keys;
  }
  return query;
}

const list = defineMethod({
  name: 'booking.v1.booking.list',
  scope: 'booking',
  result: result.bookingPage('booking', bookingView),
  raises: [errors.invalidDate],
  params: { filter: param.filter(bookingFilterView), order: param.order(bookingOrderView) },
  handler: ({ filter, order }, ctx) => {
    const query = {
      ...bookingQuery(filter),
      order: sortOrder(order),
      offset: ctx.page.offset,
      limit: ctx.page.limit,
    };
    return ctx.store.read(async ({ bookings }) => {
      const rows = await bookings.list(query);
      return new BookingPage('booking', rows.map(showBooking));
    });
  },
});

/** A booking as update commands see it: locked while live, and touched. */
const liveBooking: UpdateTarget<BookingRecord> = {
  async lock({ bookings }, id, now) {
    const booking = await bookings.find(id, true);
    if (booking) await bookings.touch(id, now);
    return booking;
  },
  event: bookingEvents.bookingUpdate,
};

/**
 * Every update-style call on a booking (update, client.*, externalData.*), as the module's
 * UpdateBookingCommand, with the method's not-found error.
 */
export function updateBooking(
  ctx: { store: Store; clock: Clock },
  id: number,
  notFound: () => Error,
  change: UpdateChange<BookingRecord>,
): Promise<boolean> {
  return runUpdate(ctx, liveBooking, id, notFound, change);
}

const update = defineMethod({
  name: 'booking.v1.booking.update',
  scope: 'booking',
  result: result.success(),
  raises: [errors.bookingNotFoundOnUpdate, ...placementErrors()],
  params: { id: param.int(), fields: param.fields(bookingView) },
  handler: ({ id, fields }, ctx) => {
    const placement = readPlacement(fields);
    return updateBooking(ctx, id, errors.bookingNotFoundOnUpdate, async (repos, booking, now) => {
      // Only the given fields change; the booking does not count against itself.
      const changed: BookingRecord = {
        ...booking,
        resourceIds: placement.resourceIds ?? booking.resourceIds,
        ...(placement.period ?? {}),
        name: text(fields.name, booking.name),
        description: text(fields.description, booking.description),
      };
      await assertPlaceable(repos, ctx.settings, changed.resourceIds, changed, { exceptBookingId: id });
      await repos.bookings.update(changed, now);
    });
  },
});

const remove = defineMethod({
  name: 'booking.v1.booking.delete',
  scope: 'booking',
  result: result.success(),
  raises: [errors.bookingNotFoundOnDelete],
  params: { id: param.int() },
  handler: ({ id }, ctx) =>
    ctx.store.write(async ({ bookings, outbox }) => {
      if (!(await bookings.find(id, true))) throw errors.bookingNotFoundOnDelete();
      const now = ctx.clock.now();
      await bookings.softDelete(id, now);
      await outbox.record(bookingEvents.bookingDelete, { ID: id }, now);
      return true;
    }),
});

export const bookingMethods = [add, get, list, update, remove];
