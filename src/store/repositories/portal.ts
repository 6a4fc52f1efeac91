import type { Executor } from '../store.js';

export interface PortalUser {
  id: number;
  name: string;
  lastName: string;
  isAdmin: boolean;
}

/** The portal's users and its process-independent settings. */
export class PortalRepository {
  constructor(private readonly db: Executor) {}

  async findUser(id: number): Promise<PortalUser | undefined> {
    const row = await this.db
      .selectFrom('portal_user')
      .select(['id', 'name', 'last_name', 'is_admin'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { id: row.id, name: row.name, lastName: row.last_name, isAdmin: row.is_admin === 1 };
  }

  /** Creates the user with default data unless it exists; concurrent callers are fine. */
  async ensureUser(user: PortalUser, now: number): Promise<void> {
    await this.db
      .insertInto('portal_user')
      .values({
        id: user.id,
        name: user.name,
        last_name: user.lastName,
        is_admin: user.isAdmin ? 1 : 0,
        created_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  /** The setting's value, storing `initial` first when there is none (the first writer wins). */
  async setting(name: string, initial: () => string): Promise<string> {
    const existing = await this.readSetting(name);
    if (existing !== undefined) return existing;
    await this.db
      .insertInto('portal_setting')
      .values({ name, value: initial() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    return (await this.readSetting(name)) as string;
  }

  private async readSetting(name: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('portal_setting').select('value').where('name', '=', name).executeTakeFirst();
    return row?.value;
  }
}
