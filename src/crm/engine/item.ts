/**
 * The universal face of a CRM entity (`crm.item.*`): the same records as the classic methods,
 * with camelCase names (`assignedById`, `createdTime`), values typed as JSON (`"id": 7`,
 * `"opportunity": 999.99`), the multi-fields in one list `fm`, and filter and order keys that
 * name no field refused rather than dropped (Bitrix\Crm\Controller\Item).
 */
import { errors } from '../../rest/errors.js';
import { isPhpArray, phpEmpty, phpString } from '../../rest/php.js';
import { defineView, type FieldSpec, type View } from '../../rest/view.js';
import type { CrmRow } from '../../store/repositories/crm.js';
import type { Repositories } from '../../store/store.js';
import type { CrmEntity } from './entity.js';
import { type CrmField, describedField, toItemValue, userFieldValue } from './fields.js';
import type { FieldNaming } from './query.js';

/** `ASSIGNED_BY_ID` -> `assignedById`. */
const camelCase = (name: string) => name.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** `lastName` -> `LAST_NAME`, as the controller converts the keys it is given. */
export const upperSnake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

export interface ItemFace {
  /** [item name, declared name] of every field the face shows, in answer order. */
  readonly names: readonly (readonly [string, string])[];
  /** The declared name of an item name (`assignedById` -> `ASSIGNED_BY_ID`). */
  declared(itemName: string): string | undefined;
  /** How `crm.item.list` reads filter and order keys. */
  readonly naming: FieldNaming;
}

const faces = new WeakMap<CrmEntity, ItemFace>();

/** The entity's face in `crm.item.*`, made once from its declaration. */
export function itemFace(entity: CrmEntity): ItemFace {
  const known = faces.get(entity);
  if (known) return known;
  const named: [string, string, CrmField][] = [];
  for (const [declared, f] of Object.entries(entity.itemFields)) {
    if (f.item === null) continue;
    named.push([f.item ?? camelCase(declared), declared, f]);
  }
  // Stored fields as declared, then the lists kept apart (contactIds), as the item pages show them.
  const names = [...named.filter(([, , f]) => !f.virtual), ...named.filter(([, , f]) => f.virtual)].map(
    ([item, declared]) => [item, declared] as const,
  );
  const byItemName = new Map(names);
  const declared = (itemName: string) => byItemName.get(itemName);
  const face: ItemFace = {
    names,
    declared,
    naming: {
      declaredName: declared,
      unknownFilterField: (key) => errors.crmFilterFieldNotAllowed(upperSnake(key)),
      invalidFilterValue: (key) => errors.crmFilterValueInvalid(upperSnake(key)),
      unknownOrderField: (key) => errors.crmOrderFieldNotAllowed(upperSnake(key)),
      badDirection: (direction, key) => errors.crmOrderDirection(direction, upperSnake(key)),
    },
  };
  faces.set(entity, face);
  return face;
}

/** PHP's gettype() of a request value, as the multiple-field error names it. */
function phpType(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'double';
  return typeof value === 'boolean' ? 'boolean' : 'string';
}

/** The controller's prepareBooleanFieldValue: true, "true", "y" and "Y" are yes; anything else no. */
const flag = (raw: unknown) => (raw === true || raw === 'true' || raw === 'y' || raw === 'Y' ? 'Y' : 'N');

/**
 * `fields` of `crm.item.add|update` as the classic input (declared names, the classic values):
 * unknown names dropped, an empty value clearing the field, flags as Y/N, `fm` as the PHONE,
 * EMAIL, ... lists.
 *
 * @param storedFm the ids of the record's multi-field values: an `fm` key naming one of them
 *   changes it (or removes it, with an empty value); any other key adds a value.
 */
export function itemInput(
  entity: CrmEntity,
  fields: Record<string, unknown>,
  storedFm: ReadonlySet<number> = new Set(),
): Record<string, unknown> {
  const face = itemFace(entity);
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(fields)) {
    if (key === 'fm' && entity.multifieldDefaults) {
      Object.assign(out, multifieldInput(entity, raw, storedFm));
      continue;
    }
    const declared = face.declared(key);
    const f = declared === undefined ? undefined : entity.itemFields[declared];
    if (!f || declared === undefined) continue;
    if (f.multiple) {
      if (phpEmpty(raw)) out[declared] = [];
      else if (!isPhpArray(raw)) throw errors.crmMultipleNotIterable(phpType(raw));
      else out[declared] = raw;
    } else if (f.type === 'char') {
      out[declared] = phpEmpty(raw) ? 'N' : flag(raw);
    } else {
      out[declared] = phpEmpty(raw) ? null : raw;
    }
  }
  return out;
}

function multifieldInput(entity: CrmEntity, raw: unknown, storedFm: ReadonlySet<number>) {
  const out: Record<string, Record<string, unknown>[]> = {};
  if (!isPhpArray(raw)) return out;
  for (const [key, item] of Object.entries(raw)) {
    if (!isPhpArray(item)) continue;
    const v = item as Record<string, unknown>;
    const typeId = phpString(v.typeId).toUpperCase();
    if (!entity.multifieldDefaults?.[typeId]) continue;
    const id = /^\d+$/.test(key) && storedFm.has(Number(key)) ? Number(key) : 0;
    out[typeId] = [...(out[typeId] ?? []), { ID: id, VALUE: v.value, VALUE_TYPE: v.valueType }];
  }
  return out;
}

