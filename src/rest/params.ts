/**
 * Parameter declarations, as the real server's argument binder and REST view apply them.
 *
 * Binding happens in two passes, in the order the parameters are declared: first every
 * parameter is bound to its type (a missing or mistyped one gives code 100), then the
 * structured ones go through their view (`fields`, `filter`, set items: codes 422 and 0).
 * So a missing `externalData` wins over a bad `waitListId` item, exactly as in Bitrix.
 */
import { errors, type RestError } from './errors.js';
import { isNumeric, isPhpArray, type PhpArray, phpArrayValues, phpInt, phpIntCast, phpString } from './php.js';
import {
  assertRequired,
  assertRequiredOnAdd,
  internalizeKeys,
  internalizeSetItems,
  internalizeValues,
  type View,
} from './view.js';

/** How a parameter carries a view's fields: which of them are required depends on the use. */
export interface ParamView {
  readonly view: View;
  /** `add`/`update`: `fields`; `filter`; `order` (a direction per field); `items` of a `set` call. */
  readonly use: 'add' | 'update' | 'filter' | 'order' | 'items';
}

export interface ParamSpec<T> {
  /** The PHP type the binder checks, as introspection shows it. */
  readonly type: 'int' | 'array' | 'string' | 'mixed';
  readonly required: boolean;
  /** First pass: type check and cast. `present` is false when the key is absent. */
  bind(name: string, raw: unknown, present: boolean): unknown;
  /** Second pass: the view's conversion of a bound value. */
  convert(bound: unknown): T;
  /**
   * Where the value is in the request, when not under its exact name (CRM methods also read
   * `FIELDS`, `Fields`, `arFields`, and `ID` before `id`). PHP `isset`: null counts as absent.
   */
  find?(params: Record<string, unknown>, name: string): { present: boolean; raw: unknown };
  /** The view whose fields the value carries, for the API description. */
  readonly view?: ParamView;
  /** The errors binding this parameter may answer, with example values (for the API description). */
  raises(name: string): RestError[];
}

export type ParamValue<S> = S extends ParamSpec<infer T> ? T : never;
export type ParamSpecs = Record<string, ParamSpec<unknown>>;
export type BoundParams<S extends ParamSpecs> = { [K in keyof S]: ParamValue<S[K]> };

const identity = <T>(value: unknown) => value as T;

function bindInt(name: string, raw: unknown): number {
  if (!isNumeric(raw)) throw errors.invalidParameter(name, phpString(raw), 'int');
  return phpInt(raw as number | string);
}

function bindArray(name: string, raw: unknown): PhpArray {
  if (!isPhpArray(raw)) throw errors.invalidParameter(name, phpString(raw), 'array');
  return raw;
}

/** An example of a value the binder refuses, as its error text shows it. */
const REFUSED_EXAMPLE = 'abc';

/** What the first pass can answer: a missing required value, a value of the wrong type. */
function binderErrors(type: ParamSpec<unknown>['type'], required: boolean, name: string): RestError[] {
  const out = required ? [errors.missingParameter(name)] : [];
  if (type === 'int' || type === 'array') out.push(errors.invalidParameter(name, REFUSED_EXAMPLE, type));
  return out;
}

function spec<T>(
  type: ParamSpec<T>['type'],
  check: (name: string, raw: unknown) => unknown,
  convert: (bound: unknown) => T,
  fallback?: () => unknown,
  described: { view?: ParamView; raises?: () => RestError[] } = {},
): ParamSpec<T> {
  const required = fallback === undefined;
  return {
    type,
    required,
    ...(described.view && { view: described.view }),
    raises: (name) => [...binderErrors(type, required, name), ...(described.raises?.() ?? [])],
    bind(name, raw, present) {
      if (!present) {
        if (fallback === undefined) throw errors.missingParameter(name);
        return fallback();
      }
      return check(name, raw);
    },
    convert,
  };
}

/** An object-shaped parameter as a plain record (a JSON list `[]` counts as an empty object). */
function asRecord(value: PhpArray): Record<string, unknown> {
  return Array.isArray(value) ? { ...value } : value;
}

/** The first of `keys` that is set (PHP `isset`), as the CRM REST helpers look parameters up. */
function firstSet(keys: (name: string) => string[]) {
  return (params: Record<string, unknown>, name: string) => {
    for (const key of keys(name)) {
      const raw = params[key];
      if (raw !== undefined && raw !== null) return { present: true, raw };
    }
    return { present: false, raw: undefined };
  };
}

