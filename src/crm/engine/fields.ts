/**
 * CRM field declarations and the value rules of the old CRM REST (CCrmRestProxyBase): upper-case
 * field names, every stored value sent as a string (`"ID": "410"`, `"OPPORTUNITY": "1000.00"`),
 * dates as ISO 8601 with the server's offset, and nothing but `null` for a missing value.
 */
import { isoWithOffset } from '../../http/envelope.js';
import { isNumeric, isPhpArray, phpArrayValues, phpIntCast, phpString } from '../../rest/php.js';
import { defineView, type FieldSpec, type FieldType, type View } from '../../rest/view.js';

export type CrmFieldType =
  | 'integer'
  | 'double'
  | 'string'
  | 'char'
  | 'date'
  | 'datetime'
  | 'user'
  | 'crm_status'
  | 'crm_currency'
  | 'crm_category'
  | 'crm_company'
  | 'crm_contact'
  | 'crm_lead'
  | 'crm_quote'
  | 'location'
  | 'crm_multifield'
  /** Y/N of the newer controllers (a pipeline's isDefault, a smart process's flags). */
  | 'boolean'
  /** A stage's EXTRA: its semantics and color (crm.status.*). */
  | 'crm_status_extra';

export interface CrmField {
  readonly type: CrmFieldType;
  readonly title: string;
  /** Must be given on add (the reference lists' ENTITY_ID, STATUS_ID, NAME). */
  readonly required?: boolean;
  /** Set by the server only; dropped from add and update input. */
  readonly readOnly?: boolean;
  /** Settable on add only. */
  readonly immutable?: boolean;
  readonly multiple?: boolean;
  /** For `crm_status` fields: the reference list the values come from. */
  readonly statusType?: string;
  /** Not a column of its own (CONTACT_IDS, PHONE, EMAIL, ...): the entity's hooks keep it. */
  readonly virtual?: boolean;
  /**
   * The field's name in `crm.item.*`: by default the name in camelCase (`ASSIGNED_BY_ID` ->
   * `assignedById`); `null` where the universal API has no such field (the address lines).
   */
  readonly item?: string | null;
  /** A custom field (`UF_CRM_...`): its user type and the owner its values are filed under (`CRM_DEAL`). */
  readonly userField?: { readonly type: string; readonly owner: string };
}

export type CrmFields = Readonly<Record<string, CrmField>>;

/** A field declaration in one line: `field('crm_status', 'Stage', { statusType: 'DEAL_STAGE' })`. */
export function field(type: CrmFieldType, title: string, attributes: Omit<CrmField, 'type' | 'title'> = {}): CrmField {
  return { type, title, ...attributes };
}

/** The column a stored field lives in. */
export const columnOf = (name: string): string => name.toLowerCase();

type Storage = 'int' | 'real' | 'time' | 'text' | 'ids';

/** How a field's values are stored; a multiple field with a column of its own holds a JSON list of ids. */
function storageOf({ type, multiple, virtual }: CrmField): Storage {
  if (multiple && !virtual) return 'ids';
  switch (type) {
    case 'integer':
    case 'user':
    case 'crm_category':
    case 'crm_company':
    case 'crm_contact':
    case 'crm_lead':
    case 'crm_quote':
      return 'int';
    case 'double':
      return 'real';
    case 'date':
    case 'datetime':
      return 'time';
    default:
      return 'text';
  }
}

/**
 * A date as clients send it: ISO 8601 (`2024-08-30T14:29:00+02:00`), `YYYY-MM-DD` (server
 * midnight) or the portal's `DD.MM.YYYY`. Anything else is `undefined`: the field is then left
 * out, as CRestUtil::unConvertDateTime's failure leaves it out.
 */
