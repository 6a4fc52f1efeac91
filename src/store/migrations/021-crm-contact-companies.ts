/** A contact's companies (`COMPANY_IDS`, `companyIds`): a JSON list of ids; COMPANY_ID is its first. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('crm_contact').addColumn('company_ids', 'text').execute();
}
