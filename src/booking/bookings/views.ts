/** The bookings' REST views, as the module's `View\Booking` declares them. */
import { defineView } from '../../rest/view.js';

const zonedTimeView = defineView({
  timestamp: { type: 'int', requiredOnAdd: true },
  timezone: { type: 'string', requiredOnAdd: true },
});

const datePeriodView = defineView({
  from: { type: 'object', view: zonedTimeView, requiredOnAdd: true },
  to: { type: 'object', view: zonedTimeView, requiredOnAdd: true },
});

export const bookingView = defineView({
  id: { type: 'int', readonly: true },
  resourceIds: { type: 'list', requiredOnAdd: true },
  datePeriod: { type: 'object', view: datePeriodView, requiredOnAdd: true },
  name: { type: 'string' },
  description: { type: 'string' },
});

/** `fields` of booking.createfromwaitlist: only where and when. */
export const bookingPlacementView = defineView({
  resourceIds: { type: 'list', requiredOnAdd: true },
  datePeriod: { type: 'object', view: datePeriodView, requiredOnAdd: true },
});

export const bookingFilterView = defineView({
  resourceId: { type: 'list' },
  within: {
    type: 'object',
    view: defineView({
      dateFrom: { type: 'int', requiredInFilter: true },
      dateTo: { type: 'int', requiredInFilter: true },
    }),
  },
  createdWithin: {
    type: 'object',
    view: defineView({
      from: { type: 'string', requiredInFilter: true },
      to: { type: 'string', requiredInFilter: true },
    }),
  },
  client: {
    type: 'object',
    view: defineView({ entities: { type: 'list', requiredInFilter: true } }),
  },
});

export const bookingOrderView = defineView({
  id: { type: 'string' },
  dateFrom: { type: 'string' },
  dateTo: { type: 'string' },
});
