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

/**
 * A CRM record (crm_deal, crm_contact, crm_company): one column per stored field, named as the
 * field lower-cased (`STAGE_ID` -> `stage_id`). The columns come from each entity's field
 * declaration in src/crm/, so the store reads and writes them by name.
 */
export interface CrmRecordTable {
  id: Generated<number>;
  [column: string]: unknown;
}

export type CrmTableName = 'crm_deal' | 'crm_contact' | 'crm_company';

export interface CrmDealContactTable {
  id: Generated<number>;
  deal_id: number;
  contact_id: number;
  sort: number;
}

export interface CrmMultifieldTable {
  id: Generated<number>;
  /** The owner's type name, as Bitrix stores it: `CONTACT`, `COMPANY`. */
  entity_id: string;
  element_id: number;
  /** `PHONE`, `EMAIL`, ... */
  type_id: string;
  /** `WORK`, `HOME`, ... */
  value_type: string;
  value: string;
}

export interface BookingClientTypeTable {
  id: Generated<number>;
  module_id: string;
  code: string;
}

/** Clients of wait-list entries (`owner_kind` `waitlist`) and bookings (`booking`). */
export interface BookingClientTable {
  id: Generated<number>;
  owner_kind: string;
  owner_id: number;
  client_type_id: number;
  client_id: number;
  is_primary: Generated<number>;
}

export interface Database {
  webhook: WebhookTable;
  wait_list_item: WaitListItemTable;
  wait_list_external_data: WaitListExternalDataTable;
  event_outbox: EventOutboxTable;
  crm_deal: CrmRecordTable;
  crm_contact: CrmRecordTable;
  crm_company: CrmRecordTable;
  crm_deal_contact: CrmDealContactTable;
  crm_multifield: CrmMultifieldTable;
  booking_client_type: BookingClientTypeTable;
  booking_client: BookingClientTable;
}
