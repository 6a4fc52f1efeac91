import type { Selectable } from 'kysely';
import type { BoundEvents } from '../bound-events.js';
import { preparedIn } from '../prepared.js';
import type { EventHandlerTable } from '../schema.js';
import type { Executor } from '../store.js';

export interface EventHandler {
  id: number;
  appId: number;
  /** Upper-case. */
  event: string;
  /** '' for an offline binding. */
  handler: string;
  authType: number;
  boundBy: number;
  offline: boolean;
  authConnector: string;
}

export type NewEventHandler = Omit<EventHandler, 'id'>;

/** Which bindings an unbind removes; `authType` undefined: whatever user they act as. */
export interface HandlerMatch {
  appId: number;
  event: string;
  handler: string;
  offline: boolean;
  authType?: number;
}

const COLUMNS = ['id', 'app_id', 'event', 'handler', 'auth_type', 'bound_by', 'offline', 'auth_connector'] as const;

/** The bindings of these events (every fan-out pass asks): built once. */
const handlersOf = preparedIn((db, events: string[]) =>
  db.selectFrom('event_handler').select(COLUMNS).where('event', 'in', events),
);

function toHandler(r: Omit<Selectable<EventHandlerTable>, 'created_at'>): EventHandler {
  return {
    id: r.id,
    appId: r.app_id,
    event: r.event,
    handler: r.handler,
    authType: r.auth_type,
    boundBy: r.bound_by,
    offline: r.offline === 1,
    authConnector: r.auth_connector,
  };
}

/** Bindings made with event.bind (Bitrix's b_rest_event). */
export class EventHandlerRepository {
  constructor(
    private readonly db: Executor,
    /** SQLite: the bound events kept in memory, forgotten at each change here. */
    private readonly boundEvents?: BoundEvents,
  ) {}

  /** Adds the binding; undefined when the same one exists already. */
  async add(handler: NewEventHandler, now: number): Promise<number | undefined> {
    const existing = await this.db
      .selectFrom('event_handler')
      .select('id')
      .where('app_id', '=', handler.appId)
      .where('event', '=', handler.event)
      .where('handler', '=', handler.handler)
      .where('auth_type', '=', handler.authType)
      .where('auth_connector', '=', handler.authConnector)
      .executeTakeFirst();
    if (existing) return undefined;
    this.boundEvents?.forget();
    const { id } = await this.db
      .insertInto('event_handler')
      .values({
        app_id: handler.appId,
        event: handler.event,
        handler: handler.handler,
        auth_type: handler.authType,
        bound_by: handler.boundBy,
        offline: handler.offline ? 1 : 0,
        auth_connector: handler.authConnector,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  /** Removes the matching bindings; how many there were. */
  async remove(match: HandlerMatch): Promise<number> {
    let q = this.db
      .deleteFrom('event_handler')
      .where('app_id', '=', match.appId)
      .where('event', '=', match.event)
      .where('offline', '=', match.offline ? 1 : 0);
    if (!match.offline) q = q.where('handler', '=', match.handler);
    if (match.authType !== undefined) q = q.where('auth_type', '=', match.authType);
    this.boundEvents?.forget();
    const result = await q.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Whether any application has any binding (online or offline): whether events go anywhere. */
  async any(): Promise<boolean> {
    return (await this.db.selectFrom('event_handler').select('id').limit(1).executeTakeFirst()) !== undefined;
  }

  /** How many bindings (online and offline) an application has for one event. */
  async countOf(appId: number, event: string): Promise<number> {
    const row = await this.db
      .selectFrom('event_handler')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('app_id', '=', appId)
      .where('event', '=', event)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** An application's bindings in the order they were made; with `authType`, only that user's. */
  async listByApp(appId: number, authType?: number): Promise<EventHandler[]> {
    let q = this.db.selectFrom('event_handler').select(COLUMNS).where('app_id', '=', appId);
    if (authType !== undefined) q = q.where('auth_type', '=', authType);
    return (await q.orderBy('id').execute()).map(toHandler);
  }

  /** Every application's bindings in the order they were made, with the application's client id. */
  async listAll(): Promise<(EventHandler & { clientId: string })[]> {
    const rows = await this.db
      .selectFrom('event_handler')
      .innerJoin('oauth_app', 'oauth_app.id', 'event_handler.app_id')
      .select(COLUMNS.map((column) => `event_handler.${column}` as const))
      .select('oauth_app.client_id')
      .orderBy('event_handler.id')
      .execute();
    return rows.map((row) => ({ ...toHandler(row), clientId: row.client_id }));
  }

  /** Every binding of any of these (upper-case) events. */
  async forEvents(events: readonly string[]): Promise<EventHandler[]> {
    const rows = await handlersOf.all(this.db, events);
    return rows.sort((a, b) => a.id - b.id).map(toHandler);
  }
}
