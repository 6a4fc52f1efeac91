import type { DialectName } from '../dialect.js';
import { prepared } from '../prepared.js';
import type { DeliveryState } from '../schema.js';
import type { Executor } from '../store.js';

const anyDue = prepared((db, now: number) =>
  db.selectFrom('event_delivery').select('id').where('state', '=', 'pending').where('due_at', '<=', now).limit(1),
);

/** A delivery claimed for a try, with what the try sends. */
export interface ClaimedDelivery {
  id: number;
  /** Tries so far, this one included. */
  attempt: number;
  outboxId: number;
  event: string;
  data: unknown;
  handlerId: number;
  appId: number;
  handler: string;
  /** The user the tokens are for: the binding's auth_type, or the user who bound it. */
  userId: number;
}

export interface FailedDelivery {
  id: number;
  outboxId: number;
  event: string;
  data: unknown;
  handlerId: number;
  handler: string;
  attempts: number;
  lastError: string | null;
  failedAt: number;
}

/** The deliveries of outbox entries to online handlers, with their state and tries. */
export class EventDeliveryRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

  async create(pairs: readonly { outboxId: number; handlerId: number }[], now: number): Promise<void> {
    if (pairs.length === 0) return;
    await this.db
      .insertInto('event_delivery')
      .values(
        pairs.map((p) => ({
          outbox_id: p.outboxId,
          handler_id: p.handlerId,
          state: 'pending' as DeliveryState,
          attempts: 0,
          due_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }

  /** Whether any pending delivery is due at `now` (outside a transaction: a hint, not a claim). */
  async anyDue(now: number): Promise<boolean> {
    return (await anyDue.first(this.db, now)) !== undefined;
  }

  /**
   * Inside a write: takes up to `limit` due deliveries for a try, counting the try and leasing
   * them until `leaseUntil` (a process that dies mid-try leaves them due again then). On
   * PostgreSQL rows another process is claiming are skipped.
   */
  async claimDue(
    now: number,
    limit: number,
    leaseUntil: number,
    /** How many more tries each handler may have in flight; a handler not listed, `perHandler`. */
    room: (handlerId: number) => number,
  ): Promise<ClaimedDelivery[]> {
    let q = this.db
      .selectFrom('event_delivery')
      .select(['id', 'handler_id'])
      .where('state', '=', 'pending')
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .orderBy('id')
      // Candidates beyond the limit, so a handler at its share leaves room for the others.
      .limit(limit * 4);
    if (this.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const taken = new Map<number, number>();
    const ids: number[] = [];
    for (const row of await q.execute()) {
      if (ids.length === limit) break;
      const n = taken.get(row.handler_id) ?? 0;
      if (n >= room(row.handler_id)) continue;
      taken.set(row.handler_id, n + 1);
      ids.push(row.id);
    }
    if (ids.length === 0) return [];
    await this.db
      .updateTable('event_delivery')
      .set((eb) => ({ due_at: leaseUntil, attempts: eb('attempts', '+', 1), updated_at: now }))
      .where('id', 'in', ids)
      .execute();
    const rows = await this.db
      .selectFrom('event_delivery as d')
      .innerJoin('event_outbox as o', 'o.id', 'd.outbox_id')
      .innerJoin('event_handler as h', 'h.id', 'd.handler_id')
      .select([
        'd.id',
        'd.attempts',
        'd.outbox_id',
        'o.event',
        'o.payload',
        'd.handler_id',
        'h.app_id',
        'h.handler',
        'h.auth_type',
        'h.bound_by',
      ])
      .where('d.id', 'in', ids)
      .orderBy('d.id')
      .execute();
    // A delivery whose handler was unbound meanwhile has no row here: it is dropped below.
    const found = new Set(rows.map((r) => r.id));
    const orphans = ids.filter((id) => !found.has(id));
    if (orphans.length > 0) await this.db.deleteFrom('event_delivery').where('id', 'in', orphans).execute();
    return rows.map((r) => ({
      id: r.id,
      attempt: r.attempts,
      outboxId: r.outbox_id,
      event: r.event,
      data: JSON.parse(r.payload),
      handlerId: r.handler_id,
      appId: r.app_id,
      handler: r.handler,
      userId: r.auth_type > 0 ? r.auth_type : r.bound_by,
    }));
  }

  async delivered(ids: readonly number[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('event_delivery')
      .set({ state: 'delivered', last_error: null, updated_at: now })
      .where('id', 'in', ids)
      .execute();
  }

  /** A failed try: due again at `retryAt`, or given up on when that is undefined. */
  async failedTry(id: number, error: string, now: number, retryAt: number | undefined): Promise<void> {
    await this.db
      .updateTable('event_delivery')
      .set(
        retryAt === undefined
          ? { state: 'failed', last_error: error, updated_at: now }
          : { due_at: retryAt, last_error: error, updated_at: now },
      )
      .where('id', '=', id)
      .execute();
  }

  /** Deliveries given up on, oldest first. */
  async failed(): Promise<FailedDelivery[]> {
    const rows = await this.db
      .selectFrom('event_delivery as d')
      .innerJoin('event_outbox as o', 'o.id', 'd.outbox_id')
      .leftJoin('event_handler as h', 'h.id', 'd.handler_id')
      .select([
        'd.id',
        'd.outbox_id',
        'o.event',
        'o.payload',
        'd.handler_id',
        'h.handler',
        'd.attempts',
        'd.last_error',
        'd.updated_at',
      ])
      .where('d.state', '=', 'failed')
      .orderBy('d.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      outboxId: r.outbox_id,
      event: r.event,
      data: JSON.parse(r.payload),
      handlerId: r.handler_id,
      handler: r.handler ?? '',
      attempts: r.attempts,
      lastError: r.last_error,
      failedAt: Number(r.updated_at),
    }));
  }

  /** How many deliveries are in each state (for tests and the benchmark). */
  async counts(): Promise<Record<DeliveryState, number>> {
    const rows = await this.db
      .selectFrom('event_delivery')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute();
    const out: Record<DeliveryState, number> = { pending: 0, delivered: 0, failed: 0 };
    for (const r of rows) out[r.state] = Number(r.n);
    return out;
  }
}
