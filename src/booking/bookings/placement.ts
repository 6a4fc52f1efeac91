/**
 * Where and when a booking is: its resources and its period, read from REST fields as the
 * module's Booking factory reads them (422 errors), and checked against the other bookings
 * as its add and update commands do (1018 errors, or the caller's code for the moves).
 */
import { errors } from '../../rest/errors.js';
import { isPhpArray, phpArrayValues, phpIntCast, phpString } from '../../rest/php.js';
import type { PortalSettings } from '../../rest/registry.js';
import type { Occupation, ZonedTime } from '../../store/repositories/bookings.js';
import type { Repositories } from '../../store/store.js';
import { isTimeZone } from '../time-zone.js';

export interface Placement {
  resourceIds?: number[];
  period?: { from: ZonedTime; to: ZonedTime };
}

/** `resourceIds` and `datePeriod` of `fields`, each when given. */
export function readPlacement(fields: Record<string, unknown>): Placement {
  const placement: Placement = {};
  if (fields.resourceIds !== undefined && fields.resourceIds !== null) {
    if (!isPhpArray(fields.resourceIds)) throw errors.resourceIdsNotArray();
    const ids = phpArrayValues(fields.resourceIds).map(phpIntCast);
    if (ids.some((id) => id <= 0)) throw errors.resourceIdsNotIntegers();
    placement.resourceIds = ids;
  }
  if (fields.datePeriod !== undefined && fields.datePeriod !== null) {
    placement.period = readPeriod(fields.datePeriod);
  }
  return placement;
}

/** `{from: {timestamp, timezone}, to: {...}}`: known time zones, and `to` after `from`. */
function readPeriod(value: unknown): { from: ZonedTime; to: ZonedTime } {
  const period = value as Record<string, Record<string, unknown> | undefined>;
  const zoned = (side: Record<string, unknown> | undefined): ZonedTime => {
    const timezone = phpString(side?.timezone);
    if (!isTimeZone(timezone)) throw errors.invalidDatePeriod();
    return { at: phpIntCast(side?.timestamp) * 1000, timezone };
  };
  const from = zoned(period.from);
  const to = zoned(period.to);
  if (to.at <= from.at) throw errors.invalidDatePeriod();
  return { from, to };
}

/**
 * How many of `occupations` overlap at the busiest moment of [from, to). Periods are
 * half-open: one that ends when another starts does not overlap it.
 */
export function peakOverlap(occupations: readonly Occupation[], from: number, to: number): number {
  const edges: [number, number][] = [];
  for (const o of occupations) {
    const start = Math.max(o.from, from);
    const end = Math.min(o.to, to);
    if (start < end) edges.push([start, 1], [end, -1]);
  }
  // At the same instant an end comes before a start, so touching periods never count twice.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, step] of edges) {
    current += step;
    peak = Math.max(peak, current);
  }
  return peak;
}

/**
 * Inside a write: every resource must be live and free enough for the whole period. With
 * overbooking (Bitrix24 cloud's default) a resource may already hold one other booking at any
 * moment of the period, never two; without it, none. The resources are locked first (on
 * PostgreSQL, in id order), so concurrent writers for the same resource take turns.
 */
export async function assertPlaceable(
  repos: Repositories,
  settings: PortalSettings,
  resourceIds: readonly number[],
  period: { from: ZonedTime; to: ZonedTime },
  options: { code?: number; exceptBookingId?: number } = {},
): Promise<void> {
  const ids = [...new Set(resourceIds)];
  if (ids.length === 0) throw errors.emptyResourceCollection(options.code);
  const live = await repos.resources.lockLive(ids);
  const missing = ids.filter((id) => !live.has(id));
  if (missing.length > 0) throw errors.resourcesNotFound(missing, options.code);
  const allowed = settings.overbooking ? 1 : 0;
  const busy: number[] = [];
  for (const id of ids) {
    const occupations = await repos.bookings.occupations(id, period.from.at, period.to.at, options.exceptBookingId);
    if (peakOverlap(occupations, period.from.at, period.to.at) > allowed) busy.push(id);
  }
  if (busy.length > 0) throw errors.resourcesUnavailable(busy, options.code);
}

/** What readPlacement and assertPlaceable may answer, for declarations (`code`: as assertPlaceable's). */
export function placementErrors(code?: number) {
  const example = [7];
  return [
    errors.resourceIdsNotArray,
    errors.resourceIdsNotIntegers,
    errors.invalidDatePeriod,
    () => errors.emptyResourceCollection(code),
    () => errors.resourcesNotFound(example, code),
    () => errors.resourcesUnavailable(example, code),
  ];
}
