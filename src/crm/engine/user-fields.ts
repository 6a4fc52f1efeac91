/**
 * Custom fields (`UF_CRM_...`): a portal's own fields of a CRM object type, declared with
 * `crm.<type>.userfield.add`. A call sees the entity with its type's custom fields added to its
 * declaration (`withUserFields`), as virtual fields whose values the entity's hooks keep in
 * their own table; the engine then reads, writes, filters and describes them as any other.
 *
 * In `crm.item.*` a field is named in camelCase (`UF_CRM_RATING` -> `ufCrm_RATING`, a smart
 * process's `UF_CRM_44_1721812760630` -> `ufCrm44_1721812760630`), or as declared with
 * `useOriginalUfNames: Y` (crm/universal/crm-item-get.md).
 */
import type { UserFieldRow } from '../../store/repositories/crm-user-fields.js';
import type { Repositories } from '../../store/store.js';
import { parentTypesOf } from '../types/types.js';
import { type CrmEntity, defineCrmEntity } from './entity.js';
import { type CrmField, type CrmFieldType, field, toColumnValue } from './fields.js';

/** Every custom field's name starts so. */
export const USER_FIELD_PREFIX = 'UF_CRM_';

/** The owner name Bitrix24 files an entity's custom fields under: CRM_DEAL, CRM_LEAD, CRM_44. */
export function userFieldOwner(entity: CrmEntity): string {
  return entity.name === 'dynamicItem' ? `CRM_${entity.entityTypeId}` : `CRM_${entity.typeName}`;
}

/** `UF_CRM_44_17218` -> `ufCrm44_17218`; `UF_CRM_RATING` -> `ufCrm_RATING`. */
export function camelUserFieldName(name: string): string {
  const rest = name.slice(USER_FIELD_PREFIX.length);
  const typed = /^(\d+)_(.*)$/.exec(rest);
  return typed ? `ufCrm${typed[1]}_${typed[2]}` : `ufCrm_${rest}`;
}

/** The stored type a custom field's values are checked and shown as. */
const STORED_AS: Readonly<Record<string, CrmFieldType>> = {
  integer: 'integer',
  double: 'double',
  money: 'string',
  boolean: 'char',
  date: 'date',
  datetime: 'datetime',
  employee: 'user',
};

/** The user types a custom field may have (`USER_TYPE_ID`). */
export const USER_TYPES: readonly string[] = [
  'string',
  'integer',
  'double',
  'boolean',
  'date',
  'datetime',
  'employee',
  'url',
  'money',
];

function declaration(row: UserFieldRow, originalNames: boolean): CrmField {
  return field(STORED_AS[row.user_type_id] ?? 'string', row.label || row.field_name, {
    virtual: true,
    multiple: row.multiple === 'Y',
    userField: { type: row.user_type_id, owner: row.entity_id },
    item: originalNames ? row.field_name : camelUserFieldName(row.field_name),
  });
}

/** One value of a field as stored (text), or undefined when the field cannot take it. */
function storedValue(f: CrmField, raw: unknown): string | undefined {
  const value = toColumnValue({ ...f, virtual: false, multiple: false }, raw);
  if (value === undefined || value === null) return undefined;
  // Booleans come as 1/0, Y/N or true/false.
  if (f.type === 'char') return raw === true || raw === 1 || /^(1|y|true)$/i.test(String(raw)) ? 'Y' : 'N';
  return String(value);
}

/**
 * A link to a parent record (`parentId2`, PARENT_ID_2: the deal an item belongs to), kept as a
 * custom field's value is: it exists where the types' relations say (crm.type.* `relations`).
 */
function parentDeclaration(parentTypeId: number, owner: string): CrmField {
  return field('integer', `Parent (${parentTypeId})`, {
    virtual: true,
    userField: { type: 'crm_entity', owner },
    item: `parentId${parentTypeId}`,
  });
}

/**
 * The entity with its portal's fields, for one call: its type's custom fields and its parent
 * links (the entity itself when it has none).
 * @param originalNames `useOriginalUfNames: Y`: crm.item.* names the custom fields as declared
 */
export async function withUserFields(repos: Repositories, entity: CrmEntity, originalNames = false) {
  const owner = userFieldOwner(entity);
  const rows = await repos.crmUserFields.fields(owner);
  const parents = await parentTypesOf(repos, entity.entityTypeId);
  if (rows.length === 0 && parents.length === 0) return entity;
  const fields: Record<string, CrmField> = {};
  for (const parent of parents) fields[`PARENT_ID_${parent}`] = parentDeclaration(parent, owner);
  for (const row of rows) fields[row.field_name] = declaration(row, originalNames);
  const names = Object.keys(fields);
  return defineCrmEntity({
    ...entity,
    fields: { ...entity.fields, ...fields },
    async afterSave(r, id, input, isNew) {
      await entity.afterSave?.(r, id, input, isNew);
      for (const name of names) {
        if (!(name in input)) continue;
        const f = fields[name] as CrmField;
        const raw = input[name];
        const given =
          f.multiple && Array.isArray(raw)
            ? raw
            : f.multiple && raw && typeof raw === 'object'
              ? Object.values(raw)
              : [raw];
        const values = given.map((v) => storedValue(f, v)).filter((v): v is string => v !== undefined);
        await r.crmUserFields.setValues(owner, id, name, f.multiple ? values : values.slice(0, 1));
      }
    },
    async afterDelete(r, id) {
      await entity.afterDelete?.(r, id);
      await r.crmUserFields.removeValues(owner, id);
    },
    async virtualValues(r, ids) {
      const out = entity.virtualValues
        ? await entity.virtualValues(r, ids)
        : new Map<number, Record<string, unknown>>();
      const values = await r.crmUserFields.values(owner, ids);
      for (const id of ids) {
        const own = values.filter((v) => v.elementId === id);
        const record: Record<string, unknown> = { ...out.get(id) };
        for (const name of names) {
          const mine = own.filter((v) => v.fieldName === name).map((v) => v.value);
          record[name] = fields[name]?.multiple ? mine : (mine[0] ?? null);
        }
        out.set(id, record);
      }
      return out;
    },
  });
}
