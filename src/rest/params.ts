/**
 * Parameter declarations, as the real server's argument binder and REST view apply them.
 *
 * Binding happens in two passes, in the order the parameters are declared: first every
 * parameter is bound to its type (a missing or mistyped one gives code 100), then the
 * structured ones go through their view (`fields`, `filter`, set items: codes 422 and 0).
 * So a missing `externalData` wins over a bad `waitListId` item, exactly as in Bitrix.
 */
import { errors } from './errors.js';
import { isNumeric, isPhpArray, type PhpArray, phpInt, phpString } from './php.js';
import { assertRequired, internalizeKeys, internalizeSetItems, type View } from './view.js';

export interface ParamSpec<T> {
  /** The PHP type the binder checks, as introspection shows it. */
  readonly type: 'int' | 'array' | 'string' | 'mixed';
  readonly required: boolean;
  /** First pass: type check and cast. `present` is false when the key is absent. */
  bind(name: string, raw: unknown, present: boolean): unknown;
  /** Second pass: the view's conversion of a bound value. */
  convert(bound: unknown): T;
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

function spec<T>(
  type: ParamSpec<T>['type'],
  check: (name: string, raw: unknown) => unknown,
  convert: (bound: unknown) => T,
  fallback?: () => unknown,
): ParamSpec<T> {
  return {
    type,
    required: fallback === undefined,
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

  /** `fields` of add/update: keys matched against the view; `{}` is taken as it is. */
  fields: (view: View): ParamSpec<Record<string, unknown>> =>
    spec('array', bindArray, (bound) => internalizeKeys(view, asRecord(bound as PhpArray))),

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
        return values;
      },
      () => [],
    ),

  /** The items of a `set` call (`externalData`, `clients`, `slots`). */
  items: (view: View): ParamSpec<Record<string, unknown>[]> =>
    spec('array', bindArray, (bound) => internalizeSetItems(view, bound)),
} as const;

/** Binds request params to a method's declared parameters: both passes, first error wins. */
export function bindParams<S extends ParamSpecs>(specs: S, params: Record<string, unknown>): BoundParams<S> {
  const names = Object.keys(specs);
  const bound: unknown[] = names.map((name) => {
    const present = Object.hasOwn(params, name);
    return (specs[name] as ParamSpec<unknown>).bind(name, present ? params[name] : undefined, present);
  });
  const out: Record<string, unknown> = {};
  names.forEach((name, i) => {
    out[name] = (specs[name] as ParamSpec<unknown>).convert(bound[i]);
  });
  return out as BoundParams<S>;
}
