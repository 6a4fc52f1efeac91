/**
 * Notification settings of resource types and resources: their defaults (the newer doc pages
 * state them) and the template checks of the module's factories.
 */
import { errors } from '../../rest/errors.js';
import { phpString } from '../../rest/php.js';
import type { View } from '../../rest/view.js';
import type { Settings } from '../../store/repositories/resources.js';

const DEFAULTS: Settings = {
  isInfoNotificationOn: true,
  templateTypeInfo: 'inanimate',
  infoNotificationDelay: 0,
  isConfirmationNotificationOn: true,
  templateTypeConfirmation: 'inanimate',
  confirmationNotificationDelay: 86400,
  confirmationNotificationRepetitions: 0,
  confirmationNotificationRepetitionsInterval: 10800,
  confirmationCounterDelay: 10800,
  isReminderNotificationOn: true,
  templateTypeReminder: 'base',
  reminderNotificationDelay: -1,
  isFeedbackNotificationOn: true,
  templateTypeFeedback: 'inanimate',
  isDelayedNotificationOn: true,
  templateTypeDelayed: 'inanimate',
  delayedNotificationDelay: 300,
  delayedCounterDelay: 300,
  isCancellationNotificationOn: true,
  cancellationNotificationDelay: 600,
};

/** The defaults of the given settings; a resource also sends as `bitrix24` unless told otherwise. */
export function defaultSettings(names: readonly string[], senderCode: string | null): Settings {
  const out: Settings = {};
  for (const name of names) out[name] = name === 'senderCode' ? senderCode : DEFAULTS[name];
  return out;
}

/** Each template kind's allowed values, in the order the factories check them. */
const TEMPLATES: [string, readonly string[]][] = [
  ['templateTypeReminder', ['base']],
  ['templateTypeInfo', ['animate', 'inanimate']],
  ['templateTypeConfirmation', ['animate', 'inanimate']],
  ['templateTypeFeedback', ['animate', 'inanimate']],
  ['templateTypeDelayed', ['animate', 'inanimate']],
];

/** 422 `Invalid value of the templateTypeInfo field` for the first template out of range. */
export function assertTemplates(fields: Record<string, unknown>): void {
  for (const [name, allowed] of TEMPLATES) {
    const value = fields[name];
    if (value !== undefined && value !== null && !allowed.includes(String(value))) throw errors.invalidFieldValue(name);
  }
}

/** The given settings over the current ones: strings cast as PHP does, the rest as bound. */
export function mergeSettings(
  current: Settings,
  view: View,
  names: readonly string[],
  fields: Record<string, unknown>,
): Settings {
  const out: Settings = { ...current };
  for (const name of names) {
    const value = fields[name];
    if (value === undefined || value === null) continue;
    out[name] = view.fields[name]?.type === 'string' ? phpString(value) : value;
  }
  return out;
}
