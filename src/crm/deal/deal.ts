/** crm.deal.*: the deal as the page crm-deal-get.md lists its standard fields, in that order. */
import { errors } from '../../rest/errors.js';
import {
  activityFields,
  authorFields,
  dateFields,
  idField,
  observerFields,
  originFields,
  sourceFields,
  utmFields,
} from '../engine/common-fields.js';
import { defineCrmEntity } from '../engine/entity.js';
import { boundIdsOf, field } from '../engine/fields.js';
import { crmMethods } from '../engine/methods.js';
import { pipelineCheck } from '../reference/pipeline.js';
import { DEAL } from '../reference/reference.js';

const readOnly = { readOnly: true } as const;

export const deal = defineCrmEntity({
  name: 'deal',
  entityTypeId: 2,
  notFound: { get: errors.crmNotFound, update: errors.crmNotFound, delete: errors.crmNotFound },
  fields: {
    ...idField,
    TITLE: field('string', 'Title'),
    TYPE_ID: field('crm_status', 'Type', { statusType: 'DEAL_TYPE' }),
    STAGE_ID: field('crm_status', 'Deal stage', { statusType: 'DEAL_STAGE' }),
    PROBABILITY: field('integer', 'Probability'),
    CURRENCY_ID: field('crm_currency', 'Currency'),
    OPPORTUNITY: field('double', 'Amount'),
    IS_MANUAL_OPPORTUNITY: field('char', 'Manual amount'),
    TAX_VALUE: field('double', 'Tax rate'),
    LEAD_ID: field('crm_lead', 'Lead', readOnly),
    COMPANY_ID: field('crm_company', 'Company'),
    CONTACT_ID: field('crm_contact', 'Contact'),
    CONTACT_IDS: field('crm_contact', 'Contacts', { multiple: true, virtual: true }),
    QUOTE_ID: field('crm_quote', 'Quote', readOnly),
    BEGINDATE: field('date', 'Start date'),
    CLOSEDATE: field('date', 'End date'),
    ...authorFields,
    ...dateFields,
    OPENED: field('char', 'Available to everyone'),
    CLOSED: field('char', 'Closed'),
    COMMENTS: field('string', 'Comment'),
    ADDITIONAL_INFO: field('string', 'Additional information'),
    LOCATION_ID: field('location', 'Location'),
    CATEGORY_ID: field('crm_category', 'Pipeline', { immutable: true }),
    STAGE_SEMANTIC_ID: field('string', 'Stage group', readOnly),
    IS_NEW: field('char', 'New deal', readOnly),
    IS_RECURRING: field('char', 'Recurring deal'),
    IS_RETURN_CUSTOMER: field('char', 'Repeat deal'),
    IS_REPEATED_APPROACH: field('char', 'Repeat inquiry'),
    ...sourceFields,
    ...originFields,
    MOVED_BY_ID: field('user', 'Stage changed by', { ...readOnly, item: 'movedBy' }),
    MOVED_TIME: field('datetime', 'Stage changed on', readOnly),
    LAST_ACTIVITY_TIME: activityFields.LAST_ACTIVITY_TIME,
    ...utmFields,
    LAST_ACTIVITY_BY: activityFields.LAST_ACTIVITY_BY,
  },
  itemOnlyFields: observerFields,
  defaults: () => ({
    type_id: 'SALE',
    category_id: 0,
    currency_id: 'USD',
    opportunity: 0,
    is_manual_opportunity: 'N',
    tax_value: 0,
    opened: 'Y',
    closed: 'N',
    is_new: 'Y',
    is_recurring: 'N',
    is_return_customer: 'N',
    is_repeated_approach: 'N',
  }),
  prepare: pipelineCheck(DEAL),
  async afterSave(repos, id, input, isNew) {
    const contactIds = boundIdsOf(input, 'CONTACT_IDS', 'CONTACT_ID');
    if (contactIds !== undefined) {
      await repos.crm.setDealContacts(id, contactIds);
      await repos.crm.update('crm_deal', id, { contact_id: contactIds[0] ?? null });
    }
    const row = isNew ? await repos.crm.find('crm_deal', id) : undefined;
    // A deal added without a title is called "Deal #<id>", as CCrmDeal::Add names it.
    if (row && (typeof row.title !== 'string' || row.title.trim() === '')) {
      await repos.crm.update('crm_deal', id, { title: `Deal #${id}` });
    }
    if (row) await repos.crm.update('crm_deal', id, { moved_by_id: row.created_by_id, moved_time: row.date_create });
  },
  async afterDelete(repos, id) {
    await repos.crm.setDealContacts(id, []);
  },
  async virtualValues(repos, ids) {
    const contacts = await repos.crm.dealContacts(ids);
    return new Map(ids.map((id) => [id, { CONTACT_IDS: contacts.get(id) ?? [] }]));
  },
});

export const dealMethods = crmMethods(deal);
