/** crm.contact.*: the contact as crm-contact-get.md lists its standard fields, in that order. */
import { errors } from '../../rest/errors.js';
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
import { field } from '../engine/fields.js';
import { idList } from '../engine/id-list.js';
import { crmMethods } from '../engine/methods.js';

/** A contact's companies (COMPANY_IDS, `companyIds`); COMPANY_ID is the first of them. */
export const companies = idList('crm_contact', 'COMPANY_IDS', 'COMPANY_ID');

/** A lead's contacts (CONTACT_IDS, `contactIds`), kept here so a deleted contact leaves them. */
export const leadContacts = idList('crm_lead', 'CONTACT_IDS', 'CONTACT_ID');

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
  afterSave: (repos, id, input) => companies.save(repos, id, input),
  // A deleted contact leaves the deals (DealContactTable's unbinding) and the leads it was bound to.
  async afterDelete(repos, id) {
    await repos.crm.unbindContact(id);
    await leadContacts.unbind(repos, id);
  },
  virtualValues: (repos, ids) => companies.values(repos, ids),
});

export const contactMethods = crmMethods(contact);
