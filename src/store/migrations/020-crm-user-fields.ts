/**
 * Custom fields of CRM records (`UF_CRM_...`, `ufCrm...` in crm.item.*): their declarations
 * (`crm.deal.userfield.add` and the like), by the owner name Bitrix24 files them under
 * (`CRM_DEAL`, `CRM_LEAD`, `CRM_CONTACT`, `CRM_COMPANY`), and their values, one row per value
 * (a multiple field has several), so a filter on a value reads an index.
 */
import type { Kysely } from 'kysely';
import { createTableWithId } from './columns.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await createTableWithId(db, 'crm_user_field')
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('field_name', 'text', (c) => c.notNull())
    .addColumn('user_type_id', 'text', (c) => c.notNull())
    .addColumn('multiple', 'text', (c) => c.notNull())
    .addColumn('mandatory', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('sort', 'bigint', (c) => c.notNull())
    .addColumn('xml_id', 'text')
    .execute();
  await db.schema
    .createIndex('crm_user_field_name')
    .on('crm_user_field')
    .columns(['entity_id', 'field_name'])
    .unique()
    .execute();
  await createTableWithId(db, 'crm_user_field_value')
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('element_id', 'bigint', (c) => c.notNull())
    .addColumn('field_name', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('crm_user_field_value_element')
    .on('crm_user_field_value')
    .columns(['entity_id', 'element_id'])
    .execute();
  await db.schema
    .createIndex('crm_user_field_value_value')
    .on('crm_user_field_value')
    .columns(['entity_id', 'field_name', 'value'])
    .execute();
}
