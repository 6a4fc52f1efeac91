import type { DialectName } from '../dialect.js';
import { PreparedList, prepared, preparedIn } from '../prepared.js';
import type { Executor } from '../store.js';
import { inValues } from '../value-list.js';
import { type ExternalLink, type LinkTable, readLinks, replaceLinks } from './external-links.js';
import type { Sort } from './resources.js';

const LINKS: LinkTable = { table: 'booking_external_data', owner: 'booking_id' };

/** A moment with the time zone it was given in. */
export interface ZonedTime {
  /** Milliseconds since the epoch. */
  at: number;
  timezone: string;
}

export interface BookingRecord {
  id: number;
  resourceIds: number[];
  from: ZonedTime;
  to: ZonedTime;
  name: string | null;
  description: string | null;
  note: string | null;
}

/** A client a booking list asks for: its type (module, code) and id. */
export interface BookingClientKey {
  module: string;
  code: string;
  clientId: number;
}

/** Another booking holding a resource during part of a period. */
export interface Occupation {
  bookingId: number;
  from: number;
  to: number;
}

export interface BookingQuery {
  resourceIds?: readonly number[];
  /** Overlapping [from, to) in ms. */
  within?: { from: number; to: number };
  createdFrom?: number;
  createdBefore?: number;
  /** Bookings with any of these clients (client type and id). */
  clients?: readonly BookingClientKey[];
  order: readonly Sort[];
  offset: number;
  limit: number;
}

const COLUMNS = ['id', 'name', 'description', 'note', 'date_from', 'date_to', 'timezone_from', 'timezone_to'] as const;

const ORDER_COLUMNS = { id: 'id', dateFrom: 'date_from', dateTo: 'date_to' } as const;

// The statements of every update-style call on a booking, built once.
const liveBooking = (forUpdate: boolean) =>
  prepared((db, id: number) => {
    const q = db.selectFrom('booking').select(COLUMNS).where('id', '=', id).where('is_deleted', '=', 0);
    return forUpdate ? q.forUpdate() : q;
  });
/** Locked until commit where a row lock exists (PostgreSQL); SQLite writers already take turns. */
const anyBooking = liveBooking(false);
const lockedBooking = { postgres: liveBooking(true), sqlite: anyBooking };
const touchBooking = prepared((db, id: number, now: number) =>
  db.updateTable('booking').set({ updated_at: now }).where('id', '=', id),
);
const resourcesOf = preparedIn((db, bookingIds: number[]) =>
  db
    .selectFrom('booking_resource')
    .select(['booking_id', 'resource_id'])
    .where('booking_id', 'in', bookingIds)
    .orderBy('id'),
);

/** A booking's resources, as many as it names: inserted in pieces (see preparedRows). */
const linkResources = new PreparedList(
  1,
  (resourceId: number) => [resourceId],
  ([resourceId]) => resourceId as number,
  (db, resourceIds: number[], bookingId: number, from: number, to: number, duration: number) =>
    db.insertInto('booking_resource').values(
      resourceIds.map((resourceId) => ({
        booking_id: bookingId,
        resource_id: resourceId,
        date_from: from,
        date_to: to,
        duration,
      })),
    ),
);

export class BookingRepository {
  constructor(
    private readonly db: Executor,
    private readonly dialect: DialectName,
  ) {}

