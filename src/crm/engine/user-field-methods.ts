/**
 * `crm.<type>.userfield.add|list` of leads, deals, contacts and companies: a portal's custom
 * fields (the docs snapshot has no pages of them; the names and answers follow Bitrix24's
 * CCrmUserFieldRestProxy: FIELD_NAME without its `UF_CRM_` prefix gets it, values as strings).
 */
import { errors } from '../../rest/errors.js';
import { param } from '../../rest/params.js';
import { phpIntCast, phpString } from '../../rest/php.js';
import { CrmPage, defineMethod } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import type { UserFieldRow } from '../../store/repositories/crm-user-fields.js';
import type { CrmEntity } from './entity.js';
import { USER_FIELD_PREFIX, USER_TYPES, userFieldOwner } from './user-fields.js';

const yesNo = (raw: unknown) => (/^(y|1|true)$/i.test(phpString(raw)) ? 'Y' : 'N');

/** The label a field is shown with: EDIT_FORM_LABEL (text, or the first language's), else LABEL. */
function labelOf(fields: Record<string, unknown>): string {
  const form = fields.EDIT_FORM_LABEL;
  const text = form && typeof form === 'object' ? Object.values(form)[0] : form;
  return phpString(text ?? fields.LABEL ?? fields.LIST_COLUMN_LABEL ?? '').trim();
}

function view(row: UserFieldRow) {
  return {
    ID: String(row.id),
    ENTITY_ID: row.entity_id,
    FIELD_NAME: row.field_name,
    USER_TYPE_ID: row.user_type_id,
    XML_ID: row.xml_id,
    SORT: String(row.sort),
    MULTIPLE: row.multiple,
    MANDATORY: row.mandatory,
    EDIT_FORM_LABEL: row.label,
  };
}

export function userFieldMethods(entity: CrmEntity) {
  const prefix = `crm.${entity.name}.userfield`;
  const owner = userFieldOwner(entity);
  return [
    defineMethod({
      name: `${prefix}.add`,
      scope: 'crm',
      result: result.id(),
      raises: [errors.userFieldNameInvalid, () => errors.userFieldNameTaken('UF_CRM_X'), errors.userFieldTypeInvalid],
      params: { fields: param.crmArray() },
      handler: ({ fields }, ctx) => {
        const given = phpString(fields.FIELD_NAME ?? '')
          .trim()
          .toUpperCase();
        const name = given.startsWith(USER_FIELD_PREFIX) ? given : `${USER_FIELD_PREFIX}${given}`;
        if (!/^UF_CRM_[A-Z0-9_]+$/.test(name) || name.length > 50) throw errors.userFieldNameInvalid();
        const type = phpString(fields.USER_TYPE_ID ?? 'string')
          .trim()
          .toLowerCase();
        if (!USER_TYPES.includes(type)) throw errors.userFieldTypeInvalid();
        return ctx.store.write(async (repos) => {
          if ((await repos.crmUserFields.fields(owner)).some((f) => f.field_name === name)) {
            throw errors.userFieldNameTaken(name);
          }
          return repos.crmUserFields.addField({
            entity_id: owner,
            field_name: name,
            user_type_id: type,
            multiple: yesNo(fields.MULTIPLE),
            mandatory: yesNo(fields.MANDATORY),
            label: labelOf(fields),
            sort: fields.SORT === undefined ? 100 : phpIntCast(fields.SORT),
            xml_id: fields.XML_ID === undefined ? null : phpString(fields.XML_ID),
          });
        });
      },
    }),
    defineMethod({
      name: `${prefix}.list`,
      scope: 'crm',
      result: result.crmPage(),
      params: { order: param.crmArray(), filter: param.crmArray() },
      handler: (_params, ctx) =>
        ctx.store.read(async (repos) => {
          const rows = (await repos.crmUserFields.fields(owner)).map(view);
          return new CrmPage(rows, rows.length);
        }),
    }),
  ];
}
