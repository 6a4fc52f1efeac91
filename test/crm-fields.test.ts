/**
 * Every field the pages of crm.deal|contact|company.add and .update document and the server
 * stores is taken by add, changed by update and answered by get as the classic methods answer
 * values: strings, amounts with two decimals, dates as ISO 8601 at the server's midnight.
 */
import { describe, expect, it } from 'vitest';
import { ok } from './support/calls.js';
import { useServer } from './support/server.js';

const server = useServer();
const call = (method: string, params: unknown) => ok(server(), method, params);

/** A multi-field's values as sent: `[{VALUE, VALUE_TYPE}]`. */
type Multi = { VALUE: string; VALUE_TYPE: string }[];
type Fields = Record<string, string | number | Multi>;

interface Kinds {
  /** Amounts: answered with two decimals. */
  readonly amounts?: readonly string[];
  /** Dates: answered as the day's midnight on the server. */
  readonly dates?: readonly string[];
}

/**
 * Runs add or update, then get, and checks that get answers each sent field as sent (the rest
 * as strings); answers the record's id.
 */
async function writeAndRead(method: string, params: { id?: number; fields: Fields }, kinds: Kinds): Promise<number> {
  const written = (await call(method, params)).result;
  const id = params.id ?? (written as number);
  const record = (await call(method.replace(/\.(add|update)$/, '.get'), { id })).result;
  for (const [name, value] of Object.entries(params.fields)) {
    const answered = record[name];
    if (Array.isArray(value)) {
      const values = (answered as Multi).map(({ VALUE, VALUE_TYPE }) => ({ VALUE, VALUE_TYPE }));
      expect(values, name).toEqual(expect.arrayContaining(value));
    } else if (kinds.amounts?.includes(name)) expect(answered, name).toBe(Number(value).toFixed(2));
    else if (kinds.dates?.includes(name))
      expect(answered, name).toMatch(new RegExp(`^${value}T00:00:00[+-]\\d{2}:\\d{2}$`));
    else expect(answered, name).toBe(String(value));
  }
  return id;
}

