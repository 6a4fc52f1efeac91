/**
 * Dates in the portal's short format (`dd.mm.yyyy`), as `createdWithin` takes them. Like
 * Bitrix's `Type\Date`, a trailing time is tolerated; an impossible date is not.
 * The result is local midnight of that day in the server's time zone, in ms.
 */
import { errors } from '../rest/errors.js';
import { phpString } from '../rest/php.js';

const PORTAL_DATE = /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$/;

export function parsePortalDate(text: string): number | undefined {
  const match = PORTAL_DATE.exec(text);
  if (!match) return undefined;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) return undefined;
  return date.getTime();
}

/**
 * `filter.createdWithin` of the booking lists: `from` inclusive at 00:00, `to` exclusive at
 * 00:00; an unparsable date gives 422 `Invalid date`.
 */
export function createdWithinRange(within: unknown): { createdFrom?: number; createdBefore?: number } {
  if (within === undefined) return {};
  const { from, to } = within as { from: unknown; to: unknown };
  const createdFrom = parsePortalDate(phpString(from));
  const createdBefore = parsePortalDate(phpString(to));
  if (createdFrom === undefined || createdBefore === undefined) throw errors.invalidDate();
  return { createdFrom, createdBefore };
}
