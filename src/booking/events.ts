/** The booking module's REST events, named as handlers receive them. */
export const bookingEvents = {
  waitListItemAdd: 'onBookingWaitListItemAdd',
  waitListItemUpdate: 'onBookingWaitListItemUpdate',
  waitListItemDelete: 'onBookingWaitListItemDelete',
  resourceTypeAdd: 'onBookingResourceTypeAdd',
  resourceTypeUpdate: 'onBookingResourceTypeUpdate',
  resourceTypeDelete: 'onBookingResourceTypeDelete',
  resourceAdd: 'onBookingResourceAdd',
  resourceUpdate: 'onBookingResourceUpdate',
  resourceDelete: 'onBookingResourceDelete',
  bookingAdd: 'onBookingAdd',
  bookingUpdate: 'onBookingUpdate',
  bookingDelete: 'onBookingDelete',
} as const;
