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
  /** When the delivery worker made the entry's deliveries; null until then. */
  dispatched_at: Millis | null;
}

export interface ResourceTypeTable {
  id: Generated<number>;
  /** Always `booking` for types made over REST. (module_id, code) is unique. */
  module_id: string;
  code: string;
  name: string;
  /** JSON of the notification settings, by their wire names. */
  settings: string;
  created_at: Millis;
  updated_at: Millis | null;
}

export interface ResourceTable {
  id: Generated<number>;
  type_id: number;
  name: string;
  description: string | null;
  is_main: number;
  /** JSON of the notification settings, by their wire names. */
  settings: string;
  created_by: number;
  created_at: Millis;
  updated_at: Millis | null;
  is_deleted: Generated<number>;
}

export interface ResourceSlotTable {
  id: Generated<number>;
  resource_id: number;
  /** Minutes in the day, 0..1440. */
  minute_from: number;
  minute_to: number;
  timezone: string;
  /** Comma-separated `Mon`..`Sun`. */
  week_days: string;
  slot_size: number;
}

export interface BookingTable {
  id: Generated<number>;
  name: string | null;
  description: string | null;
  /** Kept for the moves to and from the wait list; REST does not expose it. */
  note: string | null;
  date_from: Millis;
  date_to: Millis;
  /** date_to - date_from: its index bounds how far back a period search must look. */
  duration: Millis;
  timezone_from: string;
  timezone_to: string;
  created_by: number;
  created_at: Millis;
  updated_at: Millis | null;
  is_deleted: Generated<number>;
}

/** Which resources a live booking holds, with the booking's period copied for the availability search. */
export interface BookingResourceTable {
  id: Generated<number>;
  booking_id: number;
  resource_id: number;
  date_from: Millis;
  date_to: Millis;
  duration: Millis;
}

