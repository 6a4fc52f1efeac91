/** `observers` of deals, contacts and companies (`crm.item.*`): a JSON list of user ids. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['crm_deal', 'crm_contact', 'crm_company']) {
    await db.schema.alterTable(table).addColumn('observers', 'text').execute();
  }
}
