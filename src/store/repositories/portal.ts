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

/** A user as `user.get` shows one: the profile's fields and the rest of the record. */
export interface PortalUserRecord extends PortalUser {
  secondName: string;
  email: string;
  workPosition: string;
  personalGender: string;
  personalMobile: string;
  workPhone: string;
  departments: number[];
  active: boolean;
  createdAt: number;
}

/** A user as a seed document makes one: what it does not name keeps the column's default. */
export type NewPortalUser = PortalUser & Partial<Omit<PortalUserRecord, keyof PortalUser | 'createdAt'>>;

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

  /** Every user of the portal, by id (a portal has a handful, not thousands). */
  async users(): Promise<PortalUserRecord[]> {
    const rows = await this.db.selectFrom('portal_user').selectAll().orderBy('id').execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      lastName: row.last_name,
      isAdmin: row.is_admin === 1,
      secondName: row.second_name,
      email: row.email,
      workPosition: row.work_position,
      personalGender: row.personal_gender,
      personalMobile: row.personal_mobile,
      workPhone: row.work_phone,
      departments: JSON.parse(row.departments) as number[],
      active: row.active === 1,
      createdAt: row.created_at,
    }));
  }

  /** Makes the user, or replaces what is known of it (a seed document's `users`). */
  async putUser(user: NewPortalUser, now: number): Promise<void> {
    const values = {
      name: user.name,
      last_name: user.lastName,
      is_admin: user.isAdmin ? 1 : 0,
      second_name: user.secondName ?? '',
      email: user.email ?? '',
      work_position: user.workPosition ?? '',
      personal_gender: user.personalGender ?? '',
      personal_mobile: user.personalMobile ?? '',
      work_phone: user.workPhone ?? '',
      departments: JSON.stringify(user.departments ?? [1]),
      active: user.active === false ? 0 : 1,
    };
    await this.db
      .insertInto('portal_user')
      .values({ id: user.id, created_at: now, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
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
