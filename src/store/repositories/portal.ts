import { sql } from 'kysely';
import type { DialectName } from '../dialect.js';
import type { Executor } from '../store.js';

/** The key of the transaction-level advisory lock that start-ups take on PostgreSQL. */
const STARTUP_LOCK_KEY = 0x62323462; // 'b24b'

export interface PortalUser {
  id: number;
  name: string;
  lastName: string;
  isAdmin: boolean;
}

/** The portal's users and its process-independent settings. */
export class PortalRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

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

  /**
   * Within a write transaction: waits for any other server's start-up to commit, so that
   * servers starting together on one empty database make one first webhook, not one each.
   * On SQLite the write transaction holds the file's write lock already.
   */
  async lockStartup(): Promise<void> {
    if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${STARTUP_LOCK_KEY})`.execute(this.db);
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
