/** crm.company.*: the company as crm-company-get.md lists its standard fields, in that order. */
import { errors } from '../../rest/errors.js';
import { companies } from '../contact/contact.js';
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
  utmFields,
} from '../engine/common-fields.js';
import { defineCrmEntity } from '../engine/entity.js';
import { field } from '../engine/fields.js';
import { crmMethods } from '../engine/methods.js';

export const company = defineCrmEntity({
  name: 'company',
  entityTypeId: 4,
  notFound: { get: errors.crmNotFound, update: errors.companyNotFound, delete: errors.companyNotFound },
  fields: {
    ...idField,
    COMPANY_TYPE: field('crm_status', 'Company type', { statusType: 'COMPANY_TYPE', item: 'typeId' }),
    TITLE: field('string', 'Company name'),
    LEAD_ID: field('crm_lead', 'Lead', { readOnly: true }),
    ...communicationFlags,
    ...authorFields,
    BANKING_DETAILS: field('string', 'Payment details'),
    INDUSTRY: field('crm_status', 'Industry', { statusType: 'INDUSTRY' }),
    REVENUE: field('double', 'Annual revenue'),
    CURRENCY_ID: field('crm_currency', 'Currency'),
    EMPLOYEES: field('crm_status', 'Employees', { statusType: 'EMPLOYEES' }),
    COMMENTS: field('string', 'Comment'),
    ...dateFields,
    OPENED: field('char', 'Available to everyone'),
    IS_MY_COMPANY: field('char', 'My company'),
    ...originFields,
    ORIGIN_VERSION: field('string', 'Original version'),
    ...addressFields('ADDRESS', 'Address'),
    ...addressFields('REG_ADDRESS', 'Legal address'),
    ...utmFields,
    ...activityFields,
    ...multiFields,
  },
  itemOnlyFields: observerFields,
  multifieldDefaults,
  defaults: () => ({
    company_type: 'CUSTOMER',
    currency_id: 'USD',
    opened: 'Y',
    is_my_company: 'N',
  }),
  // A deleted company leaves its deals and contacts (CCrmDeal/CCrmContact::ProcessCompanyDeletion).
  async afterDelete(repos, id) {
    await repos.crm.clearReference('crm_deal', 'company_id', id);
    await companies.unbind(repos, id);
  },
});

export const companyMethods = crmMethods(company);
