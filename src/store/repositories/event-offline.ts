import type { DialectName } from '../dialect.js';
import type { Executor } from '../store.js';
import { inValues } from '../value-list.js';

export type OfflineColumn = 'id' | 'timestamp_x' | 'event' | 'message_id' | 'process_id' | 'error';
export type Comparison = '=' | '<>' | '>' | '>=' | '<' | '<=';

/** One condition of an `event.offline.*` filter, already in column terms. */
export interface OfflineCondition {
  column: OfflineColumn;
  op: Comparison;
  value: string | number;
}

export interface OfflineQuery {
  appId: number;
  connector: string;
  conditions: readonly OfflineCondition[];
  order: readonly { column: OfflineColumn; direction: 'asc' | 'desc' }[];
}

export interface OfflineEvent {
  id: number;
  timestampX: number;
  event: string;
  data: unknown;
  messageId: string;
  processId: string;
  error: number;
}

/** The offline queue: per application and source key, the current state of each changed object. */
export class EventOfflineRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

  /**
   * Queues an event; while an unreserved, error-free row for the same message waits, only its
   * time moves on (Bitrix's merge on app, event, message and process).
   */
  async enqueue(
    row: { appId: number; connector: string; event: string; data: unknown; messageId: string },
    now: number,
  ): Promise<void> {
    const updated = await this.db
      .updateTable('event_offline')
      .set({ timestamp_x: now })
      .where('app_id', '=', row.appId)
      .where('connector', '=', row.connector)
      .where('process_id', '=', '')
      .where('message_id', '=', row.messageId)
      .where('event', '=', row.event)
      .where('error', '=', 0)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return;
    await this.db
      .insertInto('event_offline')
      .values({
        app_id: row.appId,
        connector: row.connector,
        event: row.event,
        data: JSON.stringify(row.data),
        message_id: row.messageId,
        process_id: '',
        error: 0,
        timestamp_x: now,
      })
      .execute();
  }

  /**
   * Inside a write: marks up to `limit` unreserved rows that match (error rows when `errors`)
   * with `processId`, skipping rows another caller is reserving on PostgreSQL, so parallel
   * callers get sets that do not overlap. Rows the process holds already count to the limit.
   */
  async reserve(query: OfflineQuery, processId: string, errors: boolean, limit: number): Promise<void> {
    const held = await this.db
      .selectFrom('event_offline')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('app_id', '=', query.appId)
      .where('connector', '=', query.connector)
      .where('process_id', '=', processId)
      .executeTakeFirstOrThrow();
    const room = limit - Number(held.n);
    if (room <= 0) return;
    let q = this.filtered(query)
      .select('id')
      .where('process_id', '=', '')
      .where('error', '=', errors ? 1 : 0)
      .limit(room);
    if (this.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const ids = (await q.execute()).map((r) => r.id);
    if (ids.length === 0) return;
    await this.db.updateTable('event_offline').set({ process_id: processId }).where('id', 'in', ids).execute();
  }

  /** The rows a process holds, in the query's order. */
  async ofProcess(query: OfflineQuery, processId: string, limit: number): Promise<OfflineEvent[]> {
    const rows = await this.ordered(query)
      .selectAll()
      .where('app_id', '=', query.appId)
      .where('connector', '=', query.connector)
      .where('process_id', '=', processId)
      .limit(limit)
      .execute();
    return rows.map(toEvent);
  }

  /** Deletes rows of a process: all of them, or those with these ids or message ids. */
  async clear(
    appId: number,
    connector: string,
    processId: string,
    only?: { ids: readonly number[] } | { messageIds: readonly string[] },
  ): Promise<void> {
    let q = this.db
      .deleteFrom('event_offline')
      .where('app_id', '=', appId)
      .where('connector', '=', connector)
      .where('process_id', '=', processId);
    if (only && 'ids' in only) q = q.where(inValues('id', only.ids, this.dialect));
    if (only && 'messageIds' in only) q = q.where(inValues('message_id', only.messageIds, this.dialect));
    await q.execute();
  }

  /** Marks rows of a process as errors and releases them (they wait outside any process). */
  async markErrors(appId: number, processId: string, messageIds: readonly string[] | undefined): Promise<void> {
    let q = this.db
      .updateTable('event_offline')
      .set({ error: 1, process_id: '' })
      .where('app_id', '=', appId)
      .where('process_id', '=', processId);
    if (messageIds !== undefined) q = q.where(inValues('message_id', messageIds, this.dialect));
    await q.execute();
  }

  /** A page of the queue as it is, and how many rows match. */
  async page(query: OfflineQuery, offset: number, limit: number): Promise<{ rows: OfflineEvent[]; total: number }> {
    const rows = await this.ordered(query).selectAll().offset(offset).limit(limit).execute();
    const count = await this.filtered(query)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { rows: rows.map(toEvent), total: Number(count.n) };
  }

  /**
   * The newest `limit` rows of every application's queue, oldest first, with the application's
   * client id (the admin API's view of the queue: `event.offline.*` sees one application's).
   */
  async waiting(limit: number): Promise<(OfflineEvent & { clientId: string; connector: string })[]> {
    const rows = await this.db
      .selectFrom('event_offline')
      .innerJoin('oauth_app', 'oauth_app.id', 'event_offline.app_id')
      .selectAll('event_offline')
      .select('oauth_app.client_id')
      .orderBy('event_offline.id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map((row) => ({ ...toEvent(row), clientId: row.client_id, connector: row.connector }));
  }

  private filtered(query: OfflineQuery) {
    let q = this.db
      .selectFrom('event_offline')
      .where('app_id', '=', query.appId)
      .where('connector', '=', query.connector);
    for (const c of query.conditions) q = q.where(c.column, c.op, c.value);
    return q;
  }

  private ordered(query: OfflineQuery) {
    let q = this.filtered(query);
    for (const { column, direction } of query.order) q = q.orderBy(column, direction);
    return q.orderBy('id');
  }
}

function toEvent(r: {
  id: number;
  timestamp_x: number;
  event: string;
  data: string;
  message_id: string;
  process_id: string;
  error: number;
}): OfflineEvent {
  return {
    id: r.id,
    timestampX: Number(r.timestamp_x),
    event: r.event,
    data: JSON.parse(r.data),
    messageId: r.message_id,
    processId: r.process_id,
    error: r.error,
  };
}
