/**
 * `filter`, `order` and `select` of a CRM list, read once for every entity from its field
 * declaration. Filter keys carry an operator prefix (`>=OPPORTUNITY`, `%TITLE`, `@ID`); keys of
 * unknown fields are dropped, as CCrmRestProxyBase::internalizeFilterFields drops them.
 */
import { isPhpArray, phpString } from '../../rest/php.js';
import type { CrmCondition, CrmOperator } from '../../store/repositories/crm.js';
import { type CrmFields, columnOf, toFilterValue } from './fields.js';

/** Longest prefixes first, so `>=` is not read as `>` and `!@` not as `!`. */
const OPERATORS: readonly [string, CrmOperator | 'contains' | 'pattern'][] = [
  ['!@', 'notIn'],
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

function splitKey(key: string): { name: string; op: CrmOperator | 'contains' | 'pattern' } {
  for (const [prefix, op] of OPERATORS) {
    if (key.startsWith(prefix)) return { name: key.slice(prefix.length), op };
  }
  return { name: key, op: '=' };
}

/** Fields a filter or an order may name: the stored ones. */
function storedField(fields: CrmFields, name: string) {
  const f = fields[name];
  return f && !f.virtual && f.type !== 'crm_multifield' ? f : undefined;
}

/**
 * @param typeName the owner name multi-fields are stored under (CONTACT, COMPANY): a filter on
 *   `EMAIL` or `PHONE` finds the records holding that value.
 */
export function crmConditions(fields: CrmFields, filter: Record<string, unknown>, typeName: string): CrmCondition[] {
  const out: CrmCondition[] = [];
  for (const [key, raw] of Object.entries(filter)) {
    const { name, op } = splitKey(key.trim());
    const upper = name.toUpperCase();
    if (fields[upper]?.type === 'crm_multifield' && op === '=' && !isPhpArray(raw)) {
      out.push({
        column: 'id',
        op: 'hasMultifield',
        value: { entityId: typeName, typeId: upper, value: phpString(raw) },
      });
      continue;
    }
    const f = upper === 'ID' ? { type: 'integer' as const, title: 'ID' } : storedField(fields, upper);
    if (!f) continue;
    const column = upper === 'ID' ? 'id' : columnOf(upper);
    if (op === 'in' || op === 'notIn' || (isPhpArray(raw) && (op === '=' || op === '!='))) {
      // A list under a plain or negated key means IN / NOT IN, as in Bitrix filters.
      const values = (isPhpArray(raw) ? Object.values(raw) : [raw]).map((v) => toFilterValue(f, v));
      out.push({ column, op: op === 'notIn' || op === '!=' ? 'notIn' : 'in', value: values });
    } else if (op === 'contains') {
      out.push({ column, op: 'like', value: `%${escapeLike(phpString(raw))}%` });
    } else if (op === 'pattern') {
      out.push({ column, op: 'like', value: phpString(raw) });
    } else if (phpString(raw) === '') {
      // An empty value means "no value" (`=`) or "has a value" (`!=`), an empty string included.
      out.push({ column, op: op === '!=' ? '!=' : '=', value: null });
      if (op === '!=' && typeof toFilterValue(f, raw) === 'string') out.push({ column, op: '!=', value: '' });
    } else {
      out.push({ column, op, value: toFilterValue(f, raw) });
    }
  }
  return out;
}

export function crmOrder(fields: CrmFields, order: Record<string, unknown>) {
  const out: { column: string; direction: 'asc' | 'desc'; ignoreCase: boolean }[] = [];
  for (const [key, raw] of Object.entries(order)) {
    const upper = key.toUpperCase();
    const f = storedField(fields, upper);
    if (upper !== 'ID' && !f) continue;
    out.push({
      column: upper === 'ID' ? 'id' : columnOf(upper),
      direction: phpString(raw).toUpperCase() === 'DESC' ? 'desc' : 'asc',
      ignoreCase: f !== undefined && typeof toFilterValue(f, '') === 'string',
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
  const multi = Object.keys(fields).filter((name) => fields[name]?.type === 'crm_multifield' && named.includes(name));
  // Named fields come back in the order they were named, as the crm.deal.list example shows.
  const base =
    named.length === 0 || named.includes('*') ? all : [...new Set(named)].filter((name) => all.includes(name));
  if (multi.length > 0 && !base.includes('ID')) base.unshift('ID');
  return [...base, ...multi];
}
