/**
 * `filter`, `order` and `select` of a CRM list, read once for every entity from its field
 * declaration. Filter keys carry an operator prefix (`>=OPPORTUNITY`, `%TITLE`, `@ID`); a
 * numeric key holding an object is a nested filter, joined by its `LOGIC` (`AND` or `OR`).
 *
 * The classic lists name fields in UPPER_SNAKE and drop the keys of unknown fields, as
 * CCrmRestProxyBase::internalizeFilterFields does; `crm.item.list` names them in camelCase and
 * refuses unknown ones (its naming, src/crm/engine/item.ts).
 */
import type { RestError } from '../../rest/errors.js';
import { isPhpArray, phpArrayValues, phpString } from '../../rest/php.js';
import type { CrmCondition, CrmOperator } from '../../store/repositories/crm.js';
import { type CrmField, type CrmFields, columnOf, isComparable, isTextField, toFilterValue } from './fields.js';

export type FilterOperator = CrmOperator | 'contains' | 'notContains' | 'pattern' | 'notPattern';

/** Longest prefixes first, so `>=` is not read as `>` and `!@` not as `!`. */
const OPERATORS: readonly [string, FilterOperator][] = [
  ['!=%', 'notPattern'],
  ['!%=', 'notPattern'],
  ['!@', 'notIn'],
  ['!%', 'notContains'],
  ['>=', '>='],
  ['<=', '<='],
  ['=%', 'pattern'],
  ['%=', 'pattern'],
  ['!=', '!='],
  ['@', 'in'],
  ['>', '>'],
  ['<', '<'],
  ['%', 'contains'],
  ['=', '='],
  ['!', '!='],
];

/** `%` and `_` in a substring search are plain characters, not wildcards. */
const escapeLike = (text: string) => text.replace(/[%_\\]/g, '');

export function splitKey(key: string): { name: string; op: FilterOperator } {
  for (const [prefix, op] of OPERATORS) {
    if (key.startsWith(prefix)) return { name: key.slice(prefix.length), op };
  }
  return { name: key, op: '=' };
}

/** How a list's keys name fields: the classic methods' UPPER_SNAKE or `crm.item.*`'s camelCase. */
export interface FieldNaming {
  /** The declared (UPPER_SNAKE) name a key names, if it names one. */
  declaredName(key: string): string | undefined;
  /** Refuses a filter key that names no field it may filter by; absent: the key is dropped. */
  readonly unknownFilterField?: (key: string) => RestError;
  /** Refuses an order key that names no field; absent: the key is dropped. */
  readonly unknownOrderField?: (key: string) => RestError;
  /** Refuses a direction other than ASC and DESC; absent: anything but DESC is ascending. */
  readonly badDirection?: (direction: string, key: string) => RestError;
  /** Refuses a value the field cannot be compared with (text for a number); absent: compared as cast. */
  readonly invalidFilterValue?: (key: string) => RestError;
}

/** The classic methods' names: the declared ones, in any case. */
export const classicNaming: FieldNaming = { declaredName: (key) => key.toUpperCase() };

/** Fields a filter or an order may name: the stored ones. */
function storedField(fields: CrmFields, name: string): CrmField | undefined {
  const f = fields[name];
  return f && !f.virtual && f.type !== 'crm_multifield' ? f : undefined;
}

const ID_FIELD: CrmField = { type: 'integer', title: 'ID' };

/**
 * @param typeName the owner name multi-fields are stored under (CONTACT, COMPANY): a filter on
 *   `EMAIL` or `PHONE` finds the records holding that value.
 */
export function crmConditions(
  fields: CrmFields,
  filter: Record<string, unknown>,
  typeName: string,
  naming: FieldNaming = classicNaming,
): CrmCondition[] {
  const out: CrmCondition[] = [];
  for (const [key, raw] of Object.entries(filter)) {
    if (key.toUpperCase() === 'LOGIC') continue;
    if (/^\d+$/.test(key) && isPhpArray(raw)) {
      out.push(nestedFilter(fields, raw as Record<string, unknown>, typeName, naming));
      continue;
    }
    const { name: given, op } = splitKey(key.trim());
    const name = naming.declaredName(given);
    if (name !== undefined && fields[name]?.type === 'crm_multifield' && op === '=' && !isPhpArray(raw)) {
      out.push({
        column: 'id',
        op: 'hasMultifield',
        value: { entityId: typeName, typeId: name, value: phpString(raw) },
      });
      continue;
    }
    const custom = name === undefined ? undefined : fields[name]?.userField;
    if (custom && name !== undefined && (op === '=' || op === 'in') && raw !== null && phpString(raw) !== '') {
      // A custom field's value (or one of several): a record holding it matches.
      const f = fields[name] as CrmField;
      const values = (isPhpArray(raw) ? phpArrayValues(raw) : [raw]).map((v) => String(toFilterValue(f, v)));
      out.push({ column: 'id', op: 'hasUserFieldValue', value: { entityId: custom.owner, fieldName: name, values } });
      continue;
    }
    const f = name === 'ID' ? ID_FIELD : name === undefined ? undefined : storedField(fields, name);
    if (!f || name === undefined) {
      if (naming.unknownFilterField) throw naming.unknownFilterField(given);
      continue;
    }
    if (
      naming.invalidFilterValue &&
      !(isPhpArray(raw) ? phpArrayValues(raw) : [raw]).every((v) => isComparable(f, v))
    ) {
      throw naming.invalidFilterValue(given);
    }
    out.push(...fieldConditions(f, name === 'ID' ? 'id' : columnOf(name), op, raw));
  }
  return out;
}

