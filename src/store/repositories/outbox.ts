import { prepared } from '../prepared.js';
import type { Executor } from '../store.js';

const insertEvent = prepared((db, event: string, payload: string, createdAt: number) =>
  db.insertInto('event_outbox').values({ event, payload, created_at: createdAt }),
);

export class OutboxRepository {
  constructor(private readonly db: Executor) {}

  async record(event: string, data: Record<string, unknown>, now: number): Promise<void> {
    await insertEvent.run(this.db, event, JSON.stringify(data), now);
  }

  /** Events waiting for delivery (until delivery exists, every recorded event waits). */
  async depth(): Promise<number> {
    const { n } = await this.db
      .selectFrom('event_outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** The recorded events in order, oldest first (delivery arrives in the events issue). */
  async list(limit = 100, afterId = 0): Promise<{ id: number; event: string; data: unknown; createdAt: number }[]> {
    const rows = await this.db
      .selectFrom('event_outbox')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      event: r.event,
      data: JSON.parse(r.payload),
      createdAt: Number(r.created_at),
    }));
  }
}