export interface BookingExternalDataTable {
  id: Generated<number>;
  booking_id: number;
  module_id: string;
  entity_type_id: string;
  value: string;
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

export type CrmTableName = 'crm_lead' | 'crm_deal' | 'crm_contact' | 'crm_company' | 'crm_dynamic_item';

export interface CrmDealContactTable {
  id: Generated<number>;
  deal_id: number;
  contact_id: number;
  sort: number;
}

/** An entry of a CRM reference list (a stage, a source, a deal type): Bitrix's b_crm_status. */
export interface CrmStatusTable {
  id: Generated<number>;
  entity_id: string;
  status_id: string;
  name: string;
  name_init: string;
  sort: number;
  system: string;
  color: string;
  semantics: string | null;
  category_id: number | null;
}

/** A smart process: a CRM object type of the portal's own (`crm.type.*`). */
export interface CrmTypeTable {
  id: Generated<number>;
  entity_type_id: number;
  title: string;
  code: string | null;
  settings: string;
  created_by: number;
  updated_by: number;
  created_time: Millis;
  updated_time: Millis;
}

/** A pipeline of deals or of a smart process's items. */
export interface CrmCategoryTable {
  id: Generated<number>;
  entity_type_id: number;
  name: string;
  sort: number;
  is_default: string;
}

/**
 * How many records a CRM object type holds in one pipeline (`category_id` -1 for types without
 * pipelines): what an unfiltered list's `total` reads, kept with every add and delete.
 */
export interface CrmRecordCountTable {
  id: Generated<number>;
  entity_type_id: number;
  category_id: number;
  n: number;
}

/** The last item id a smart process handed out: each type numbers its own items. */
export interface CrmItemSequenceTable {
  id: Generated<number>;
  entity_type_id: number;
  last_id: number;
}

/** A custom field of a CRM object type (`UF_CRM_...`), declared by `crm.<type>.userfield.add`. */
export interface CrmUserFieldTable {
  id: Generated<number>;
  /** The owner name Bitrix24 files the field under: `CRM_DEAL`, `CRM_LEAD`, ... */
  entity_id: string;
  field_name: string;
  /** `string`, `integer`, `double`, `boolean`, `date`, `datetime`, `employee`, ... */
  user_type_id: string;
  multiple: string;
  mandatory: string;
  label: string;
  sort: number;
  xml_id: string | null;
}

/** One value of a custom field of a record (a multiple field has one row per value, in order). */
export interface CrmUserFieldValueTable {
  id: Generated<number>;
  entity_id: string;
  element_id: number;
  field_name: string;
  /** As stored: text, a number's digits, a time in milliseconds, Y/N. */
  value: string;
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

export interface PortalUserTable {
  /** The Bitrix user id. */
  id: number;
  name: string;
  last_name: string;
  is_admin: number;
  created_at: Millis;
  second_name: Generated<string>;
  email: Generated<string>;
  work_position: Generated<string>;
  personal_gender: Generated<string>;
  personal_mobile: Generated<string>;
  work_phone: Generated<string>;
  /** JSON list of department ids. */
  departments: Generated<string>;
  active: Generated<number>;
}

export interface PortalSettingTable {
  id: Generated<number>;
  name: string;
  value: string;
}

export interface OAuthAppTable {
  id: Generated<number>;
  client_id: string;
  /** SHA-256 of the client secret, hex. */
  client_secret_hash: string;
  name: string;
  /** Comma-separated scope names. */
  scopes: string;
  handler_url: string | null;
  created_at: Millis;
  /** Sent to the application's event handlers as auth[application_token]. */
  application_token: string | null;
}

export interface OAuthCodeTable {
  id: Generated<number>;
  code_hash: string;
  app_id: number;
  user_id: number;
  expires_at: Millis;
  used_at: Millis | null;
  /** The family of the tokens issued for the code, once it is spent. */
  family_id: number | null;
}

export interface OAuthTokenTable {
  id: Generated<number>;
  access_hash: string;
  refresh_hash: string;
  app_id: number;
  user_id: number;
  scopes: string;
  access_expires_at: Millis;
  refresh_expires_at: Millis;
  refreshed_at: Millis | null;
  /** The id of the first pair of its chain: every pair rotated from one approval shares it. */
  family_id: number | null;
}

export interface RateBucketTable {
  id: Generated<number>;
  client_key: string;
  level: number;
  updated_at: Millis;
}

export interface OperatingBasketTable {
  id: Generated<number>;
  client_key: string;
  method: string;
  /** floor(ms / 60000) of the basket's first call. */
  minute: number;
  started_at: Millis;
  seconds: number;
}

/** A saved copy of every state table (see src/store/state.ts). */
export interface SnapshotTable {
  id: Generated<number>;
  name: string;
  /** JSON: rows and id counters of each state table. */
  payload: string;
  created_at: Millis;
}

/** A handler bound with event.bind (Bitrix's b_rest_event). */
export interface EventHandlerTable {
  id: Generated<number>;
  app_id: number;
  /** Upper-case, as Bitrix stores it: `ONBOOKINGADD`. */
  event: string;
  /** '' for an offline binding. */
  handler: string;
  /** The user the handler's tokens are issued for; 0: the user who bound it. */
  auth_type: number;
  bound_by: number;
  offline: number;
  auth_connector: string;
  created_at: Millis;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** One outbox entry to one online handler. */
export interface EventDeliveryTable {
  id: Generated<number>;
  outbox_id: number;
  handler_id: number;
  state: DeliveryState;
  attempts: number;
  /** The next try, or the end of the lease of a try in flight. */
  due_at: Millis;
  last_error: string | null;
  /** The status of the last try's answer; null when none came (or before migration 010). */
  last_status: number | null;
  updated_at: Millis;
}

/** The offline queue (Bitrix's b_rest_event_offline). */
export interface EventOfflineTable {
  id: Generated<number>;
  app_id: number;
  connector: string;
  event: string;
  /** JSON of the event's data. */
  data: string;
  /** md5 of the event name and data: one row per changed object while it waits. */
  message_id: string;
  /** '' while not reserved by event.offline.get with clear=0. */
  process_id: string;
  error: number;
  timestamp_x: Millis;
}

/**
 * A portal of this server (src/portals/), in the default portal's database; the row of `default`
 * itself holds its settings and clock as its last start and later changes left them.
 */
export interface PortalTable {
  name: string;
  member_id: string;
  /** JSON of the portal's settings. */
  settings: string;
  created_at: Millis;
  /** The portal's clock: how far it is ahead of real time (negative: behind), ms. */
  clock_offset: Generated<Millis>;
  /** 1 once the portal has had an event binding: a start opens it to deliver (migration 010). */
  delivers: Generated<number>;
}

/** Which portal a webhook secret belongs to (SHA-256, hex), for the portals other than `default`. */
export interface PortalCredentialTable {
  secret_hash: string;
  portal: string;
  /** When the credential stops working (access tokens; real time, ms); null: it does not expire. */
  expires_at: Millis | null;
}

/** A portal's fault rule (src/faults/): what the admin API took, and how often it was tried and fired. */
export interface FaultRuleTable {
  id: Generated<number>;
  /** JSON of the rule as the admin API answers it, without id and counters. */
  rule: string;
  /** How often it may fire; null: without end. */
  times: number | null;
  fired: Generated<number>;
  /** How often its `probability` was drawn: the position in its seeded sequence. */
  draws: Generated<number>;
  created_at: Millis;
}

export interface Database {
  fault_rule: FaultRuleTable;
  portal: PortalTable;
  portal_credential: PortalCredentialTable;
  webhook: WebhookTable;
  wait_list_item: WaitListItemTable;
  wait_list_external_data: WaitListExternalDataTable;
  event_outbox: EventOutboxTable;
  snapshot: SnapshotTable;
  resource_type: ResourceTypeTable;
  resource: ResourceTable;
  resource_slot: ResourceSlotTable;
  booking: BookingTable;
  booking_resource: BookingResourceTable;
  booking_external_data: BookingExternalDataTable;
  crm_lead: CrmRecordTable;
  crm_deal: CrmRecordTable;
  crm_contact: CrmRecordTable;
  crm_company: CrmRecordTable;
  crm_deal_contact: CrmDealContactTable;
  crm_status: CrmStatusTable;
  crm_category: CrmCategoryTable;
  crm_type: CrmTypeTable;
  crm_dynamic_item: CrmRecordTable;
  crm_multifield: CrmMultifieldTable;
  crm_record_count: CrmRecordCountTable;
  crm_item_sequence: CrmItemSequenceTable;
  crm_user_field: CrmUserFieldTable;
  crm_user_field_value: CrmUserFieldValueTable;
  booking_client_type: BookingClientTypeTable;
  booking_client: BookingClientTable;
  portal_user: PortalUserTable;
  portal_setting: PortalSettingTable;
  oauth_app: OAuthAppTable;
  oauth_code: OAuthCodeTable;
  oauth_token: OAuthTokenTable;
  rate_bucket: RateBucketTable;
  operating_basket: OperatingBasketTable;
  event_handler: EventHandlerTable;
  event_delivery: EventDeliveryTable;
  event_offline: EventOfflineTable;
}
