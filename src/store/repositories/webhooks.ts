import { prepared } from '../prepared.js';
import type { Executor } from '../store.js';

export interface WebhookRow {
  id: number;
  userId: number;
  scopes: string[];
  createdAt: number;
}

const toRow = (r: { id: number; user_id: number; scopes: string; created_at: number }): WebhookRow => ({
  id: r.id,
  userId: r.user_id,
  scopes: r.scopes.split(',').filter(Boolean),
  createdAt: Number(r.created_at),
});

/** Every request authenticates: built once. */
const bySecretHash = prepared((db, secretHash: string) =>
  db.selectFrom('webhook').select(['id', 'user_id', 'scopes', 'created_at']).where('secret_hash', '=', secretHash),
);

export class WebhookRepository {
  constructor(private readonly db: Executor) {}

  async findBySecretHash(secretHash: string): Promise<WebhookRow | undefined> {
    const row = await bySecretHash.first(this.db, secretHash);
    return row && toRow(row);
  }

  /**
   * Adds the webhook, or updates the user and scopes of the one with this secret. One statement,
   * so servers starting together with the same `--webhook` all end up with the one row.
   */
  async upsert(userId: number, secretHash: string, scopes: readonly string[], now: number): Promise<WebhookRow> {
    const row = await this.db
      .insertInto('webhook')
      .values({ user_id: userId, secret_hash: secretHash, scopes: scopes.join(','), created_at: now })
      .onConflict((oc) => oc.column('secret_hash').doUpdateSet({ user_id: userId, scopes: scopes.join(',') }))
      .returning(['id', 'user_id', 'scopes', 'created_at'])
      .executeTakeFirstOrThrow();
    return toRow(row);
  }

  async list(): Promise<WebhookRow[]> {
    const rows = await this.db
      .selectFrom('webhook')
      .select(['id', 'user_id', 'scopes', 'created_at'])
      .orderBy('id')
      .execute();
    return rows.map(toRow);
  }

  async remove(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('webhook').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom('webhook')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }
}
