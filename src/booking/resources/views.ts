/**
 * The REST views of resource types, resources and slots, as the module's `View\ResourceType`,
 * `View\Resource` and `View\Slot` declare them, with the field names of the newer doc pages.
 */
import { defineView, type FieldSpec } from '../../rest/view.js';

/** The notification settings a resource type exposes (no `isInfoNotificationOn`/`templateTypeInfo`). */
const typeNotificationFields: Record<string, FieldSpec> = {
  infoNotificationDelay: { type: 'int' },
  isConfirmationNotificationOn: { type: 'boolean' },
  templateTypeConfirmation: { type: 'string' },
  confirmationNotificationDelay: { type: 'int' },
  confirmationNotificationRepetitions: { type: 'int' },
  confirmationNotificationRepetitionsInterval: { type: 'int' },
  confirmationCounterDelay: { type: 'int' },
  isReminderNotificationOn: { type: 'boolean' },
  templateTypeReminder: { type: 'string' },
  reminderNotificationDelay: { type: 'int' },
  isFeedbackNotificationOn: { type: 'boolean' },
  templateTypeFeedback: { type: 'string' },
  isDelayedNotificationOn: { type: 'boolean' },
  templateTypeDelayed: { type: 'string' },
  delayedNotificationDelay: { type: 'int' },
  delayedCounterDelay: { type: 'int' },
  senderCode: { type: 'string' },
};

export const resourceTypeView = defineView({
  id: { type: 'int', readonly: true },
  name: { type: 'string', requiredOnAdd: true },
  code: { type: 'string', requiredOnAdd: true },
  ...typeNotificationFields,
});

/** The settings stored as one JSON object: everything but the identity and the filterable columns. */
export const resourceTypeSettingNames = Object.keys(typeNotificationFields);

const resourceNotificationFields: Record<string, FieldSpec> = {
  isInfoNotificationOn: { type: 'boolean' },
  templateTypeInfo: { type: 'string' },
  ...typeNotificationFields,
  isCancellationNotificationOn: { type: 'boolean' },
  cancellationNotificationDelay: { type: 'int' },
};

export const resourceView = defineView({
  id: { type: 'int', readonly: true },
  name: { type: 'string', requiredOnAdd: true },
  description: { type: 'string' },
  typeId: { type: 'int' },
  isMain: { type: 'boolean' },
  ...resourceNotificationFields,
});

export const resourceSettingNames = Object.keys(resourceNotificationFields);

export const resourceTypeFilterView = defineView({
  moduleId: { type: 'string' },
  code: { type: 'string' },
  name: { type: 'string' },
  searchQuery: { type: 'string' },
});

export const resourceTypeOrderView = defineView({
  id: { type: 'string' },
  name: { type: 'string' },
  code: { type: 'string' },
});

export const resourceFilterView = defineView({
  isMain: { type: 'boolean' },
  /** One id or, as the newer page allows, a list of them. */
  typeId: { type: 'list' },
  name: { type: 'string' },
  searchQuery: { type: 'string' },
  description: { type: 'string' },
});

export const resourceOrderView = defineView({ id: { type: 'string' }, name: { type: 'string' } });

export const slotView = defineView({
  id: { type: 'int', readonly: true },
  from: { type: 'int', requiredOnSet: true },
  to: { type: 'int', requiredOnSet: true },
  timezone: { type: 'string', requiredOnSet: true },
  weekDays: { type: 'list', requiredOnSet: true },
  slotSize: { type: 'int', requiredOnSet: true },
});
