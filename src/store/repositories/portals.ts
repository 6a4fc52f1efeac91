import { prepared } from '../prepared.js';
import type { Executor } from '../store.js';

const byName = prepared((db, name: string) =>
  db.selectFrom('portal').select(['name', 'member_id', 'settings', 'created_at']).where('name', '=', name),
);

export interface PortalRow {
  name: string;
  memberId: string;
  /** The settings as stored (JSON), checked by src/portals/settings.ts. */
  settings: string;
  createdAt: number;
}

/**
 * The portals other than `default`, and which of them each credential belongs to: a webhook
 * secret (its hash), or an application's client id or an access token (their hash behind a
 * prefix naming the kind, see src/portals/portals.ts credentialKey).
 */
export class PortalDirectoryRepository {
  constructor(private readonly db: Executor) {}

  async insert(row: PortalRow): Promise<boolean> {
    const result = await this.db
      .insertInto('portal')
      .values({ name: row.name, member_id: row.memberId, settings: row.settings, created_at: row.createdAt })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async list(): Promise<PortalRow[]> {
    const rows = await this.db.selectFrom('portal').selectAll().orderBy('created_at').orderBy('name').execute();
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

  /** Removes the portal and the record of its credentials. */
  async remove(name: string): Promise<boolean> {
    await this.db.deleteFrom('portal_credential').where('portal', '=', name).execute();
    const result = await this.db.deleteFrom('portal').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Records that the secret with this hash belongs to `portal`; false when it belongs to another. */
  async claimSecret(secretHash: string, portal: string): Promise<boolean> {
    await this.db
      .insertInto('portal_credential')
      .values({ secret_hash: secretHash, portal })
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

  async portalOf(secretHash: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('portal_credential')
      .select('portal')
      .where('secret_hash', '=', secretHash)
      .executeTakeFirst();
    return row?.portal;
  }
}

function toRow(r: { name: string; member_id: string; settings: string; created_at: number }): PortalRow {
  return { name: r.name, memberId: r.member_id, settings: r.settings, createdAt: Number(r.created_at) };
}