describe('the documented fields of the classic CRM methods', () => {
  it('crm.deal.add takes each, crm.deal.update changes each, crm.deal.get answers each', async () => {
    const kinds = { amounts: ['OPPORTUNITY', 'TAX_VALUE'], dates: ['BEGINDATE', 'CLOSEDATE'] };
    const company = (await call('crm.company.add', { fields: { TITLE: 'Client' } })).result;
    const contact = (await call('crm.contact.add', { fields: { NAME: 'Ann' } })).result;
    const id = await writeAndRead(
      'crm.deal.add',
      {
        fields: {
          TITLE: 'Deal A',
          TYPE_ID: 'SALE',
          PROBABILITY: 30,
          CURRENCY_ID: 'EUR',
          OPPORTUNITY: 1000.5,
          IS_MANUAL_OPPORTUNITY: 'Y',
          TAX_VALUE: 10,
          COMPANY_ID: company,
          CONTACT_ID: contact,
          BEGINDATE: '2025-01-02',
          CLOSEDATE: '2025-02-03',
          OPENED: 'N',
          COMMENTS: 'first',
          ADDITIONAL_INFO: 'info A',
          LOCATION_ID: 'loc-1',
          IS_RECURRING: 'Y',
          IS_RETURN_CUSTOMER: 'Y',
          IS_REPEATED_APPROACH: 'Y',
          SOURCE_ID: 'WEB',
          SOURCE_DESCRIPTION: 'site A',
          ORIGINATOR_ID: 'erp',
          ORIGIN_ID: 'A-1',
          UTM_SOURCE: 'google',
          UTM_MEDIUM: 'CPC',
          UTM_CAMPAIGN: 'spring',
          UTM_CONTENT: 'banner',
          UTM_TERM: 'shoes',
        },
      },
      kinds,
    );
    await writeAndRead(
      'crm.deal.update',
      {
        id,
        fields: {
          TITLE: 'Deal B',
          TYPE_ID: 'GOODS',
          PROBABILITY: 70,
          CURRENCY_ID: 'USD',
          OPPORTUNITY: 2000,
          TAX_VALUE: 20,
          COMPANY_ID: company,
          CONTACT_ID: contact,
          BEGINDATE: '2025-03-04',
          CLOSEDATE: '2025-04-05',
          OPENED: 'Y',
          COMMENTS: 'second',
          ADDITIONAL_INFO: 'info B',
          LOCATION_ID: 'loc-2',
          IS_RECURRING: 'N',
          IS_REPEATED_APPROACH: 'N',
          SOURCE_ID: 'CALL',
          SOURCE_DESCRIPTION: 'site B',
          ORIGINATOR_ID: 'crm',
          ORIGIN_ID: 'B-2',
          UTM_SOURCE: 'bing',
          UTM_MEDIUM: 'email',
          UTM_CAMPAIGN: 'autumn',
          UTM_CONTENT: 'footer',
          UTM_TERM: 'boots',
        },
      },
      kinds,
    );
  });

  it('crm.contact.add takes each, crm.contact.update changes each, crm.contact.get answers each', async () => {
    const kinds = { dates: ['BIRTHDATE'] };
    const company = (await call('crm.company.add', { fields: { TITLE: 'Employer' } })).result;
    const id = await writeAndRead(
      'crm.contact.add',
      {
        fields: {
          HONORIFIC: 'HNR_EN_1',
          NAME: 'John',
          SECOND_NAME: 'Paul',
          LAST_NAME: 'Smith',
          POST: 'Manager',
          COMMENTS: 'first',
          TYPE_ID: 'CLIENT',
          SOURCE_ID: 'WEB',
          SOURCE_DESCRIPTION: 'site A',
          COMPANY_ID: company,
          BIRTHDATE: '1990-05-06',
          EXPORT: 'N',
          ASSIGNED_BY_ID: 1,
          OPENED: 'N',
          ORIGINATOR_ID: 'erp',
          ORIGIN_ID: 'A-1',
          ORIGIN_VERSION: 'v1',
          ADDRESS: '1 Main St',
          ADDRESS_2: 'Suite 2',
          ADDRESS_CITY: 'Springfield',
          ADDRESS_POSTAL_CODE: '12345',
          ADDRESS_REGION: 'North',
          ADDRESS_PROVINCE: 'State',
          ADDRESS_COUNTRY: 'Country',
          UTM_SOURCE: 'google',
          UTM_MEDIUM: 'CPC',
          UTM_CAMPAIGN: 'spring',
          UTM_CONTENT: 'banner',
          UTM_TERM: 'shoes',
          PHONE: [{ VALUE: '+15550100', VALUE_TYPE: 'MOBILE' }],
          EMAIL: [{ VALUE: 'john@example.com', VALUE_TYPE: 'HOME' }],
          WEB: [{ VALUE: 'example.com', VALUE_TYPE: 'WORK' }],
          IM: [{ VALUE: 'john', VALUE_TYPE: 'TELEGRAM' }],
        },
      },
      kinds,
    );
    await writeAndRead(
      'crm.contact.update',
      {
        id,
        fields: {
          HONORIFIC: 'HNR_EN_4',
          NAME: 'Jane',
          SECOND_NAME: 'Ann',
          LAST_NAME: 'Doe',
          POST: 'Director',
          COMMENTS: 'second',
          TYPE_ID: 'PARTNER',
          SOURCE_ID: 'CALL',
          SOURCE_DESCRIPTION: 'site B',
          COMPANY_ID: company,
          BIRTHDATE: '1991-07-08',
          EXPORT: 'Y',
          ASSIGNED_BY_ID: 1,
          OPENED: 'Y',
          ORIGINATOR_ID: 'crm',
          ORIGIN_ID: 'B-2',
          ORIGIN_VERSION: 'v2',
          ADDRESS: '2 High St',
          ADDRESS_2: 'Floor 3',
          ADDRESS_CITY: 'Shelbyville',
          ADDRESS_POSTAL_CODE: '54321',
          ADDRESS_REGION: 'South',
          ADDRESS_PROVINCE: 'Province',
          ADDRESS_COUNTRY: 'Other country',
          UTM_SOURCE: 'bing',
          UTM_MEDIUM: 'email',
          UTM_CAMPAIGN: 'autumn',
          UTM_CONTENT: 'footer',
          UTM_TERM: 'boots',
          PHONE: [{ VALUE: '+15550199', VALUE_TYPE: 'WORK' }],
          EMAIL: [{ VALUE: 'jane@example.com', VALUE_TYPE: 'WORK' }],
          WEB: [{ VALUE: 'example.org', VALUE_TYPE: 'HOME' }],
          IM: [{ VALUE: 'jane', VALUE_TYPE: 'SKYPE' }],
        },
      },
      kinds,
    );
  });

  it('crm.company.add takes each, crm.company.update changes each, crm.company.get answers each', async () => {
    const kinds = { amounts: ['REVENUE'] };
    const id = await writeAndRead(
      'crm.company.add',
      {
        fields: {
          TITLE: 'Acme',
          COMPANY_TYPE: 'CUSTOMER',
          INDUSTRY: 'IT',
          EMPLOYEES: 'EMPLOYEES_1',
          REVENUE: 3000000,
          CURRENCY_ID: 'EUR',
          BANKING_DETAILS: 'IBAN 1',
          COMMENTS: 'first',
          OPENED: 'N',
          IS_MY_COMPANY: 'N',
          ASSIGNED_BY_ID: 1,
          ORIGINATOR_ID: 'erp',
          ORIGIN_ID: 'A-1',
          ORIGIN_VERSION: 'v1',
          ADDRESS: '1 Main St',
          ADDRESS_CITY: 'Springfield',
          REG_ADDRESS: '9 Court St',
          REG_ADDRESS_COUNTRY: 'Country',
          UTM_SOURCE: 'google',
          UTM_MEDIUM: 'CPC',
          UTM_CAMPAIGN: 'spring',
          UTM_CONTENT: 'banner',
          UTM_TERM: 'shoes',
          PHONE: [{ VALUE: '+15550100', VALUE_TYPE: 'WORK' }],
          EMAIL: [{ VALUE: 'office@acme.example', VALUE_TYPE: 'WORK' }],
          WEB: [{ VALUE: 'acme.example', VALUE_TYPE: 'WORK' }],
          IM: [{ VALUE: 'acme', VALUE_TYPE: 'TELEGRAM' }],
        },
      },
      kinds,
    );
    await writeAndRead(
      'crm.company.update',
      {
        id,
        fields: {
          TITLE: 'Acme Ltd',
          COMPANY_TYPE: 'PARTNER',
          INDUSTRY: 'FINANCE',
          EMPLOYEES: 'EMPLOYEES_2',
          REVENUE: 1500.25,
          CURRENCY_ID: 'USD',
          BANKING_DETAILS: 'IBAN 2',
          COMMENTS: 'second',
          OPENED: 'Y',
          IS_MY_COMPANY: 'Y',
          ASSIGNED_BY_ID: 1,
          ORIGINATOR_ID: 'crm',
          ORIGIN_ID: 'B-2',
          ORIGIN_VERSION: 'v2',
          ADDRESS: '2 High St',
          ADDRESS_CITY: 'Shelbyville',
          REG_ADDRESS: '8 Court St',
          REG_ADDRESS_COUNTRY: 'Other country',
          UTM_SOURCE: 'bing',
          UTM_MEDIUM: 'email',
          UTM_CAMPAIGN: 'autumn',
          UTM_CONTENT: 'footer',
          UTM_TERM: 'boots',
          PHONE: [{ VALUE: '+15550199', VALUE_TYPE: 'MOBILE' }],
          EMAIL: [{ VALUE: 'sales@acme.example', VALUE_TYPE: 'HOME' }],
          WEB: [{ VALUE: 'acme.example/shop', VALUE_TYPE: 'HOME' }],
          IM: [{ VALUE: 'acme-sales', VALUE_TYPE: 'SKYPE' }],
        },
      },
      kinds,
    );
  });
});