/** `CCrmRestHelper::resolveArrayParam`: name, NAME, name, Name, arName. */
const crmArrayKeys = (name: string) => {
  const capitalized = name.charAt(0).toUpperCase() + name.slice(1).toLowerCase();
  return [name, name.toUpperCase(), name.toLowerCase(), capitalized, `ar${capitalized}`];
};

/** A CRM parameter: never a binder error; what it must be is checked by its `bind`. */
function crmSpec<T>(
  keys: (name: string) => string[],
  bind: (name: string, raw: unknown, present: boolean) => T,
  described: { type?: ParamSpec<T>['type']; raises?: (name: string) => RestError[]; view?: ParamView } = {},
): ParamSpec<T> {
  const { type = 'array', raises = () => [], view } = described;
  return { type, required: false, bind, convert: identity<T>, find: firstSet(keys), raises, ...(view && { view }) };
}

/** The names a view requires for one use, as its "Required fields" error lists them. */
function requiredNames(view: View, flag: 'requiredOnAdd' | 'requiredOnSet'): string[] {
  return Object.keys(view.fields).filter((name) => view.fields[name]?.[flag]);
}

/** A filter's object fields must carry their own required keys: the first such field's error. */
function filterErrors(view: View): RestError[] {
  for (const field of Object.values(view.fields)) {
    if (field.type !== 'object' || field.view === undefined) continue;
    const inner = field.view;
    return requiredFieldsError(Object.keys(inner.fields).filter((name) => inner.fields[name]?.requiredInFilter));
  }
  return [];
}

/** "Required fields: ..." when the view requires any field for this use. */
function requiredFieldsError(names: string[]): RestError[] {
  return names.length > 0 ? [errors.requiredFields(names)] : [];
}