  async insert(booking: Omit<BookingRecord, 'id'>, createdBy: number, now: number): Promise<number> {
    const { id } = await this.db
      .insertInto('booking')
      .values({
        ...this.columns(booking),
        note: booking.note,
        created_by: createdBy,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.link(id, booking);
    return id;
  }

  /** A live booking; inside a write on PostgreSQL it stays locked until commit. */
  async find(id: number, forUpdate = false): Promise<BookingRecord | undefined> {
    const statement = forUpdate ? lockedBooking[this.dialect] : anyBooking;
    const row = await statement.first(this.db, id);
    if (!row) return undefined;
    const [booking] = await this.withResources([row]);
    return booking;
  }

  /** Changes everything but the note; the period and resources are re-linked. */
  async update(booking: BookingRecord, now: number): Promise<void> {
    await this.db
      .updateTable('booking')
      .set({ ...this.columns(booking), updated_at: now })
      .where('id', '=', booking.id)
      .execute();
    await this.db.deleteFrom('booking_resource').where('booking_id', '=', booking.id).execute();
    await this.link(booking.id, booking);
  }

  async touch(id: number, now: number): Promise<void> {
    await touchBooking.run(this.db, id, now);
  }

  /** A deleted booking is hidden everywhere and holds no resource any more. */
  async softDelete(id: number, now: number): Promise<void> {
    await this.db.updateTable('booking').set({ is_deleted: 1, updated_at: now }).where('id', '=', id).execute();
    await this.db.deleteFrom('booking_resource').where('booking_id', '=', id).execute();
  }

  /**
   * The live bookings holding a resource during part of [from, to). A booking that ends when
   * the period starts (or starts when it ends) does not count. The search reads the index
   * (resource_id, date_from) between `from - longest booking of the resource` and `to`, so its
   * cost follows the bookings near the period, not the resource's whole history.
   */
  async occupations(resourceId: number, from: number, to: number, exceptBookingId?: number): Promise<Occupation[]> {
    const longest = await this.db
      .selectFrom('booking_resource')
      .select((eb) => eb.fn.max('duration').as('longest'))
      .where('resource_id', '=', resourceId)
      .executeTakeFirst();
    if (longest?.longest === null || longest?.longest === undefined) return [];
    let q = this.db
      .selectFrom('booking_resource')
      .select(['booking_id', 'date_from', 'date_to'])
      .where('resource_id', '=', resourceId)
      .where('date_from', '>', from - Number(longest.longest))
      .where('date_from', '<', to)
      .where('date_to', '>', from);
    if (exceptBookingId !== undefined) q = q.where('booking_id', '!=', exceptBookingId);
    const rows = await q.execute();
    return rows.map((r) => ({ bookingId: r.booking_id, from: Number(r.date_from), to: Number(r.date_to) }));
  }

  async list(query: BookingQuery): Promise<BookingRecord[]> {
    let q = this.db.selectFrom('booking').select(COLUMNS).where('is_deleted', '=', 0);
    const within = query.within;
    if (within) {
      // Bounded below by the longest live booking, as in `occupations`.
      const longest = await this.db
        .selectFrom('booking')
        .select((eb) => eb.fn.max('duration').as('longest'))
        .where('is_deleted', '=', 0)
        .executeTakeFirst();
      if (longest?.longest === null || longest?.longest === undefined) return [];
      q = q
        .where('date_from', '>', within.from - Number(longest.longest))
        .where('date_from', '<', within.to)
        .where('date_to', '>', within.from);
    }
    if (query.resourceIds !== undefined) {
      const ids = [...query.resourceIds];
      if (ids.length === 0) return [];
      q = q.where('id', 'in', (eb) => {
        let sub = eb
          .selectFrom('booking_resource')
          .select('booking_id')
          .where(inValues('resource_id', ids, this.dialect));
        if (within) sub = sub.where('date_from', '<', within.to).where('date_to', '>', within.from);
        return sub;
      });
    }
    const clients = query.clients;
    if (clients !== undefined) {
      if (clients.length === 0) return [];
      // One condition per client type, not per client: a list of thousands stays one bound list
      // (and within SQLite's limit on expression depth, which a chain of ORs is not).
      const byType = new Map<string, { module: string; code: string; ids: number[] }>();
      for (const k of clients) {
        const key = JSON.stringify([k.module, k.code]);
        const group = byType.get(key) ?? { module: k.module, code: k.code, ids: [] };
        group.ids.push(k.clientId);
        byType.set(key, group);
      }
      q = q.where('id', 'in', (eb) =>
        eb
          .selectFrom('booking_client as c')
          .innerJoin('booking_client_type as t', 't.id', 'c.client_type_id')
          .select('c.owner_id')
          .where('c.owner_kind', '=', 'booking')
          .where((w) =>
            w.or(
              [...byType.values()].map((g) =>
                w.and([
                  w('t.module_id', '=', g.module),
                  w('t.code', '=', g.code),
                  inValues('c.client_id', g.ids, this.dialect),
                ]),
              ),
            ),
          ),
      );
    }
    if (query.createdFrom !== undefined) q = q.where('created_at', '>=', query.createdFrom);
    if (query.createdBefore !== undefined) q = q.where('created_at', '<', query.createdBefore);
    for (const { field, direction } of query.order) {
      q = q.orderBy(ORDER_COLUMNS[field as keyof typeof ORDER_COLUMNS] ?? 'id', direction);
    }
    const rows = await q.orderBy('id').limit(query.limit).offset(query.offset).execute();
    return this.withResources(rows);
  }

  async externalData(id: number): Promise<ExternalLink[]> {
    return readLinks(this.db, LINKS, id);
  }

  async replaceExternalData(id: number, links: readonly ExternalLink[]): Promise<void> {
    await replaceLinks(this.db, LINKS, id, links);
  }

  private columns(booking: Omit<BookingRecord, 'id' | 'note'>) {
    return {
      name: booking.name,
      description: booking.description,
      date_from: booking.from.at,
      date_to: booking.to.at,
      duration: booking.to.at - booking.from.at,
      timezone_from: booking.from.timezone,
      timezone_to: booking.to.timezone,
    };
  }

  private async link(bookingId: number, booking: Omit<BookingRecord, 'id'>): Promise<void> {
    const { from, to } = booking;
    await linkResources.run(this.db, booking.resourceIds, bookingId, from.at, to.at, to.at - from.at);
  }

  private async withResources(
    rows: {
      id: number;
      name: string | null;
      description: string | null;
      note: string | null;
      date_from: number;
      date_to: number;
      timezone_from: string;
      timezone_to: string;
    }[],
  ): Promise<BookingRecord[]> {
    if (rows.length === 0) return [];
    const links = await resourcesOf.all(
      this.db,
      rows.map((r) => r.id),
    );
    const byBooking = new Map<number, number[]>();
    for (const link of links) {
      const list = byBooking.get(link.booking_id) ?? [];
      list.push(link.resource_id);
      byBooking.set(link.booking_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      resourceIds: byBooking.get(r.id) ?? [],
      from: { at: Number(r.date_from), timezone: r.timezone_from },
      to: { at: Number(r.date_to), timezone: r.timezone_to },
      name: r.name,
      description: r.description,
      note: r.note,
    }));
  }
}
