/**
 * crm.lead.* and `crm.item.*` with entityTypeId 1: the lead, with the fields crm.lead.fields
 * answers on Bitrix24 (the docs snapshot has no lead pages; the universal names follow
 * crm/universal/object-fields.md#lead: STATUS_ID is `stageId`, STATUS_SEMANTIC_ID `stageSemanticId`).
 * A lead's status is one of the `STATUS` list (crm.status.*), checked as a deal's stage is.
 */
import { errors } from '../../rest/errors.js';
import { leadContacts } from '../contact/contact.js';
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
import { leadStatusCheck } from '../reference/pipeline.js';
import { LEAD } from '../reference/reference.js';

const readOnly = { readOnly: true } as const;

export const lead = defineCrmEntity({
  name: 'lead',
  entityTypeId: LEAD,
  notFound: { get: errors.crmNotFound, update: errors.crmNotFound, delete: errors.crmNotFound },
  fields: {
    ...idField,
    TITLE: field('string', 'Lead name'),
    HONORIFIC: field('crm_status', 'Salutation', { statusType: 'HONORIFIC' }),
    NAME: field('string', 'First name'),
    SECOND_NAME: field('string', 'Second name'),
    LAST_NAME: field('string', 'Last name'),
    BIRTHDATE: field('date', 'Date of birth'),
    COMPANY_TITLE: field('string', 'Company name'),
    ...sourceFields,
    STATUS_ID: field('crm_status', 'Stage', { statusType: 'STATUS', item: 'stageId' }),
    STATUS_DESCRIPTION: field('string', 'More about this stage'),
    STATUS_SEMANTIC_ID: field('string', 'Status details', { ...readOnly, item: 'stageSemanticId' }),
    POST: field('string', 'Position'),
    ...addressFields('ADDRESS', 'Address'),
    CURRENCY_ID: field('crm_currency', 'Currency'),
    OPPORTUNITY: field('double', 'Amount'),
    IS_MANUAL_OPPORTUNITY: field('char', 'IS_MANUAL_OPPORTUNITY'),
    OPENED: field('char', 'Available to everyone'),
    COMMENTS: field('string', 'Comment'),
    ...communicationFlags,
    ...authorFields,
    ...dateFields,
    COMPANY_ID: field('crm_company', 'Company'),
    CONTACT_ID: field('crm_contact', 'Contact'),
    CONTACT_IDS: field('crm_contact', 'Contacts', { multiple: true, virtual: true }),
    IS_RETURN_CUSTOMER: field('char', 'Repeat lead', readOnly),
    DATE_CLOSED: field('datetime', 'Closed', readOnly),
    ...originFields,
    MOVED_BY_ID: field('user', 'Stage changed by', { ...readOnly, item: 'movedBy' }),
    MOVED_TIME: field('datetime', 'Stage changed on', readOnly),
    ...utmFields,
    ...activityFields,
    ...multiFields,
  },
  itemOnlyFields: observerFields,
  multifieldDefaults,
  defaults: () => ({
    currency_id: 'USD',
    opportunity: 0,
    is_manual_opportunity: 'N',
    opened: 'Y',
    is_return_customer: 'N',
  }),
  prepare: leadStatusCheck,
  async afterSave(repos, id, input, isNew) {
    await leadContacts.save(repos, id, input);
    const row = isNew ? await repos.crm.find('crm_lead', id) : undefined;
    if (!row) return;
    // A lead added without a title is "Lead #<id>", as CCrmLead::Add names it.
    const title = typeof row.title === 'string' && row.title.trim() !== '' ? {} : { title: `Lead #${id}` };
    await repos.crm.update('crm_lead', id, { ...title, moved_by_id: row.created_by_id, moved_time: row.date_create });
  },
  virtualValues: (repos, ids) => leadContacts.values(repos, ids),
});

export const leadMethods = crmMethods(lead);
