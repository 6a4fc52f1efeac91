import type { DialectName } from '../dialect.js';
import { prepared, preparedIn, preparedRows } from '../prepared.js';
import type { DeliveryState } from '../schema.js';
import type { Executor } from '../store.js';

const anyDue = prepared((db, now: number) =>
  db.selectFrom('event_delivery').select('id').where('state', '=', 'pending').where('due_at', '<=', now).limit(1),
);

// The worker's statements, built once (prepared.ts): they run on every pass under load.
const insertDeliveries = preparedRows(['outboxId', 'handlerId'], (db, pairs: DeliveryPair[], now: number) =>
  db.insertInto('event_delivery').values(
    pairs.map((p) => ({
      outbox_id: p.outboxId,
      handler_id: p.handlerId,
      state: 'pending' as DeliveryState,
      attempts: 0,
      due_at: now,
      updated_at: now,
    })),
  ),
);

const leaseTries = preparedIn((db, ids: number[], leaseUntil: number, now: number) =>
  db
    .updateTable('event_delivery')
    .set((eb) => ({ due_at: leaseUntil, attempts: eb('attempts', '+', 1), updated_at: now }))
    .where('id', 'in', ids),
);

/** Deliveries with the outbox entry each one sends. */
const withEntry = (db: Executor) =>
  db.selectFrom('event_delivery as d').innerJoin('event_outbox as o', 'o.id', 'd.outbox_id');

const claimedTries = preparedIn((db, ids: number[]) =>
  withEntry(db)
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
    .where('d.id', 'in', ids),
);

const markDelivered = preparedIn((db, ids: number[], status: number, now: number) =>
  db
    .updateTable('event_delivery')
    .set({ state: 'delivered', last_error: null, last_status: status, updated_at: now })
    .where('id', 'in', ids),
);

interface DeliveryPair {
  outboxId: number;
  handlerId: number;
}

const onlineHandlers = prepared((db) =>
  db.selectFrom('event_handler').select(['id', 'app_id']).where('offline', '=', 0),
);

/** A due delivery, as the claim chooses among them. */
export interface DueDelivery {
  id: number;
  handlerId: number;
  appId: number;
}

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

/** A delivery as the admin API lists it. */
export interface DeliveryRow {
  id: number;
  event: string;
  handler: string;
  state: DeliveryState;
  attempts: number;
  lastError: string | null;
  lastStatus: number | null;
  updatedAt: number;
}

