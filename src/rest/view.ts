/**
 * A View is the REST face of one entity, as Bitrix's `Rest\V1\View` classes are: which fields
 * exist on the wire, which are required when, and how values leave the server.
 *
 * Input: nested keys are matched the way the real server matches them (camelCase, PascalCase
 * or snake_case all work; UPPER_SNAKE and unknown keys are dropped silently).
 * Output: only the view's fields, empty values as `null`, keys in PHP natural order.
 */
import { errors } from './errors.js';
import { isPhpArray, naturalCompare, phpArrayValues, phpEmpty, phpIntCast, toUpperSnake } from './php.js';

/**
 * `boolean` travels as "Y"/"N"; `list` is a JSON list taken as it is (e.g. `resourceIds`);
 * `number` a JSON number with a fraction (an amount); `flag` a JSON `true`/`false` (a user's
 * ACTIVE). The last two are taken as they come.
 */
export type FieldType = 'int' | 'number' | 'string' | 'object' | 'boolean' | 'flag' | 'list';

export interface FieldSpec {
  type: FieldType;
  /** Output only: dropped from `fields` of add and update (Bitrix READONLY). */
  readonly?: boolean;
  /** Required in `fields` of add (Bitrix REQUIRED_ADD), checked level by level. */
  requiredOnAdd?: boolean;
  /** Required when items of a `set` call are checked (Bitrix REQUIRED_SET). */
  requiredOnSet?: boolean;
  /** Required inside a filter object (Bitrix checkFieldsList). */
  requiredInFilter?: boolean;
  /** The view of an `object` field's own keys. */
  view?: View;
  /** Output only: in some answers, not all (a stage's EXTRA, a multi-field without values). */
  optional?: boolean;
  /** Output only: the one value the field has in this view (a deal's `entityTypeId` is 2). */
  constant?: number | string;
  /** What the field holds, as the `*.fields` methods title it (for the API description). */
  title?: string;
}

export interface View {
  /** What the API description calls it, where several methods answer it (`crm.deal`): one schema for all. */
  readonly name?: string;
  readonly fields: Record<string, FieldSpec>;
  /** Input keys as the server matches them (UPPER_SNAKE) -> the wire name. */
  readonly bySnake: ReadonlyMap<string, string>;
  /** Wire names in PHP natural order, the order of keys in every answer. */
  readonly outputOrder: readonly string[];
}

export function defineView(fields: Record<string, FieldSpec>, name?: string): View {
  const names = Object.keys(fields);
  return {
    ...(name !== undefined && { name }),
    fields,
    bySnake: new Map(names.map((name) => [toUpperSnake(name), name])),
    outputOrder: [...names].sort(naturalCompare),
  };
}

/** Keeps the view's fields of an input object, under their wire names. */
export function internalizeKeys(view: View, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    const name = view.bySnake.get(toUpperSnake(key));
    if (name !== undefined) out[name] = input[key];
  }
  return out;
}

/** PHP `isset`: absent and `null` both count as missing. */
function missing(
  view: View,
  values: Record<string, unknown>,
  flag: 'requiredOnSet' | 'requiredInFilter' | 'requiredOnAdd',
): string[] {
  return Object.keys(view.fields).filter(
    (name) => view.fields[name]?.[flag] && (values[name] === undefined || values[name] === null),
  );
}

export function assertRequired(
  view: View,
  values: Record<string, unknown>,
  flag: 'requiredOnSet' | 'requiredInFilter' | 'requiredOnAdd',
): void {
  const absent = missing(view, values, flag);
  if (absent.length > 0) throw errors.requiredFields(absent);
}

/**
 * `fields` of add: the required keys of each level (missing ones of one level reported
 * together), then the nested objects, depth first; an object field that is not an array
 * reports its own name. Only the first bad level is reported, as Bitrix's recursive check.
 */
export function assertRequiredOnAdd(view: View, values: Record<string, unknown>): void {
  assertRequired(view, values, 'requiredOnAdd');
  for (const [name, field] of Object.entries(view.fields)) {
    const nested = values[name];
    if (field.type !== 'object' || field.view === undefined || nested === undefined || nested === null) continue;
    if (!isPhpArray(nested)) throw errors.requiredFields([name]);
    assertRequiredOnAdd(field.view, nested as Record<string, unknown>);
  }
}

/**
 * Values by their view type, as Bitrix's internalizer casts them: `int` with PHP's `(int)`,
 * `boolean` only from "Y"/"N" (anything else drops the key silently), objects key by key
 * through their own view; strings and lists are left as they came.
 */
export function internalizeValues(view: View, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    const field = view.fields[name];
    if (field === undefined) continue;
    if (field.type === 'int') {
      out[name] = value === null ? null : phpIntCast(value);
    } else if (field.type === 'boolean') {
      if (value === 'Y' || value === 'N') out[name] = value === 'Y';
    } else if (field.type === 'object' && field.view !== undefined && isPhpArray(value)) {
      out[name] = internalizeValues(
        field.view,
        internalizeKeys(field.view, Array.isArray(value) ? { ...value } : value),
      );
    } else {
      out[name] = value;
    }
  }
  return out;
}

/**
 * The items of a `set` call: each must be an array (422 otherwise), each must carry the
 * view's required fields (code 0 otherwise). Only the first bad item is reported.
 */
export function internalizeSetItems(view: View, items: unknown): Record<string, unknown>[] {
  const list = isPhpArray(items) ? phpArrayValues(items) : [];
  const out: Record<string, unknown>[] = [];
  for (const item of list) {
    if (!isPhpArray(item)) throw errors.itemMustBeArray();
    out.push(internalizeSetItem(view, item));
  }
  return out;
}

/**
 * One item of a `set` call: its own required fields first, then each object field's (a client's
 * `type` must be an object with `module` and `code`; one that is not reports `type` itself).
 */
function internalizeSetItem(view: View, item: PhpArrayLike): Record<string, unknown> {
  const values = internalizeKeys(view, Array.isArray(item) ? { ...item } : item);
  assertRequired(view, values, 'requiredOnSet');
  for (const [name, field] of Object.entries(view.fields)) {
    if (field.type !== 'object' || field.view === undefined || values[name] === undefined) continue;
    const nested = values[name];
    if (!isPhpArray(nested)) throw errors.requiredFields([name]);
    values[name] = internalizeSetItem(field.view, nested);
  }
  return values;
}

type PhpArrayLike = Record<string, unknown> | unknown[];

/** One entity as it leaves the server: whitelisted, empties as null, keys naturally sorted. */
export function externalize(view: View, entity: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of view.outputOrder) {
    const value = (entity as Record<string, unknown>)[name];
    const field = view.fields[name] as FieldSpec;
    if (field.type === 'boolean') {
      // Booleans leave as "Y"/"N"; anything else drops the key, as Bitrix's externalizer does.
      if (typeof value === 'boolean') out[name] = value ? 'Y' : 'N';
    } else if (field.type === 'object' && field.view !== undefined && !phpEmpty(value)) {
      out[name] = externalize(field.view, value as object);
    } else {
      out[name] = phpEmpty(value) ? null : value;
    }
  }
  return out;
}
