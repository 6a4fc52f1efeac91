/** Field groups that deals, contacts and companies share, declared once. */
import { type CrmField, field } from './fields.js';

const readOnly = { readOnly: true } as const;

export const idField = { ID: field('integer', 'ID', readOnly) };

export const authorFields = {
  ASSIGNED_BY_ID: field('user', 'Responsible person'),
  CREATED_BY_ID: field('user', 'Created by', { ...readOnly, item: 'createdBy' }),
  MODIFY_BY_ID: field('user', 'Modified by', { ...readOnly, item: 'updatedBy' }),
};

export const dateFields = {
  DATE_CREATE: field('datetime', 'Created on', { ...readOnly, item: 'createdTime' }),
  DATE_MODIFY: field('datetime', 'Modified on', { ...readOnly, item: 'updatedTime' }),
};

/** The users who follow a record: only `crm.item.*` shows them (`observers`). */
export const observerFields = { OBSERVERS: field('user', 'Observers', { multiple: true }) };

export const sourceFields = {
  SOURCE_ID: field('crm_status', 'Source', { statusType: 'SOURCE' }),
  SOURCE_DESCRIPTION: field('string', 'Source information'),
};

export const originFields = {
  ORIGINATOR_ID: field('string', 'External source'),
  ORIGIN_ID: field('string', 'Item ID in data source'),
};

export const communicationFlags = {
  HAS_PHONE: field('char', 'Has phone', readOnly),
  HAS_EMAIL: field('char', 'Has email', readOnly),
  HAS_IMOL: field('char', 'Has Open Channel', readOnly),
};

export const utmFields = {
  UTM_SOURCE: field('string', 'Ad system'),
  UTM_MEDIUM: field('string', 'Traffic type'),
  UTM_CAMPAIGN: field('string', 'Ad campaign UTM'),
  UTM_CONTENT: field('string', 'Campaign contents'),
  UTM_TERM: field('string', 'Campaign search term'),
};

export const activityFields = {
  LAST_ACTIVITY_TIME: field('datetime', 'Last timeline activity', readOnly),
  LAST_ACTIVITY_BY: field('user', 'Last activity by', readOnly),
};

/** ADDRESS, ADDRESS_2, ... ADDRESS_COUNTRY (or REG_ADDRESS_...). */
export function addressFields(prefix: string, title: string): Record<string, CrmField> {
  const parts: [string, string][] = [
    ['', 'Street, building'],
    ['_2', 'Suite / Apartment'],
    ['_CITY', 'City'],
    ['_POSTAL_CODE', 'Zip'],
    ['_REGION', 'Region'],
    ['_PROVINCE', 'State / Province'],
    ['_COUNTRY', 'Country'],
  ];
  // crm.item.* has no address lines: the universal API keeps addresses in requisites.
  return Object.fromEntries(
    parts.map(([suffix, t]) => [`${prefix}${suffix}`, field('string', `${title}: ${t}`, { item: null })]),
  );
}

/**
 * PHONE, EMAIL, WEB, IM of contacts and companies, and the VALUE_TYPE each takes by default.
 * `crm.item.*` shows them all in one list, `fm`.
 */
const noItem = { item: null } as const;
export const multiFields = {
  PHONE: field('crm_multifield', 'Phone', noItem),
  EMAIL: field('crm_multifield', 'E-mail', noItem),
  WEB: field('crm_multifield', 'Website', noItem),
  IM: field('crm_multifield', 'Messenger', noItem),
};
export const multifieldDefaults = { PHONE: 'WORK', EMAIL: 'WORK', WEB: 'WORK', IM: 'OTHER' } as const;
