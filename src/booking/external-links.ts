/**
 * The items of an `externalData.set` call (wait-list entries and bookings alike). As on the
 * real server, links are not validated beyond their shape: any module, type and value strings
 * are stored. The columns' ORM limits (StringField, required, LengthValidator(1, 255)) fail
 * inside the owner's update command, which re-throws with its own code and the ORM's message.
 */

import { INT_MAX } from '../crm/engine/fields.js';
import type { RestError } from '../rest/errors.js';
import { phpIntCast, phpString } from '../rest/php.js';
import type { ExternalLink } from '../store/repositories/external-links.js';

const MAX_LENGTH = 255;

/** The ORM's refusal of a column value out of its length range (the owner's command re-throws it). */
export const linkLengthMessage = (column: string) =>
  `The length of the field "${column}" must be between 1 and ${MAX_LENGTH} characters`;

export function toLink(item: Record<string, unknown>, fail: (message: string) => RestError): ExternalLink {
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
      throw fail(linkLengthMessage(column));
    }
  }
  return link;
}

/** A link to a CRM deal, as ExternalDataItemExtractor tells one (exact case). */
export const isDealLink = (link: ExternalLink) => link.moduleId === 'crm' && link.entityTypeId === 'DEAL';

/** The deals the links name, each once: `(int)value`, ids a deal can have. */
export function linkedDealIds(links: readonly ExternalLink[]): number[] {
  return [...new Set(links.filter(isDealLink).map((l) => phpIntCast(l.value)))].filter((id) => id > 0 && id <= INT_MAX);
}
