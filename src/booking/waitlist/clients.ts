/** booking.v1.waitlist.client.*: the clients of a wait-list entry (1040 when it is not live). */
import { errors } from '../../rest/errors.js';
import { clientMethods } from '../clients/methods.js';
import { updateWaitListEntry } from './methods.js';

export const waitListClientMethods = clientMethods({
  prefix: 'booking.v1.waitlist',
  kind: 'waitlist',
  idParam: 'waitListId',
  listKey: 'waitListClient',
  notFound: errors.waitListNotFound,
  exists: ({ waitList }, id) => waitList.exists(id),
  externalData: ({ waitList }, id) => waitList.externalData(id),
  update: (ctx, id, change) => updateWaitListEntry(ctx, id, change),
});
