/**
 * What an admin request about portals may say, checked before anything changes: names, the
 * webhooks and applications of a request, a clock given as a setting. A refusal is a PortalError,
 * answered as `{"error", "error_description"}` with its status.
 */
import { CLOCK_RANGE_TEXT, isClockTime } from '../clock.js';
import { newWebhookSecret } from '../rest/auth.js';
import { DEFAULT_SCOPES, parseWebhookSpec, type WebhookSpec } from '../webhook-spec.js';
import { PortalSettingsError } from './settings.js';

export class PortalError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Portal names are DNS labels, so a portal can be `<name>.<base domain>`. */
const PORTAL_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A name a portal can have. */
export function isPortalName(name: unknown): name is string {
  return typeof name === 'string' && PORTAL_NAME.test(name);
}

export const secretInUse = () => new PortalError(409, 'SECRET_IN_USE', 'A webhook secret of another portal was given');

const INVALID_APP = (text: string) => new PortalError(400, 'INVALID_APP', text);

/** `{"name", "scopes"?, "handler"?}` of `POST /_admin/portals/NAME/apps`, as `app add` takes them. */
export function appRequest(given: unknown): { name: string; scopes: string[]; handlerUrl?: string } {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw INVALID_APP('The body is {"name": "...", "scopes": ["booking", "crm"], "handler"?: "https://..."}');
  }
  const { name, scopes, handler } = given as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim() === '') throw INVALID_APP('"name" is a string that is not empty');
  if (
    scopes !== undefined &&
    (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || !/^[a-z0-9_.]+$/.test(s)))
  ) {
    throw INVALID_APP('"scopes" is a list of scope names, e.g. ["booking", "crm"]');
  }
  if (
    handler !== undefined &&
    (typeof handler !== 'string' || !URL.canParse(handler) || !/^https?:$/.test(new URL(handler).protocol))
  ) {
    throw INVALID_APP('"handler" is an http: or https: URL');
  }
  return {
    name: name.trim(),
    scopes: (scopes as string[] | undefined) ?? [...DEFAULT_SCOPES],
    ...(handler === undefined ? {} : { handlerUrl: handler as string }),
  };
}

/** The `webhooks` of a create request; none given: one for user 1, as a first start makes. */
export function webhookSpecs(given: unknown): WebhookSpec[] {
  if (given === undefined) return [{ userId: 1, secret: newWebhookSecret(), scopes: DEFAULT_SCOPES }];
  if (!Array.isArray(given) || given.some((w) => typeof w !== 'string')) {
    throw new PortalError(400, 'INVALID_WEBHOOKS', '"webhooks" is a list of "USERID:SECRET[:scope,scope]" strings');
  }
  try {
    return (given as string[]).map(parseWebhookSpec);
  } catch (error) {
    throw new PortalError(400, 'INVALID_WEBHOOKS', (error as Error).message);
  }
}

/**
 * `clock` apart from the other settings: an ISO 8601 time the portal's clock is set to (it is
 * not kept with them: the clock runs on from there).
 */
export function splitClock(given: unknown): { clock?: number; settings: unknown } {
  if (typeof given !== 'object' || given === null || Array.isArray(given) || !('clock' in given)) {
    return { settings: given };
  }
  const { clock, ...settings } = given as Record<string, unknown>;
  const at = typeof clock === 'string' ? Date.parse(clock) : Number.NaN;
  if (!Number.isFinite(at)) {
    throw new PortalSettingsError('"clock" is an ISO 8601 time, e.g. "2025-04-01T09:00:00+02:00"');
  }
  if (!isClockTime(at)) throw new PortalSettingsError(`"clock": ${CLOCK_RANGE_TEXT}`);
  return { clock: at, settings };
}
