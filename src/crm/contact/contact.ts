/** crm.contact.*: the contact as crm-contact-get.md lists its standard fields, in that order. */
import { errors } from '../../rest/errors.js';
import type { CrmRow } from '../../store/repositories/crm.js';
import type { Repositories } from '../../store/store.js';
import {
  activityFields,
  addressFields,
  authorFields,
  communicationFlags,
  dateFields,
  idField,
  multiFields,
  multifieldDefaults,
  observerFields,
  originFields,
  sourceFields,
  utmFields,
} from '../engine/common-fields.js';
import { defineCrmEntity } from '../engine/entity.js';
import { boundIdsOf, field } from '../engine/fields.js';
import { crmMethods } from '../engine/methods.js';

export const contact = defineCrmEntity({
  name: 'contact',
  entityTypeId: 3,
  notFound: { get: errors.crmNotFound, update: errors.contactNotFoundOnUpdate, delete: errors.crmElementNotFound },
  fields: {
    ...idField,
    POST: field('string', 'Position'),
    COMMENTS: field('string', 'Comment'),
    HONORIFIC: field('crm_status', 'Salutation', { statusType: 'HONORIFIC' }),
    NAME: field('string', 'Name'),
    SECOND_NAME: field('string', 'Middle name'),
    LAST_NAME: field('string', 'Last name'),
    LEAD_ID: field('crm_lead', 'Lead', { readOnly: true }),
    TYPE_ID: field('crm_status', 'Contact type', { statusType: 'CONTACT_TYPE' }),
    ...sourceFields,
    COMPANY_ID: field('crm_company', 'Company'),
    COMPANY_IDS: field('crm_company', 'Companies', { multiple: true, virtual: true }),
    BIRTHDATE: field('date', 'Date of birth'),
    EXPORT: field('char', 'Included in export'),
    ...communicationFlags,
    ...dateFields,
    ...authorFields,
    OPENED: field('char', 'Available to everyone'),
    ...originFields,
    ORIGIN_VERSION: field('string', 'Original version'),
    FACE_ID: field('integer', 'Face ID', { readOnly: true, item: null }),
    LAST_ACTIVITY_TIME: activityFields.LAST_ACTIVITY_TIME,
    ...addressFields('ADDRESS', 'Address'),
    ...utmFields,
    LAST_ACTIVITY_BY: activityFields.LAST_ACTIVITY_BY,
    ...multiFields,
  },
  itemOnlyFields: observerFields,
  multifieldDefaults,
  defaults: () => ({ type_id: 'CLIENT', export: 'Y', opened: 'Y' }),
  // A contact's companies (COMPANY_IDS, `companyIds`); COMPANY_ID is the first of them.
  async afterSave(repos, id, input) {
    const companyIds = boundIdsOf(input, 'COMPANY_IDS', 'COMPANY_ID');
    if (companyIds === undefined) return;
    await repos.crm.update('crm_contact', id, {
      company_ids: JSON.stringify(companyIds),
      company_id: companyIds[0] ?? null,
    });
  },
  // A deleted contact leaves the deals it was bound to (DealContactTable's unbinding).
  afterDelete: (repos, id) => repos.crm.unbindContact(id),
  async virtualValues(repos, ids) {
    const rows = await repos.crm.findMany('crm_contact', ids);
    return new Map(rows.map((row) => [row.id, { COMPANY_IDS: companiesOf(row) }]));
  },
});

/** A contact's companies as stored; a contact from before the list was kept has its COMPANY_ID. */
function companiesOf(row: CrmRow): number[] {
  if (typeof row.company_ids === 'string') return JSON.parse(row.company_ids) as number[];
  return row.company_id === null || row.company_id === undefined ? [] : [Number(row.company_id)];
}

/** A deleted company leaves the contacts bound to it; each one's COMPANY_ID moves on to its next. */
export async function unbindCompany(repos: Repositories, companyId: number): Promise<void> {
  for (const row of await repos.crm.boundTo('crm_contact', 'company_ids', 'company_id', companyId)) {
    const rest = companiesOf(row).filter((id) => id !== companyId);
    await repos.crm.update('crm_contact', row.id, { company_ids: JSON.stringify(rest), company_id: rest[0] ?? null });
  }
}

export const contactMethods = crmMethods(contact);