export const param = {
  int: (): ParamSpec<number> => spec('int', bindInt, identity<number>),

  /**
   * Optional and untyped, as the platform's own methods (batch, methods, scope) read their
   * params: whatever arrived, or undefined when absent. The method applies PHP's rules itself.
   */
  loose: (): ParamSpec<unknown> =>
    spec(
      'mixed',
      (_name, raw) => raw,
      (bound) => bound,
      () => undefined,
    ),

  /**
   * `fields` of add/update: keys matched against the view, read-only ones dropped, values cast
   * by type; `{}` is taken as it is. `required: 'add'` checks the view's REQUIRED_ADD fields.
   */
  fields: (view: View, options: { required?: 'add' } = {}): ParamSpec<Record<string, unknown>> =>
    spec(
      'array',
      bindArray,
      (bound) => {
        const keys = internalizeKeys(view, asRecord(bound as PhpArray));
        for (const name of Object.keys(keys)) if (view.fields[name]?.readonly) delete keys[name];
        if (options.required === 'add') assertRequiredOnAdd(view, keys);
        return internalizeValues(view, keys);
      },
      undefined,
      {
        view: { view, use: options.required ?? 'update' },
        raises: () => (options.required === 'add' ? requiredFieldsError(requiredNames(view, 'requiredOnAdd')) : []),
      },
    ),

  /** `filter` of a list: optional; nested objects must carry their required keys. */
  filter: (view: View): ParamSpec<Record<string, unknown>> =>
    spec(
      'array',
      bindArray,
      (bound) => {
        const values = internalizeKeys(view, asRecord(bound as PhpArray));
        for (const [name, field] of Object.entries(view.fields)) {
          if (field.type !== 'object' || values[name] === undefined) continue;
          const nested = values[name];
          if (!isPhpArray(nested) || field.view === undefined) throw errors.requiredFields([name]);
          const inner = internalizeKeys(field.view, asRecord(nested));
          assertRequired(field.view, inner, 'requiredInFilter');
          values[name] = inner;
        }
        return internalizeValues(view, values);
      },
      () => [],
      { view: { view, use: 'filter' }, raises: () => filterErrors(view) },
    ),

  /**
   * `order` of a list: keys matched against the view's sortable fields, values upper-cased.
   * Bitrix checks the directions only when the query runs, so they are checked by `sortOrder`.
   */
  order: (view: View): ParamSpec<[string, unknown][]> =>
    spec(
      'array',
      bindArray,
      (bound) =>
        Object.entries(internalizeKeys(view, asRecord(bound as PhpArray))).map(
          ([name, direction]): [string, unknown] => [
            name,
            typeof direction === 'string' ? direction.toUpperCase() : direction,
          ],
        ),
      () => [],
      { view: { view, use: 'order' }, raises: () => [errors.orderMustBeString(), errors.invalidOrder('UP')] },
    ),

  /** The items of a `set` call (`externalData`, `clients`, `slots`). */
  items: (view: View): ParamSpec<Record<string, unknown>[]> =>
    spec('array', bindArray, (bound) => internalizeSetItems(view, bound), undefined, {
      view: { view, use: 'items' },
      raises: () => [errors.itemMustBeArray(), ...requiredFieldsError(requiredNames(view, 'requiredOnSet'))],
    }),

  /**
   * A required `array $x` of a controller action, taken as it came (`crm.item.add`'s `fields`);
   * `described`: the fields it may carry, for the API description only.
   */
  array: (described?: ParamView): ParamSpec<Record<string, unknown>> =>
    spec('array', bindArray, (bound) => asRecord(bound as PhpArray), undefined, described && { view: described }),

  /** An optional `array $x = null`: absent is `{}`; anything but an array is the binder's error. */
  optionalArray: (): ParamSpec<Record<string, unknown>> =>
    spec(
      'array',
      bindArray,
      (bound) => asRecord(bound as PhpArray),
      () => ({}),
    ),

  /** An optional list of names (`select`): absent is `[]`; anything but an array is the binder's error. */
  optionalList: (): ParamSpec<string[]> =>
    spec(
      'array',
      bindArray,
      (bound) => phpArrayValues(bound as PhpArray).map(phpString),
      () => [],
    ),

  /**
   * CRM `fields`, `params`, `order`, `filter`: absent is `{}`, anything but an array is refused.
   * `described`: the fields it may carry, for the API description only (the entity checks them).
   */
  crmArray: (described?: ParamView): ParamSpec<Record<string, unknown>> =>
    crmSpec(
      crmArrayKeys,
      (name, raw, present) => {
        if (!present) return {};
        if (!isPhpArray(raw)) throw errors.crmParameterNotArray(name);
        return asRecord(raw);
      },
      { raises: (name) => [errors.crmParameterNotArray(name)], ...(described && { view: described }) },
    ),

  /** CRM `select`: a list of field names; anything else selects the defaults. */
  crmList: (): ParamSpec<string[]> =>
    crmSpec(crmArrayKeys, (_name, raw) => (isPhpArray(raw) ? Object.values(raw).map(phpString) : [])),

  /** CRM `ID` (or `id`), cast as `(int)`; 0 when absent. Handlers check it, after the other params. */
  crmId: (): ParamSpec<number> =>
    crmSpec(
      () => ['ID', 'id'],
      (_name, raw, present) => (present ? phpIntCast(raw) : 0),
      // Cast, never refused by type: what it is checked against is the handler's (ID > 0).
      { type: 'int' },
    ),
} as const;

export type SortOrder = { field: string; direction: 'asc' | 'desc' }[];

/** The directions of an `order`, as the ORM's setOrder checks them (code 100). */
export function sortOrder(order: readonly [string, unknown][]): SortOrder {
  return order.map(([field, direction]) => {
    if (typeof direction !== 'string') throw errors.orderMustBeString();
    if (direction !== 'ASC' && direction !== 'DESC') throw errors.invalidOrder(direction);
    return { field, direction: direction === 'ASC' ? 'asc' : 'desc' };
  });
}

/** Binds request params to a method's declared parameters: both passes, first error wins. */
export function bindParams<S extends ParamSpecs>(specs: S, params: Record<string, unknown>): BoundParams<S> {
  const names = Object.keys(specs);
  const bound: unknown[] = names.map((name) => {
    const spec = specs[name] as ParamSpec<unknown>;
    if (spec.find) {
      const { present, raw } = spec.find(params, name);
      return spec.bind(name, raw, present);
    }
    const present = Object.hasOwn(params, name);
    return spec.bind(name, present ? params[name] : undefined, present);
  });
  const out: Record<string, unknown> = {};
  names.forEach((name, i) => {
    out[name] = (specs[name] as ParamSpec<unknown>).convert(bound[i]);
  });
  return out as BoundParams<S>;
}
