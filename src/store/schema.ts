/** Every table, typed, so each query is checked by the compiler (Kysely's `Database`). */
import type { Generated } from 'kysely';

/** Times are stored as integer milliseconds since the epoch, the same in every dialect. */
type Millis = number;

export interface WebhookTable {
  id: Generated<number>;
  user_id: number;
  /** SHA-256 of the secret, hex. The secret itself is never stored. */
  secret_hash: string;
  /** Comma-separated scope names. */
  scopes: string;
  created_at: Millis;
}

export interface WaitListItemTable {
  id: Generated<number>;
  created_by: number;
  created_at: Millis;
  updated_at: Millis | null;
  note: string | null;
  /** Deletes are soft, as in Bitrix: a deleted entry is hidden from every method. */
  is_deleted: Generated<number>;
}

export interface WaitListExternalDataTable {
  id: Generated<number>;
  wait_list_item_id: number;
  module_id: string;
  entity_type_id: string;
  value: string;
}

/** Events recorded in the same transaction as the change they describe, for delivery later. */
export interface EventOutboxTable {
  id: Generated<number>;
  event: string;
  /** JSON of the event's `data`. */
  payload: string;
  created_at: Millis;
}

export interface Database {
  webhook: WebhookTable;
  wait_list_item: WaitListItemTable;
  wait_list_external_data: WaitListExternalDataTable;
  event_outbox: EventOutboxTable;
}
