/**
 * What `user.get` shows of a portal's users (e-mail, position, department, ...), and user 1, the
 * administrator a new Bitrix24 portal starts with.
 */
import type { Kysely } from 'kysely';

const TEXT_COLUMNS = ['second_name', 'email', 'work_position', 'personal_gender', 'personal_mobile', 'work_phone'];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of TEXT_COLUMNS) {
    await db.schema
      .alterTable('portal_user')
      .addColumn(column, 'text', (c) => c.notNull().defaultTo(''))
      .execute();
  }
  // JSON list of department ids; every user is in the company's root department (1).
  await db.schema
    .alterTable('portal_user')
    .addColumn('departments', 'text', (c) => c.notNull().defaultTo('[1]'))
    .execute();
  await db.schema
    .alterTable('portal_user')
    .addColumn('active', 'bigint', (c) => c.notNull().defaultTo(1))
    .execute();
  await (
    db as Kysely<{ portal_user: { id: number; name: string; last_name: string; is_admin: number; created_at: number } }>
  )
    .insertInto('portal_user')
    .values({ id: 1, name: 'User 1', last_name: '', is_admin: 1, created_at: Date.now() })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