export function parseCrmDate(raw: unknown): number | undefined {
  const text = phpString(raw).trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
  m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text);
  if (m) return new Date(Number(m[3]), Number(m[2]) - 1, Number(m[1])).getTime();
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Midnight of a time's day on the server, as `date` fields keep only the day. */
function dayOf(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Integer columns hold 32 bits (as Bitrix24's MySQL `int` columns do). */
export const INT_MAX = 2_147_483_647;
const INT_MIN = -2_147_483_648;
export const clampInt = (n: number) => Math.min(INT_MAX, Math.max(INT_MIN, n));

/**
 * The records a list field of the input names (a deal's CONTACT_IDS, a contact's COMPANY_IDS),
 * the list winning over its single field (CONTACT_ID); `undefined`: neither given, no change.
 */
export function boundIdsOf(input: Record<string, unknown>, many: string, one: string): number[] | undefined {
  const list = input[many];
  const raw = isPhpArray(list) ? Object.values(list) : one in input ? [input[one]] : undefined;
  if (raw === undefined) return undefined;
  return [...new Set(raw.map(phpIntCast).filter((id) => id > 0 && id === clampInt(id)))];
}

/** An input value as its column stores it; `undefined` drops the field. */
export function toColumnValue(field: CrmField, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  switch (storageOf(field)) {
    case 'ids': {
      if (!isPhpArray(raw)) return phpString(raw) === '' ? null : undefined;
      const ids = phpArrayValues(raw)
        .map(phpIntCast)
        .filter((id) => id > 0 && id === clampInt(id));
      return JSON.stringify([...new Set(ids)]);
    }
    case 'int': {
      if (phpString(raw) === '') return null;
      const n = phpIntCast(raw);
      // A value no column can hold is dropped rather than failing the whole write.
      return n === clampInt(n) ? n : undefined;
    }
    case 'real':
      return isNumeric(raw) ? Number(raw) : phpString(raw) === '' ? null : 0;
    case 'time': {
      if (phpString(raw) === '') return null;
      const ms = parseCrmDate(raw);
      return ms === undefined ? undefined : field.type === 'date' ? dayOf(ms) : ms;
    }
    default:
      return phpString(raw);
  }
}

/** A custom field's stored value (text, see user-fields.ts) as `show` gives a value of its type. */
export function userFieldValue<T>(f: CrmField, stored: unknown, show: (single: CrmField, stored: unknown) => T) {
  const single: CrmField = { ...f, multiple: false, virtual: false };
  if (f.multiple) return Array.isArray(stored) ? stored.map((v) => show(single, v)) : [];
  return show(single, stored);
}

/** A stored value as the wire shows it. */
export function toWireValue(field: CrmField, stored: unknown): string | null {
  if (stored === null || stored === undefined) return null;
  switch (storageOf(field)) {
    case 'ids':
      return String(stored);
    case 'int':
      return String(Number(stored));
    case 'real':
      return Number(stored).toFixed(2);
    case 'time':
      return isoWithOffset(Number(stored));
    default:
      return String(stored);
  }
}

/** The same value for comparisons in a filter (a date in a filter is a point in time). */
export function toFilterValue(field: CrmField, raw: unknown): unknown {
  const storage = storageOf(field);
  if (storage === 'time') return parseCrmDate(raw) ?? null;
  if (storage === 'text') return phpString(raw);
  if (storage === 'int') return phpString(raw) === '' ? null : clampInt(phpIntCast(raw));
  return toColumnValue(field, raw);
}

/**
 * A stored value as `crm.item.*` shows it: numbers as JSON numbers, dates as ISO 8601 with the
 * offset, Y/N flags as they are, a multiple field as a list (empty when it holds nothing).
 */
export function toItemValue(field: CrmField, stored: unknown): unknown {
  const storage = storageOf(field);
  if (stored === null || stored === undefined) return storage === 'ids' ? [] : null;
  switch (storage) {
    case 'ids':
      return JSON.parse(String(stored)) as number[];
    case 'int':
    case 'real':
      return Number(stored);
    case 'time':
      return isoWithOffset(Number(stored));
    default:
      return String(stored);
  }
}

/**
 * Whether a filter value can be compared with the field: a number for numbers, a date for dates
 * (an empty value, "no value", always can).
 */
export function isComparable(field: CrmField, raw: unknown): boolean {
  if (raw === null || phpString(raw) === '') return true;
  const storage = storageOf(field);
  if (storage === 'int' || storage === 'real') return isNumeric(raw);
  if (storage === 'time') return parseCrmDate(raw) !== undefined;
  return true;
}

/** Whether a filter compares the field as text (and an order ignores its case). */
export const isTextField = (field: CrmField) => storageOf(field) === 'text';

/** The description `crm.*.fields` gives of each field. */
export function describeFields(fields: CrmFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(fields)) {
    out[name] = {
      type: f.userField?.type ?? f.type,
      isRequired: f.required === true,
      isReadOnly: f.readOnly === true,
      isImmutable: f.immutable === true,
      isMultiple: f.multiple === true || f.type === 'crm_multifield',
      isDynamic: f.userField !== undefined,
      ...(f.statusType ? { statusType: f.statusType } : {}),
      title: f.title,
    };
  }
  return out;
}

/**
 * How a field's values travel, for the API description: as `text`, the way the classic methods
 * answer them (every value a string, `toWireValue`), or `typed`, the way `crm.item.*` shows them
 * (`toItemValue`) and clients send them (numbers as numbers, flags as Y/N, lists as lists).
 */
export function wireType(f: CrmField, form: 'text' | 'typed'): FieldType {
  if (f.type === 'crm_multifield' || (f.multiple && (form === 'typed' || f.virtual))) return 'list';
  if (f.type === 'crm_status_extra') return 'object';
  if (form === 'text') return 'string';
  if (f.type === 'char' || f.type === 'boolean') return 'boolean';
  switch (storageOf(f)) {
    case 'int':
      return 'int';
    case 'real':
      return 'number';
    default:
      return 'string';
  }
}

/** A field as a view describes it to the API description: its wire type, title, and whether clients may set it. */
export function describedField(f: CrmField, form: 'text' | 'typed'): FieldSpec {
  return { type: wireType(f, form), title: f.title, ...(f.readOnly && { readonly: true }) };
}

/**
 * A view of declared fields for the API description, in the given form, under `name` where
 * several methods answer it: `optional` names the fields not in every answer; `answered`, what
 * answers carry beside the declared fields (which the `*.fields` methods do not describe).
 */
export function crmView(
  fields: CrmFields,
  form: 'text' | 'typed',
  options: { name?: string; optional?: readonly string[]; answered?: Readonly<Record<string, FieldSpec>> } = {},
): View {
  const specs: Record<string, FieldSpec> = {};
  for (const [name, f] of Object.entries(fields)) {
    specs[name] = { ...describedField(f, form), ...(options.optional?.includes(name) && { optional: true }) };
  }
  return defineView({ ...specs, ...options.answered }, options.name);
}
