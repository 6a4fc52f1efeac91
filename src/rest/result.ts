/**
 * What a method answers in `result`, as its declaration states it. The registry holds a page's
 * handler to it (a booking page under the declared key, a CRM page where declared), and the
 * OpenAPI document describes the answer from it.
 */
import type { View } from './view.js';

export type ResultSpec =
  /** A new record's id. */
  | { readonly kind: 'id' }
  /** `true`: the change was made. */
  | { readonly kind: 'success' }
  /** One record under its key: `{"waitList": {...}}`. */
  | { readonly kind: 'entity'; readonly key: string; readonly view: View }
  /** A booking-module list: `{"<key>": [...]}`, with `"total": 0` and never `next`. */
  | { readonly kind: 'bookingPage'; readonly key: string; readonly view: View }
  /**
   * A CRM-style list, with the real `total` and `next` while more remain: the records themselves,
   * or under `key` (`crm.item.list`: `{"items": [...]}`).
   */
  | { readonly kind: 'crmPage'; readonly key?: string }
  /** Shaped by the method itself (platform methods, CRM records with their own fields). */
  | { readonly kind: 'value'; readonly type: 'object' | 'list' | 'string' | 'boolean' };

export const result = {
  id: (): ResultSpec => ({ kind: 'id' }),
  success: (): ResultSpec => ({ kind: 'success' }),
  entity: (key: string, view: View): ResultSpec => ({ kind: 'entity', key, view }),
  bookingPage: (key: string, view: View): ResultSpec => ({ kind: 'bookingPage', key, view }),
  crmPage: (key?: string): ResultSpec => (key ? { kind: 'crmPage', key } : { kind: 'crmPage' }),
  value: (type: 'object' | 'list' | 'string' | 'boolean'): ResultSpec => ({ kind: 'value', type }),
} as const;
