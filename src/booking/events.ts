/** The booking module's REST events, named as handlers receive them. */
export const bookingEvents = {
  waitListItemAdd: 'onBookingWaitListItemAdd',
  waitListItemUpdate: 'onBookingWaitListItemUpdate',
  waitListItemDelete: 'onBookingWaitListItemDelete',
} as const;
