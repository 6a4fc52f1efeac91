/**
 * A portal's settings as the admin API takes them (JSON booleans, strings and numbers), checked
 * whole before anything changes, and what they become for the methods and the limits.
 */
import { type LimitSettings, parseOperatingLimit, parseRateLimit } from '../rest/limits.js';

export interface PortalSettingsDocument {
  overbooking: boolean;
  bookingDeals: boolean;
  bookingEnabled: boolean;
  /** `"X:Y"`, `"cloud"` or `"off"`. */
  rateLimit: string;
  /** Seconds, or `"off"`. */
  operatingLimit: number | 'off';
}

export class PortalSettingsError extends Error {}

const BOOLEANS = ['overbooking', 'bookingDeals', 'bookingEnabled'] as const;

/** `base` with the given changes, each checked; an unknown name or a wrong value refuses all. */
export function mergeSettings(base: PortalSettingsDocument, given: unknown): PortalSettingsDocument {
  if (given === undefined) return base;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new PortalSettingsError('"settings" is an object: {"overbooking": false, "rateLimit": "cloud", ...}');
  }
  const out: PortalSettingsDocument = { ...base };
  for (const [name, value] of Object.entries(given)) {
    if ((BOOLEANS as readonly string[]).includes(name)) {
      if (typeof value !== 'boolean') throw new PortalSettingsError(`"${name}" is true or false`);
      out[name as (typeof BOOLEANS)[number]] = value;
    } else if (name === 'rateLimit') {
      if (typeof value !== 'string') throw new PortalSettingsError('"rateLimit" is "X:Y", "cloud" or "off"');
      checked(() => parseRateLimit(value));
      out.rateLimit = value;
    } else if (name === 'operatingLimit') {
      if (value !== 'off' && typeof value !== 'number') {
        throw new PortalSettingsError('"operatingLimit" is a number of seconds or "off"');
      }
      checked(() => parseOperatingLimit(String(value)));
      out.operatingLimit = value as number | 'off';
    } else {
      throw new PortalSettingsError(
        `unknown setting "${name}"; the settings are ${[...BOOLEANS, 'rateLimit', 'operatingLimit', 'clock'].join(', ')}`,
      );
    }
  }
  return out;
}

function checked(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    throw new PortalSettingsError((error as Error).message.replace(/^--rate-limit|^--operating-limit/, 'the value'));
  }
}

export function limitsOf(settings: PortalSettingsDocument): LimitSettings {
  return {
    rate: parseRateLimit(settings.rateLimit),
    operatingSeconds: parseOperatingLimit(String(settings.operatingLimit)),
  };
}
