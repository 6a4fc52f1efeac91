import { sql } from 'kysely';
import type { Executor } from '../store.js';

const MINUTE_MS = 60_000;

/** The operating-time window: ten one-minute baskets. */
export const OPERATING_WINDOW_MS = 10 * MINUTE_MS;

export interface OperatingTotal {
  /** Seconds accumulated in the live baskets. */
  seconds: number;
  /** When the oldest live basket started (ms), if there is one. */
  oldestStart: number | undefined;
}

/** The counters of the rate and operating-time limits, each kept with one atomic statement. */
export class LimitsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Drains the client's bucket by `drainPerSecond` since its last request and adds this one,
   * unless that would take it over `threshold`. One INSERT .. ON CONFLICT DO UPDATE .. WHERE:
   * the row is locked while it is read and written, on SQLite and on PostgreSQL alike.
   * @returns whether the request is admitted
   */
  async admit(clientKey: string, now: number, threshold: number, drainPerSecond: number): Promise<boolean> {
    const perMs = drainPerSecond / 1000;
    const elapsed = sql`(CAST(${now} AS double precision) - rate_bucket.updated_at)`;
    const drain = sql`(${elapsed} * CAST(${perMs} AS double precision))`;
    const drained = sql<number>`(CASE WHEN rate_bucket.level < ${drain} THEN 0 ELSE rate_bucket.level - ${drain} END)`;
    const row = await this.db
      .insertInto('rate_bucket')
      .values({ client_key: clientKey, level: 1, updated_at: now })
      .onConflict((oc) =>
        oc
          .column('client_key')
          .doUpdateSet({ level: sql<number>`${drained} + 1`, updated_at: now })
          .where(sql<number>`${drained} + 1`, '<=', threshold),
      )
      .returning('level')
      .executeTakeFirst();
    return row !== undefined;
  }

  async operatingTotal(clientKey: string, method: string, now: number): Promise<OperatingTotal> {
    const row = await this.db
      .selectFrom('operating_basket')
      .select((eb) => [eb.fn.sum<number>('seconds').as('seconds'), eb.fn.min<number>('started_at').as('oldest')])
      .where('client_key', '=', clientKey)
      .where('method', '=', method)
      .where('started_at', '>', now - OPERATING_WINDOW_MS)
      .executeTakeFirst();
    return {
      seconds: Number(row?.seconds ?? 0),
      oldestStart: row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest),
    };
  }

  /** Adds a call's time to the basket of the current minute and drops baskets out of the window. */
  async recordOperating(clientKey: string, method: string, now: number, seconds: number): Promise<void> {
    await this.db
      .insertInto('operating_basket')
      .values({ client_key: clientKey, method, minute: Math.floor(now / MINUTE_MS), started_at: now, seconds })
      .onConflict((oc) =>
        oc
          .columns(['client_key', 'method', 'minute'])
          .doUpdateSet({ seconds: sql<number>`operating_basket.seconds + excluded.seconds` }),
      )
      .execute();
    await this.db
      .deleteFrom('operating_basket')
      .where('client_key', '=', clientKey)
      .where('method', '=', method)
      .where('started_at', '<=', now - OPERATING_WINDOW_MS)
      .execute();
  }
}
