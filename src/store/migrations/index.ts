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
import * as crmObservers from './010-crm-observers.js';
import * as users from './011-users.js';
import * as crmReference from './012-crm-reference.js';
import * as crmTypes from './013-crm-types.js';

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
  '010-crm-observers': crmObservers,
  '011-users': users,
  '012-crm-reference': crmReference,
  '013-crm-types': crmTypes,
};
