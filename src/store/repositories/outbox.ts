import type { BoundEvents } from '../bound-events.js';
import type { DialectName } from '../dialect.js';
import { prepared, preparedIn } from '../prepared.js';
import type { Executor } from '../store.js';

/** Every write records an event: built once. */
const insertEvent = prepared((db, event: string, payload: string, createdAt: number, dispatchedAt: number | null) =>
  db.insertInto('event_outbox').values({ event, payload, created_at: createdAt, dispatched_at: dispatchedAt }),
);

/** Whether any binding (online or offline) takes an event: names are kept upper-case there. */
const anyBindingOf = prepared((db, event: string) =>
  db.selectFrom('event_handler').select('id').where('event', '=', event).limit(1),
);

const markDispatched = preparedIn((db, ids: number[], now: number) =>
  db.updateTable('event_outbox').set({ dispatched_at: now }).where('id', 'in', ids),
);

const undispatched = (db: Executor, limit: number) =>
  db.selectFrom('event_outbox').selectAll().where('dispatched_at', 'is', null).orderBy('id').limit(limit);
const claimUndispatched = prepared(undispatched);
const claimUndispatchedLocked = prepared((db, limit: number) => undispatched(db, limit).forUpdate().skipLocked());

const anyUndispatched = prepared((db) =>
  db.selectFrom('event_outbox').select('id').where('dispatched_at', 'is', null).limit(1),
);

export interface OutboxEntry {
  id: number;
  event: string;
  data: unknown;
  createdAt: number;
}

export class OutboxRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName = 'sqlite',
    /** SQLite: the bound events, kept in memory; without, the table is asked each time. */
    private readonly boundEvents?: BoundEvents,
  ) {}

  /**
   * Records an event. One nothing is bound to is recorded as fanned out already: it would go
   * nowhere (a binding made later does not receive it, as on Bitrix24), and left waiting, the
   * delivery worker would have to claim and mark every such entry, a write of its own per batch
   * competing with requests (measured: 45,000 entries after 4 s of writes at 50 connections,
   * drained during the next seconds' reads, which lost a fifth of their rate to it).
   */
  async record(event: string, data: Record<string, unknown>, now: number): Promise<void> {
    const name = event.toUpperCase();
    const bound = this.boundEvents
      ? await this.boundEvents.has(this.db, name)
      : (await anyBindingOf.first(this.db, name)) !== undefined;
    await insertEvent.run(this.db, event, JSON.stringify(data), now, bound ? null : now);
  }

  /** Events waiting: recorded and not yet fanned out, plus deliveries still to make. */
  async depth(): Promise<number> {
    const undispatched = await this.db
      .selectFrom('event_outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('dispatched_at', 'is', null)
      .executeTakeFirstOrThrow();
    const pending = await this.db
      .selectFrom('event_delivery')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', '=', 'pending')
      .executeTakeFirstOrThrow();
    return Number(undispatched.n) + Number(pending.n);
  }

  /** The recorded events in order, oldest first. */
  async list(limit = 100, afterId = 0): Promise<OutboxEntry[]> {
    const rows = await this.db
      .selectFrom('event_outbox')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toEntry);
  }

  /** Whether any entry waits to be fanned out (outside a transaction: a hint, not a claim). */
  async anyUndispatched(): Promise<boolean> {
    return (await anyUndispatched.first(this.db)) !== undefined;
  }

  /**
   * Inside a write: the oldest entries not yet fanned out to their handlers. On PostgreSQL they
   * stay locked until commit and rows another process holds are skipped, so several servers
   * share the work; a transaction that committed late with a smaller id is still found (a
   * cursor over ids would pass it by).
   */
  async claimUndispatched(limit: number): Promise<OutboxEntry[]> {
    const claim = this.dialect === 'postgres' ? claimUndispatchedLocked : claimUndispatched;
    return (await claim.all(this.db, limit)).map(toEntry);
  }

  async markDispatched(ids: readonly number[], now: number): Promise<void> {
    await markDispatched.all(this.db, ids, now);
  }

  /** Marks every entry not yet fanned out as done: they were recorded when no binding existed. */
  async dismissUndispatched(now: number): Promise<void> {
    await this.db.updateTable('event_outbox').set({ dispatched_at: now }).where('dispatched_at', 'is', null).execute();
  }
}

function toEntry(r: { id: number; event: string; payload: string; created_at: number }): OutboxEntry {
  return { id: r.id, event: r.event, data: JSON.parse(r.payload), createdAt: Number(r.created_at) };
}
