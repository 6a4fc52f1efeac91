/** The wait list's REST views, as the module's `View\WaitList` and `View\ExternalData` declare them. */
import { defineView } from '../../rest/view.js';

export const waitListView = defineView({
  id: { type: 'int' },
  note: { type: 'string' },
});

export const waitListFilterView = defineView({
  createdWithin: {
    type: 'object',
    view: defineView({
      from: { type: 'string', requiredInFilter: true },
      to: { type: 'string', requiredInFilter: true },
    }),
  },
});

export const externalDataView = defineView({
  moduleId: { type: 'string', requiredOnSet: true },
  entityTypeId: { type: 'string', requiredOnSet: true },
  value: { type: 'string', requiredOnSet: true },
});