/** The deliveries of outbox entries to online handlers, with their state and tries. */
export class EventDeliveryRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

  async create(pairs: readonly DeliveryPair[], now: number): Promise<void> {
    await insertDeliveries.run(this.db, pairs, now);
  }

  /** Whether any pending delivery is due at `now` (outside a transaction: a hint, not a claim). */
  async anyDue(now: number): Promise<boolean> {
    return (await anyDue.first(this.db, now)) !== undefined;
  }

  /**
   * Whether `skip` passes over every online binding, so no due row can be taken. Asked before the
   * claim's query, which would otherwise read the whole backlog to find nothing: with one
   * application at its share, that was every other pass while a backlog drained (measured: 55%
   * of the server's CPU, 900 POSTs a second instead of thousands, with 500,000 deliveries due).
   * The bindings are few; the backlog is not.
   */
  private async everyHandlerSkipped(skip: { handlers: readonly number[]; apps: readonly number[] }): Promise<boolean> {
    const handlers = new Set(skip.handlers);
    const apps = new Set(skip.apps);
    const online = await onlineHandlers.all(this.db);
    return online.every((h) => handlers.has(h.id) || apps.has(h.app_id));
  }

  /**
   * Inside a write: takes the due deliveries `pick` chooses among up to `candidates` of them
   * (oldest first, passing over the handlers and applications in `skip`), counting the try and
   * leasing them until `leaseUntil` (a process that dies mid-try leaves them due again then).
   * On PostgreSQL rows another process is claiming are skipped.
   */
  async claimDue(
    now: number,
    candidates: number,
    leaseUntil: number,
    /** Handlers and applications with no room for another try: their rows leave room for others. */
    skip: { handlers: readonly number[]; apps: readonly number[] },
    pick: (due: DueDelivery[]) => number[],
  ): Promise<ClaimedDelivery[]> {
    if ((skip.handlers.length > 0 || skip.apps.length > 0) && (await this.everyHandlerSkipped(skip))) return [];
    let q = this.db
      .selectFrom('event_delivery as d')
      .leftJoin('event_handler as h', 'h.id', 'd.handler_id')
      .select(['d.id', 'd.handler_id', 'h.app_id'])
      .where('d.state', '=', 'pending')
      .where('d.due_at', '<=', now)
      .orderBy('d.due_at')
      .orderBy('d.id')
      .limit(candidates);
    if (skip.handlers.length > 0) q = q.where('d.handler_id', 'not in', skip.handlers);
    if (skip.apps.length > 0)
      q = q.where((eb) => eb.or([eb('h.app_id', 'is', null), eb('h.app_id', 'not in', skip.apps)]));
    if (this.dialect === 'postgres') q = q.forUpdate(['d']).skipLocked();
    const due: DueDelivery[] = [];
    // A delivery whose handler was unbound meanwhile is dropped, not tried.
    const orphans: number[] = [];
    for (const row of await q.execute()) {
      if (row.app_id === null) orphans.push(row.id);
      else due.push({ id: row.id, handlerId: row.handler_id, appId: row.app_id });
    }
    if (orphans.length > 0) await this.db.deleteFrom('event_delivery').where('id', 'in', orphans).execute();
    const ids = pick(due);
    if (ids.length === 0) return [];
    await leaseTries.all(this.db, ids, leaseUntil, now);
    const rows = (await claimedTries.all(this.db, ids)).sort((x, y) => x.id - y.id);
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

  /** Tries that succeeded, with the status each handler answered (one UPDATE per status, mostly one). */
  async delivered(tries: readonly { id: number; status: number }[], now: number): Promise<void> {
    for (const status of new Set(tries.map((t) => t.status))) {
      const ids = tries.filter((t) => t.status === status).map((t) => t.id);
      await markDelivered.all(this.db, ids, status, now);
    }
  }

  /** A failed try: due again at `retryAt`, or given up on when that is undefined. */
  async failedTry(
    id: number,
    failure: { error: string; status?: number },
    now: number,
    retryAt: number | undefined,
  ): Promise<void> {
    const last = { last_error: failure.error, last_status: failure.status ?? null, updated_at: now };
    await this.db
      .updateTable('event_delivery')
      .set(retryAt === undefined ? { state: 'failed', ...last } : { due_at: retryAt, ...last })
      .where('id', '=', id)
      .execute();
  }

  /**
   * A handler that failed waits as a whole: its other deliveries that are due now wait until
   * `until` instead, without a try counted (they were not tried). Rows in flight (leased) are
   * left alone, and on PostgreSQL so are rows another process holds: the postponement is a hint
   * that never waits for a lock, so two processes recording failures of one handler cannot
   * deadlock on each other's rows.
   */
  async postponeHandler(handlerId: number, until: number, now: number): Promise<void> {
    let waiting = this.db
      .selectFrom('event_delivery')
      .select('id')
      .where('handler_id', '=', handlerId)
      .where('state', '=', 'pending')
      .where('due_at', '<=', now);
    if (this.dialect === 'postgres') waiting = waiting.forUpdate().skipLocked();
    await this.db
      .updateTable('event_delivery')
      .set({ due_at: until, updated_at: now })
      .where('id', 'in', waiting)
      .execute();
  }

  /** Deliveries given up on, oldest first. */
  async failed(): Promise<FailedDelivery[]> {
    const rows = await withEntry(this.db)
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

  /** The newest `limit` deliveries (of one state, when given), oldest first. */
  async list(limit: number, state?: DeliveryState): Promise<DeliveryRow[]> {
    let q = this.db
      .selectFrom('event_delivery as d')
      .innerJoin('event_outbox as o', 'o.id', 'd.outbox_id')
      .leftJoin('event_handler as h', 'h.id', 'd.handler_id')
      .select([
        'd.id',
        'o.event',
        'h.handler',
        'd.state',
        'd.attempts',
        'd.last_error',
        'd.last_status',
        'd.updated_at',
      ])
      .orderBy('d.id', 'desc')
      .limit(limit);
    if (state !== undefined) q = q.where('d.state', '=', state);
    const rows = await q.execute();
    return rows.reverse().map((r) => ({
      id: r.id,
      event: r.event,
      handler: r.handler ?? '',
      state: r.state,
      attempts: r.attempts,
      lastError: r.last_error,
      lastStatus: r.last_status,
      updatedAt: Number(r.updated_at),
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
