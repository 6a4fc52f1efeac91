/**
 * booking.v1.resource.slots.*: a resource's working hours, as ranges of minutes in the day on
 * some weekdays in a time zone. They are stored and listed; like the real server, bookings are
 * not refused outside them. `set` replaces the whole collection.
 */
import { errors } from '../../rest/errors.js';
import { param } from '../../rest/params.js';
import { isPhpArray, phpArrayValues, phpIntCast, phpString } from '../../rest/php.js';
import { BookingPage, defineMethod } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import { externalize } from '../../rest/view.js';
import type { Slot } from '../../store/repositories/resources.js';
import { updateResource } from './resources.js';
import { slotView } from './views.js';

const MINUTES_IN_DAY = 1440;
const WEEK_DAYS = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);

/**
 * The Range factory: values cast as PHP does ("abc" becomes 0, a single "Mon" a list of one),
 * then the entity's rules; any break gives 422 `Invalid range fields`. The time zone is not
 * checked, as on the real server.
 */
function toSlot(item: Record<string, unknown>): Slot {
  const weekDays = isPhpArray(item.weekDays) ? phpArrayValues(item.weekDays) : [item.weekDays];
  const slot = {
    from: phpIntCast(item.from),
    to: phpIntCast(item.to),
    timezone: phpString(item.timezone),
    weekDays: weekDays as string[],
    slotSize: phpIntCast(item.slotSize),
  };
  const inDay = (minute: number) => minute >= 0 && minute <= MINUTES_IN_DAY;
  const valid =
    inDay(slot.from) &&
    inDay(slot.to) &&
    slot.from < slot.to &&
    slot.slotSize >= 0 &&
    weekDays.length > 0 &&
    weekDays.every((day) => typeof day === 'string' && WEEK_DAYS.has(day));
  if (!valid) throw errors.invalidRangeFields();
  return slot;
}

const set = defineMethod({
  name: 'booking.v1.resource.slots.set',
  scope: 'booking',
  result: result.success(),
  raises: [errors.resourceNotFound, errors.invalidRangeFields],
  params: { resourceId: param.int(), slots: param.items(slotView) },
  handler: ({ resourceId, slots }, ctx) =>
    updateResource(ctx, resourceId, errors.resourceNotFound, async ({ resources }) => {
      await resources.replaceSlots(resourceId, slots.map(toSlot));
    }),
});

const list = defineMethod({
  name: 'booking.v1.resource.slots.list',
  scope: 'booking',
  result: result.bookingPage('slots', slotView),
  raises: [errors.resourceNotFound],
  params: { resourceId: param.int() },
  handler: ({ resourceId }, ctx) =>
    ctx.store.read(async ({ resources }) => {
      if (!(await resources.find(resourceId))) throw errors.resourceNotFound();
      const slots = await resources.slots(resourceId);
      return new BookingPage(
        'slots',
        slots.map((slot) => externalize(slotView, slot)),
      );
    }),
});

const unset = defineMethod({
  name: 'booking.v1.resource.slots.unset',
  scope: 'booking',
  result: result.success(),
  raises: [errors.resourceNotFound],
  params: { resourceId: param.int() },
  handler: ({ resourceId }, ctx) =>
    updateResource(ctx, resourceId, errors.resourceNotFound, async ({ resources }) => {
      await resources.replaceSlots(resourceId, []);
    }),
});

export const slotMethods = [set, list, unset];