/**
 * The flat aliases beside `fm`: the first value of a type (and value type), `""` when there is
 * none, as crm.item.get shows them. They are read only; `fm` is how values change.
 */
const FM_ALIASES: readonly [string, string, string?][] = [
  ['emailHome', 'EMAIL', 'HOME'],
  ['emailWork', 'EMAIL', 'WORK'],
  ['emailMailing', 'EMAIL', 'MAILING'],
  ['phoneMobile', 'PHONE', 'MOBILE'],
  ['phoneWork', 'PHONE', 'WORK'],
  ['phoneMailing', 'PHONE', 'MAILING'],
  ['imol', 'IM', 'IMOL'],
  ['email', 'EMAIL'],
  ['phone', 'PHONE'],
];

/** What a list answers with: the fields named (all for none or `*`), `fm` and `entityTypeId` with all. */
export interface ItemSelection {
  readonly names: readonly (readonly [string, string])[];
  readonly all: boolean;
}

export function itemSelection(entity: CrmEntity, select: readonly string[]): ItemSelection {
  const face = itemFace(entity);
  if (select.length === 0 || select.includes('*')) return { names: face.names, all: true };
  const named = new Set(select);
  // The id always comes back: it is how a client finds the record again.
  return { names: face.names.filter(([item]) => item === 'id' || named.has(item)), all: false };
}

/** Records as `crm.item.*` shows them. */
export async function toItems(
  entity: CrmEntity,
  repos: Repositories,
  rows: readonly CrmRow[],
  selection: ItemSelection = itemSelection(entity, []),
): Promise<Record<string, unknown>[]> {
  const ids = rows.map((r) => r.id);
  const virtual = entity.virtualValues ? await entity.virtualValues(repos, ids) : new Map();
  const withFm = selection.all && entity.multifieldDefaults !== undefined;
  const multi = withFm ? await repos.crm.multifields(entity.typeName, ids) : [];
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [item, declared] of selection.names) {
      const f = entity.itemFields[declared] as CrmField;
      if (declared === 'ID') out[item] = row.id;
      else if (f.userField) out[item] = userFieldValue(f, virtual.get(row.id)?.[declared] ?? null, toItemValue);
      else if (f.virtual) out[item] = virtual.get(row.id)?.[declared] ?? [];
      else out[item] = toItemValue(f, row[declared.toLowerCase()]);
    }
    if (withFm) {
      const own = multi.filter((m) => m.elementId === row.id);
      for (const [alias, typeId, valueType] of FM_ALIASES) {
        out[alias] =
          own.find((m) => m.typeId === typeId && (valueType === undefined || m.valueType === valueType))?.value ?? '';
      }
      out.fm = own.map((m) => ({ id: m.id, valueType: m.valueType, value: m.value, typeId: m.typeId }));
    }
    if (selection.all) out.entityTypeId = entity.entityTypeId;
    return out;
  });
}

/** The description `crm.item.fields` gives of each field, under its item name. */
export function describeItemFields(entity: CrmEntity): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [item, declared] of itemFace(entity).names) {
    const f = entity.itemFields[declared] as CrmField;
    out[item] = {
      type: f.userField?.type ?? (f.type === 'char' ? 'boolean' : f.type),
      isRequired: false,
      isReadOnly: f.readOnly === true,
      isImmutable: f.immutable === true,
      isMultiple: f.multiple === true,
      isDynamic: f.userField !== undefined,
      ...(f.statusType ? { statusType: f.statusType } : {}),
      title: f.title,
      upperName: f.userField ? declared : upperSnake(item),
    };
  }
  return out;
}

/** Multi-field values of a record, for an update's `fm` keys. */
export async function storedMultifieldIds(entity: CrmEntity, repos: Repositories, id: number): Promise<Set<number>> {
  if (!entity.multifieldDefaults) return new Set();
  return new Set((await repos.crm.multifields(entity.typeName, [id])).map((m) => m.id));
}

/**
 * A record as `crm.item.*` answers it, for the API description: every field of the face typed
 * (`toItemValue`), then, for types with multi-fields, the flat aliases and `fm`, and the type.
 */
export function itemView(entity: CrmEntity): View {
  const fields: Record<string, FieldSpec> = {};
  for (const [item, declared] of itemFace(entity).names) {
    fields[item] = describedField(entity.itemFields[declared] as CrmField, 'typed');
  }
  if (entity.multifieldDefaults) {
    for (const [alias, typeId, valueType] of FM_ALIASES) {
      const kind = valueType ? `${typeId} of type ${valueType}` : typeId;
      fields[alias] = { type: 'string', readonly: true, title: `The first ${kind} value ("" when none)` };
    }
    fields.fm = {
      type: 'list',
      title:
        'Phones, e-mails, websites, messengers: {id, typeId, valueType, value}; an update keyed by a value id changes it',
    };
  }
  // A smart process's type is the portal's own; the CRM's own types are theirs alone (a client tells them apart by it).
  const ownType = entity.name === 'dynamicItem' ? {} : { constant: entity.entityTypeId };
  fields.entityTypeId = { type: 'int', readonly: true, title: 'The CRM object type', ...ownType };
  return defineView(fields, `crm.item.${entity.name}`);
}
