/**
 * What a method answers in `result`, as its declaration states it. The registry holds a page's
 * handler to it (a booking page under the declared key, a CRM page where declared), and the
 * OpenAPI document describes the answer from it.
 */
import type { RestError } from './errors.js';
import type { View } from './view.js';

export type ResultSpec =
  /** A new record's id. */
  | { readonly kind: 'id' }
  /** `true`: the change was made. */
  | { readonly kind: 'success' }
  /**
   * `batch`: each command's result, error, total, next and time under the command's key. A
   * command's error is any its method answers, or one of `commandErrors` (batch's own).
   */
  | { readonly kind: 'batch'; readonly commandErrors: readonly (() => RestError)[] }
  /**
   * One record as it is, not under a key (`crm.deal.get`): the view's fields, the optional ones
   * only when they hold something.
   */
  | { readonly kind: 'record'; readonly view: View }
  /** Records as they are, in a list, not a page (`crm.status.entity.items`). */
  | { readonly kind: 'records'; readonly view: View }
  /**
   * One record under its key: `{"waitList": {...}}`; with several views, a record of one of
   * several kinds (`crm.item.get`: `{"item": {...}}`, a deal, a contact, ...).
   */
  | { readonly kind: 'entity'; readonly key: string; readonly view: View | readonly View[] }
  /** A booking-module list: `{"<key>": [...]}`, with `"total": 0` and never `next`. */
  | { readonly kind: 'bookingPage'; readonly key: string; readonly view: View }
  /**
   * A CRM-style list, with the real `total` and `next` while more remain: the records themselves,
   * or under `key` (`crm.item.list`: `{"items": [...]}`); each as `view` has it, where given,
   * or as one of several views. `selectable`: the list takes `select`, which picks the fields,
   * so none is there for certain.
   */
  | {
      readonly kind: 'crmPage';
      readonly key?: string;
      readonly view?: View | readonly View[];
      readonly selectable?: boolean;
    }
  /**
   * What a `*.fields` method answers: a description of each field (or only its title, as
   * `user.fields`), by name; under `key` where given. `names`: one list per kind of record the
   * method may describe (`crm.item.fields`: a deal's, a contact's, ...).
   */
  | {
      readonly kind: 'fieldDescriptions';
      readonly names: readonly (readonly string[])[];
      readonly key?: string;
      readonly titlesOnly?: boolean;
    }
  /** Shaped by the method itself (platform methods, CRM records with their own fields). */
  | { readonly kind: 'value'; readonly type: 'object' | 'list' | 'string' | 'boolean' | 'null' };

export const result = {
  id: (): ResultSpec => ({ kind: 'id' }),
  success: (): ResultSpec => ({ kind: 'success' }),
  batch: (commandErrors: readonly (() => RestError)[]): ResultSpec => ({ kind: 'batch', commandErrors }),
  record: (view: View): ResultSpec => ({ kind: 'record', view }),
  records: (view: View): ResultSpec => ({ kind: 'records', view }),
  entity: (key: string, view: View | readonly View[]): ResultSpec => ({ kind: 'entity', key, view }),
  bookingPage: (key: string, view: View): ResultSpec => ({ kind: 'bookingPage', key, view }),
  crmPage: (key?: string, view?: View | readonly View[], options: { selectable?: boolean } = {}): ResultSpec => ({
    kind: 'crmPage',
    ...(key !== undefined && { key }),
    ...(view !== undefined && { view }),
    ...options,
  }),
  fieldDescriptions: (
    names: readonly (readonly string[])[],
    options: { key?: string; titlesOnly?: boolean } = {},
  ): ResultSpec => ({ kind: 'fieldDescriptions', names, ...options }),
  value: (type: 'object' | 'list' | 'string' | 'boolean' | 'null'): ResultSpec => ({ kind: 'value', type }),
} as const;
