import { prepared } from '../prepared.js';
import type { Executor } from '../store.js';

const byName = prepared((db, name: string) =>
  db
    .selectFrom('portal')
    .select(['name', 'member_id', 'settings', 'created_at', 'clock_offset'])
    .where('name', '=', name),
);

export interface PortalRow {
  name: string;
  memberId: string;
  /** The settings as stored (JSON), checked by src/portals/settings.ts. */
  settings: string;
  createdAt: number;
  /** How far the portal's clock is ahead of real time, ms (see AdjustableClock). */
  clockOffset: number;
}

/** The row of the default portal: its settings and clock, shared by every process (src/portals/). */
export const DEFAULT_PORTAL_ROW = 'default';

/**
 * The portals (`default` among them, with a row of its own for its settings and clock), and which of them each credential belongs to: a webhook
 * secret (its hash), or an application's client id or an access token (their hash behind a
 * prefix naming the kind, see src/portals/portals.ts credentialKey).
 */
export class PortalDirectoryRepository {
  constructor(private readonly db: Executor) {}

  async insert(row: PortalRow): Promise<boolean> {
    const result = await this.db
      .insertInto('portal')
      .values(values(row))
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** The default portal's row as a start-up sets it (the flags' settings, `--clock`). */
  async putDefault(row: PortalRow): Promise<void> {
    await this.db
      .insertInto('portal')
      .values(values(row))
      .onConflict((oc) => oc.column('name').doUpdateSet({ settings: row.settings, clock_offset: row.clockOffset }))
      .execute();
  }

  /** The portals other than `default`, oldest first. */
  async list(): Promise<PortalRow[]> {
    const rows = await this.db
      .selectFrom('portal')
      .selectAll()
      .where('name', '!=', DEFAULT_PORTAL_ROW)
      .orderBy('created_at')
      .orderBy('name')
      .execute();
    return rows.map(toRow);
  }

  /** These portals' rows (the open ones, read again for other processes' changes). */
  async findMany(names: readonly string[]): Promise<PortalRow[]> {
    if (names.length === 0) return [];
    const rows = await this.db.selectFrom('portal').selectAll().where('name', 'in', names).execute();
    return rows.map(toRow);
  }

  /** Calls to a portal read its row again each second (for other processes' changes): built once. */
  async find(name: string): Promise<PortalRow | undefined> {
    const row = await byName.first(this.db, name);
    return row && toRow(row);
  }

  async updateSettings(name: string, settings: string): Promise<void> {
    await this.db.updateTable('portal').set({ settings }).where('name', '=', name).execute();
  }

  /** Marks the portal as one a start opens to deliver its events (it has had a binding). */
  async markDelivering(name: string): Promise<void> {
    await this.db
      .updateTable('portal')
      .set({ delivers: 1 })
      .where('name', '=', name)
      .where('delivers', '=', 0)
      .execute();
  }

  /** The portals (other than `default`) a start opens to deliver their events. */
  async delivering(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('portal')
      .select('name')
      .where('delivers', '=', 1)
      .where('name', '!=', DEFAULT_PORTAL_ROW)
      .execute();
    return rows.map((r) => r.name);
  }

  async setClockOffset(name: string, offset: number): Promise<void> {
    await this.db
      .updateTable('portal')
      .set({ clock_offset: Math.round(offset) })
      .where('name', '=', name)
      .execute();
  }

  /** Removes the portal and the record of its credentials. */
  async remove(name: string): Promise<boolean> {
    await this.db.deleteFrom('portal_credential').where('portal', '=', name).execute();
    const result = await this.db.deleteFrom('portal').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Records that the secret with this hash belongs to `portal`; false when it belongs to another. */
  async claimSecret(secretHash: string, portal: string, expiresAt?: number): Promise<boolean> {
    await this.db
      .insertInto('portal_credential')
      .values({ secret_hash: secretHash, portal, expires_at: expiresAt ?? null })
      .onConflict((oc) => oc.column('secret_hash').doNothing())
      .execute();
    return (await this.portalOf(secretHash)) === portal;
  }

  /** Drops these entries of `portal` (an entry of another portal stays). */
  async forget(secretHashes: readonly string[], portal: string): Promise<void> {
    if (secretHashes.length === 0) return;
    await this.db
      .deleteFrom('portal_credential')
      .where('secret_hash', 'in', secretHashes)
      .where('portal', '=', portal)
      .execute();
  }

  /** Drops the entries of credentials that stopped working before `before` (real time, ms). */
  async pruneExpired(before: number): Promise<void> {
    await this.db.deleteFrom('portal_credential').where('expires_at', '<', before).execute();
  }

  async portalOf(secretHash: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('portal_credential')
      .select('portal')
      .where('secret_hash', '=', secretHash)
      .executeTakeFirst();
    return row?.portal;
  }
}

function values(row: PortalRow) {
  return {
    name: row.name,
    member_id: row.memberId,
    settings: row.settings,
    created_at: row.createdAt,
    clock_offset: Math.round(row.clockOffset),
  };
}

function toRow(r: {
  name: string;
  member_id: string;
  settings: string;
  created_at: number;
  clock_offset: number;
}): PortalRow {
  return {
    name: r.name,
    memberId: r.member_id,
    settings: r.settings,
    createdAt: Number(r.created_at),
    // PostgreSQL hands a bigint over as a string.
    clockOffset: Number(r.clock_offset),
  };
}
