/**
 * CRM records (deals, contacts, companies, their phone and e-mail multi-fields, deal-contact
 * bindings) and booking clients (client types, and the clients of wait-list entries and, later,
 * bookings). A migration is a snapshot: these column lists stay as they are even when the CRM
 * field declarations in src/crm/ grow; a new field gets a new migration.
 */
import type { Kysely } from 'kysely';
import { createTableWithId } from './columns.js';

type Kind = 'text' | 'bigint' | 'double precision';

const T = 'text' as const;
const I = 'bigint' as const;
/** Times, as everywhere in the store: integer milliseconds. */
const MS = 'bigint' as const;
const D = 'double precision' as const;

const utm: [string, Kind][] = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'].map((c) => [
  c,
  T,
]);
const audit: [string, Kind][] = [
  ['assigned_by_id', I],
  ['created_by_id', I],
  ['modify_by_id', I],
  ['date_create', MS],
  ['date_modify', MS],
  ['opened', T],
  ['comments', T],
  ['source_id', T],
  ['source_description', T],
  ['lead_id', I],
  ['originator_id', T],
  ['origin_id', T],
  ['last_activity_time', MS],
  ['last_activity_by', I],
  ...utm,
];
const address = (prefix: string): [string, Kind][] =>
  ['', '_2', '_city', '_postal_code', '_region', '_province', '_country'].map((s) => [`${prefix}${s}`, T]);
const communications: [string, Kind][] = [
  ['has_phone', T],
  ['has_email', T],
  ['has_imol', T],
  ['origin_version', T],
];

const tables: Record<string, [string, Kind][]> = {
  crm_deal: [
    ['title', T],
    ['type_id', T],
    ['category_id', I],
    ['stage_id', T],
    ['stage_semantic_id', T],
    ['is_new', T],
    ['is_recurring', T],
    ['is_return_customer', T],
    ['is_repeated_approach', T],
    ['probability', I],
    ['currency_id', T],
    ['opportunity', D],
    ['is_manual_opportunity', T],
    ['tax_value', D],
    ['company_id', I],
    ['contact_id', I],
    ['quote_id', I],
    ['begindate', MS],
    ['closedate', MS],
    ['closed', T],
    ['additional_info', T],
    ['location_id', T],
    ['moved_by_id', I],
    ['moved_time', MS],
    ...audit,
  ],
  crm_contact: [
    ['honorific', T],
    ['name', T],
    ['second_name', T],
    ['last_name', T],
    ['post', T],
    ['type_id', T],
    ['company_id', I],
    ['birthdate', MS],
    ['export', T],
    ['face_id', I],
    ...communications,
    ...address('address'),
    ...audit,
  ],
  crm_company: [
    ['title', T],
    ['company_type', T],
    ['industry', T],
    ['employees', T],
    ['revenue', D],
    ['currency_id', T],
    ['banking_details', T],
    ['is_my_company', T],
    ...communications,
    ...address('address'),
    ...address('reg_address'),
    ...audit,
  ],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, columns] of Object.entries(tables)) {
    let builder = createTableWithId(db, table);
    for (const [column, kind] of columns) builder = builder.addColumn(column, kind);
    await builder.execute();
  }
  await db.schema.createIndex('crm_deal_company').on('crm_deal').column('company_id').execute();
  await db.schema.createIndex('crm_contact_company').on('crm_contact').column('company_id').execute();

  // A deal's contacts (CONTACT_IDS); `crm_deal.contact_id` mirrors the first one.
  await createTableWithId(db, 'crm_deal_contact')
    .addColumn('deal_id', 'bigint', (c) => c.notNull())
    .addColumn('contact_id', 'bigint', (c) => c.notNull())
    .addColumn('sort', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('crm_deal_contact_deal').on('crm_deal_contact').columns(['deal_id', 'sort']).execute();
  await db.schema.createIndex('crm_deal_contact_contact').on('crm_deal_contact').column('contact_id').execute();

  // PHONE, EMAIL, ... of contacts and companies (Bitrix's b_crm_field_multi).
  await createTableWithId(db, 'crm_multifield')
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('element_id', 'bigint', (c) => c.notNull())
    .addColumn('type_id', 'text', (c) => c.notNull())
    .addColumn('value_type', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('crm_multifield_element')
    .on('crm_multifield')
    .columns(['entity_id', 'element_id'])
    .execute();

  await createTableWithId(db, 'booking_client_type')
    .addColumn('module_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .execute();
  await (db as Kysely<{ booking_client_type: { module_id: string; code: string } }>)
    .insertInto('booking_client_type')
    .values([
      { module_id: 'crm', code: 'COMPANY' },
      { module_id: 'crm', code: 'CONTACT' },
    ])
    .execute();

  // Clients of wait-list entries and bookings in one table, keyed by owner kind and id.
  await createTableWithId(db, 'booking_client')
    .addColumn('owner_kind', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'bigint', (c) => c.notNull())
    .addColumn('client_type_id', 'bigint', (c) => c.notNull())
    // Client ids are stored as given (PHP ints are 64-bit); nothing checks them against CRM.
    .addColumn('client_id', 'bigint', (c) => c.notNull())
    .addColumn('is_primary', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('booking_client_owner')
    .on('booking_client')
    .columns(['owner_kind', 'owner_id'])
    .execute();
}
