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
  // A deleted contact leaves the deals it was bound to (DealContactTable's unbinding).
  afterDelete: (repos, id) => repos.crm.unbindContact(id),
});

export const contactMethods = crmMethods(contact);
