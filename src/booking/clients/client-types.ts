/** booking.v1.clienttype.list: every client type (seeded: crm/COMPANY, crm/CONTACT), `total: 0`. */
import { BookingPage, defineMethod } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import { clientTypeView, externalizeClientType } from './clients.js';

const list = defineMethod({
  name: 'booking.v1.clienttype.list',
  scope: 'booking',
  result: result.bookingPage('clientType', clientTypeView),
  params: {},
  handler: (_args, ctx) =>
    ctx.store.read(
      async ({ clients }) => new BookingPage('clientType', (await clients.types()).map(externalizeClientType)),
    ),
});

export const clientTypeMethods = [list];
