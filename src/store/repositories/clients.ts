/**
 * Booking clients: the client types (b_booking_client_type) and the clients of wait-list entries
 * and bookings, in one table keyed by owner kind and owner id, so both owners share this code.
 */
import { prepared, preparedRows } from '../prepared.js';
import type { Executor } from '../store.js';

export type ClientOwnerKind = 'waitlist' | 'booking';

export interface ClientOwner {
  kind: ClientOwnerKind;
  id: number;
}

export interface ClientType {
  id: number;
  module: string;
  code: string;
}

export interface StoredClient {
  clientId: number;
  type: ClientType;
  isPrimary: boolean;
}

/** Every write with a deal link reads the owner's clients: built once. */
const clientsOf = prepared((db, kind: string, ownerId: number) =>
  db
    .selectFrom('booking_client as c')
    .innerJoin('booking_client_type as t', 't.id', 'c.client_type_id')
    .select(['c.client_id', 'c.is_primary', 't.id as type_id', 't.module_id', 't.code'])
    .where('c.owner_kind', '=', kind)
    .where('c.owner_id', '=', ownerId)
    .orderBy('c.id'),
);

// The deal rule's writes (booking/clients): built once.
const allTypes = prepared((db) => db.selectFrom('booking_client_type').selectAll().orderBy('id'));
const removeClients = prepared((db, kind: string, ownerId: number) =>
  db.deleteFrom('booking_client').where('owner_kind', '=', kind).where('owner_id', '=', ownerId),
);
interface ClientRow {
  typeId: number;
  clientId: number;
  isPrimary: number;
}
const insertClients = preparedRows(
  ['typeId', 'clientId', 'isPrimary'],
  (db, rows: ClientRow[], kind: string, ownerId: number) =>
    db.insertInto('booking_client').values(
      rows.map((r) => ({
        owner_kind: kind,
        owner_id: ownerId,
        client_type_id: r.typeId,
        client_id: r.clientId,
        is_primary: r.isPrimary,
      })),
    ),
);

export class ClientRepository {
  constructor(private readonly db: Executor) {}

  async types(): Promise<ClientType[]> {
    const rows = await allTypes.all(this.db);
    return rows.map((r) => ({ id: r.id, module: r.module_id, code: r.code }));
  }

  async list(owner: ClientOwner): Promise<StoredClient[]> {
    const rows = await clientsOf.all(this.db, owner.kind, owner.id);
    return rows.map((r) => ({
      clientId: r.client_id,
      isPrimary: r.is_primary === 1,
      type: { id: r.type_id, module: r.module_id, code: r.code },
    }));
  }

  /** Replaces the owner's whole set of clients. */
  async replace(owner: ClientOwner, clients: readonly StoredClient[]): Promise<void> {
    await removeClients.run(this.db, owner.kind, owner.id);
    const rows = clients.map((c) => ({ typeId: c.type.id, clientId: c.clientId, isPrimary: c.isPrimary ? 1 : 0 }));
    await insertClients.run(this.db, rows, owner.kind, owner.id);
  }

  /** Moves every client of one owner to another (a move between the wait list and bookings). */
  async move(from: ClientOwner, to: ClientOwner): Promise<void> {
    await this.db
      .updateTable('booking_client')
      .set({ owner_kind: to.kind, owner_id: to.id })
      .where('owner_kind', '=', from.kind)
      .where('owner_id', '=', from.id)
      .execute();
  }
}
