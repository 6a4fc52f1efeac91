/** Leads (`crm.lead.*`, `crm.item.*` with entityTypeId 1), with the columns of their fields then. */
import type { Kysely } from 'kysely';
import { createTableWithId } from './columns.js';

const T = 'text' as const;
const I = 'bigint' as const;
const D = 'double precision' as const;

const address = ['', '_2', '_city', '_postal_code', '_region', '_province', '_country'].map(
  (s) => [`address${s}`, T] as const,
);

const LEAD_COLUMNS: readonly (readonly [string, typeof T | typeof I | typeof D])[] = [
  ['title', T],
  ['honorific', T],
  ['name', T],
  ['second_name', T],
  ['last_name', T],
  ['birthdate', I],
  ['company_title', T],
  ['source_id', T],
  ['source_description', T],
  ['status_id', T],
  ['status_description', T],
  ['status_semantic_id', T],
  ['post', T],
  ...address,
  ['currency_id', T],
  ['opportunity', D],
  ['is_manual_opportunity', T],
  ['opened', T],
  ['comments', T],
  ['has_phone', T],
  ['has_email', T],
  ['has_imol', T],
  ['assigned_by_id', I],
  ['created_by_id', I],
  ['modify_by_id', I],
  ['date_create', I],
  ['date_modify', I],
  ['company_id', I],
  ['contact_id', I],
  /** CONTACT_IDS: a JSON list of ids, CONTACT_ID its first. */
  ['contact_ids', T],
  ['is_return_customer', T],
  ['date_closed', I],
  ['originator_id', T],
  ['origin_id', T],
  ['moved_by_id', I],
  ['moved_time', I],
  ['utm_source', T],
  ['utm_medium', T],
  ['utm_campaign', T],
  ['utm_content', T],
  ['utm_term', T],
  ['last_activity_time', I],
  ['last_activity_by', I],
  ['observers', T],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  let leads = createTableWithId(db, 'crm_lead');
  for (const [column, kind] of LEAD_COLUMNS) leads = leads.addColumn(column, kind);
  await leads.execute();
  await db.schema.createIndex('crm_lead_assigned').on('crm_lead').column('assigned_by_id').execute();
  await db.schema.createIndex('crm_lead_status').on('crm_lead').column('status_id').execute();
}