/** `{"LOGIC": "OR", "0": {...}, "1": {...}}`: AND unless its LOGIC says OR. */
function nestedFilter(
  fields: CrmFields,
  filter: Record<string, unknown>,
  typeName: string,
  naming: FieldNaming,
): CrmCondition {
  const logicKey = Object.keys(filter).find((k) => k.toUpperCase() === 'LOGIC');
  const logic = logicKey !== undefined && phpString(filter[logicKey]).toUpperCase() === 'OR' ? 'or' : 'and';
  return { op: logic, conditions: crmConditions(fields, filter, typeName, naming) };
}

function fieldConditions(f: CrmField, column: string, op: FilterOperator, raw: unknown): CrmCondition[] {
  if (op === 'in' || op === 'notIn' || (isPhpArray(raw) && (op === '=' || op === '!='))) {
    // A list under a plain or negated key means IN / NOT IN, as in Bitrix filters.
    const values = (isPhpArray(raw) ? phpArrayValues(raw) : [raw]).map((v) => toFilterValue(f, v));
    return [{ column, op: op === 'notIn' || op === '!=' ? 'notIn' : 'in', value: values }];
  }
  if (op === 'contains' || op === 'notContains') {
    return [{ column, op: op === 'contains' ? 'like' : 'notLike', value: `%${escapeLike(phpString(raw))}%` }];
  }
  if (op === 'pattern' || op === 'notPattern') {
    return [{ column, op: op === 'pattern' ? 'like' : 'notLike', value: phpString(raw) }];
  }
  if (phpString(raw) === '') {
    // An empty value means "no value" (`=`) or "has a value" (`!=`), an empty string included.
    const none: CrmCondition = { column, op: op === '!=' ? '!=' : '=', value: null };
    return op === '!=' && isTextField(f) ? [none, { column, op: '!=', value: '' }] : [none];
  }
  return [{ column, op, value: toFilterValue(f, raw) }];
}

export function crmOrder(fields: CrmFields, order: Record<string, unknown>, naming: FieldNaming = classicNaming) {
  const out: { column: string; direction: 'asc' | 'desc'; ignoreCase: boolean }[] = [];
  for (const [key, raw] of Object.entries(order)) {
    const name = naming.declaredName(key);
    const f = name === undefined ? undefined : storedField(fields, name);
    if (name === undefined || (name !== 'ID' && !f)) {
      if (naming.unknownOrderField) throw naming.unknownOrderField(key);
      continue;
    }
    const direction = phpString(raw).toUpperCase();
    if (naming.badDirection && direction !== 'ASC' && direction !== 'DESC') {
      throw naming.badDirection(phpString(raw), key);
    }
    out.push({
      column: name === 'ID' ? 'id' : columnOf(name),
      direction: direction === 'DESC' ? 'desc' : 'asc',
      ignoreCase: f !== undefined && isTextField(f),
    });
  }
  return out;
}

/**
 * The fields a list answers with: every stored field for no select or `*`; otherwise the named
 * ones, in the order named. Multi-fields (PHONE, EMAIL) only when named, and then with the ID to find them by.
 */
export function crmSelection(fields: CrmFields, select: readonly string[]): string[] {
  const all = Object.keys(fields).filter((name) => !fields[name]?.virtual && fields[name]?.type !== 'crm_multifield');
  const named = select.map((s) => s.toUpperCase());
  // Custom fields only when named, one by one or all with `UF_*` (as crm.deal.list's select says).
  const custom = Object.keys(fields).filter(
    (name) => fields[name]?.userField && (named.includes(name) || named.includes('UF_*')),
  );
  const multi = Object.keys(fields).filter((name) => fields[name]?.type === 'crm_multifield' && named.includes(name));
  // Named fields come back in the order they were named, as the crm.deal.list example shows.
  const base =
    named.length === 0 || named.includes('*') ? all : [...new Set(named)].filter((name) => all.includes(name));
  if ((multi.length > 0 || custom.length > 0) && !base.includes('ID')) base.unshift('ID');
  return [...base, ...custom, ...multi];
}
