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

export interface PortalUserTable {
  /** The Bitrix user id. */
  id: number;
  name: string;
  last_name: string;
  is_admin: number;
  created_at: Millis;
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
}

export interface OAuthCodeTable {
  id: Generated<number>;
  code_hash: string;
  app_id: number;
  user_id: number;
  expires_at: Millis;
  used_at: Millis | null;
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

export interface Database {
  webhook: WebhookTable;
  wait_list_item: WaitListItemTable;
  wait_list_external_data: WaitListExternalDataTable;
  event_outbox: EventOutboxTable;
  portal_user: PortalUserTable;
  portal_setting: PortalSettingTable;
  oauth_app: OAuthAppTable;
  oauth_code: OAuthCodeTable;
  oauth_token: OAuthTokenTable;
  rate_bucket: RateBucketTable;
  operating_basket: OperatingBasketTable;
}
