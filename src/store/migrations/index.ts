/** Versioned migrations, in order. One list for every dialect. */
import type { Migration } from 'kysely';
import * as initial from './001-initial.js';
import * as crm from './002-crm.js';
import * as booking from './003-booking.js';
import * as platform from './004-platform.js';
import * as devtools from './005-devtools.js';
import * as events from './006-events.js';
import * as bookingClientFilter from './007-booking-client-filter.js';
import * as oauthTokenFamily from './008-oauth-token-family.js';
import * as portals from './009-portals.js';
import * as portalState from './010-portal-state.js';
import * as faultRules from './011-fault-rules.js';
import * as deliveryStatus from './012-delivery-status.js';
import * as crmObservers from './013-crm-observers.js';
import * as users from './014-users.js';
import * as crmReference from './015-crm-reference.js';
import * as crmTypes from './016-crm-types.js';
import * as crmRecordCount from './017-crm-record-count.js';
import * as crmItemIds from './018-crm-item-ids.js';
import * as crmLead from './019-crm-lead.js';
import * as crmUserFields from './020-crm-user-fields.js';
import * as crmContactCompanies from './021-crm-contact-companies.js';
import * as outboxWaitingIndex from './022-outbox-waiting-index.js';

export const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-crm': crm,
  '003-booking': booking,
  '004-platform': platform,
  '005-devtools': devtools,
  '006-events': events,
  '007-booking-client-filter': bookingClientFilter,
  '008-oauth-token-family': oauthTokenFamily,
  '009-portals': portals,
  '010-portal-state': portalState,
  '011-fault-rules': faultRules,
  '012-delivery-status': deliveryStatus,
  '013-crm-observers': crmObservers,
  '014-users': users,
  '015-crm-reference': crmReference,
  '016-crm-types': crmTypes,
  '017-crm-record-count': crmRecordCount,
  '018-crm-item-ids': crmItemIds,
  '019-crm-lead': crmLead,
  '020-crm-user-fields': crmUserFields,
  '021-crm-contact-companies': crmContactCompanies,
  '022-outbox-waiting-index': outboxWaitingIndex,
};
