/**
 * The admin API under /_admin/, for test suites and local development: reset, snapshots, seed,
 * the clock, fault rules. Every call needs `Authorization: Bearer <admin token>`; without it the answer is
 * 401 and nothing changes. It lives off the REST path, and REST can reach none of it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applySeed, parseSeed, SeedError } from '../devtools/seed.js';
import { type PortalFaults, ruleIdOf } from '../faults/faults.js';
import { FaultRuleError, parseFaultRule, presetList } from '../faults/rules.js';
import { DEFAULT_PORTAL, PortalError, type Portals } from '../portals/portals.js';
import { PortalSettingsError } from '../portals/settings.js';
import type { Platform } from '../rest/dispatch.js';
import { errors, RestError } from '../rest/errors.js';
import { listSnapshots, loadSnapshot, resetState, saveSnapshot } from '../store/state.js';
import { hasAdminBearer } from './admin-bearer.js';
import { handleConsoleRest } from './console.js';
import { isoWithOffset } from './envelope.js';
import { readBody, sendJson, utf8Text } from './io.js';
import { journalRoutes } from './journal.js';
import type { HttpOptions } from './server.js';

/** Snapshot names: letters, digits, `-`, `_`, `.`; they appear in paths and CLI arguments. */
const SNAPSHOT_NAME = /^[A-Za-z0-9._-]{1,100}$/;

const fail = (res: ServerResponse, status: number, error: string, description: string) =>
  sendJson(res, status, { error, error_description: description });

function clockState(now: number) {
  return { now: isoWithOffset(now), timestamp: now / 1000 };
}

/** What the admin routes need of the server (a part of the transport's options). */
export type AdminOptions = Pick<
  HttpOptions,
  'adminToken' | 'bodyLimit' | 'portals' | 'journal' | 'journalStreams' | 'onUnexpectedError'
>;

export async function handleAdmin(
  platform: Platform,
  options: AdminOptions,
  req: IncomingMessage,
  res: ServerResponse,
  path: string[],
  query: string,
): Promise<void> {
  if (!hasAdminBearer(req, options.adminToken, platform.authThrottle)) {
    req.resume();
    sendJson(res, 401, errors.adminTokenRequired('The admin API').toBody());
    return;
  }
  const { portals } = options;
  try {
    if (path[0] === 'portals')
      await portalRoutes(portals, platform.clock.now(), options, req, res, path.slice(1), query);
    else await portalAdmin(DEFAULT_PORTAL, options, req, res, path, query);
  } catch (error) {
    if (error instanceof SeedError) fail(res, 400, 'SEED_REFUSED', error.message);
    else if (error instanceof PortalError) fail(res, error.status, error.code, error.message);
    else if (error instanceof PortalSettingsError) fail(res, 400, 'INVALID_SETTINGS', error.message);
    else if (error instanceof FaultRuleError) fail(res, error.status, error.code, error.message);
    else if (error instanceof RestError) sendJson(res, error.status, error.toBody());
    else throw error;
  }
}

/**
 * `/_admin/portals[/NAME[/...]]`: make, list, read, change and remove portals; under a portal's
 * name, its OAuth applications (`apps`) and the routes every portal has (reset, snapshots, seed,
 * clock).
 */
async function portalRoutes(
  portals: Portals,
  now: number,
  options: AdminOptions,
  req: IncomingMessage,
  res: ServerResponse,
  path: string[],
  query: string,
): Promise<void> {
  const { bodyLimit } = options;
  const [name, ...rest] = path;
  const method = req.method;
  if (name === undefined) {
    if (method === 'POST') {
      sendJson(res, 201, await portals.create(await jsonBody(req, bodyLimit), now));
    } else if (method === 'GET') {
      req.resume();
      sendJson(res, 200, { portals: await portals.list() });
    } else {
      notFound(req, res);
    }
    return;
  }
  if (rest.length === 1 && rest[0] === 'apps' && method === 'POST') {
    sendJson(res, 201, await portals.addApp(name, await jsonBody(req, bodyLimit)));
  } else if (rest.length > 0) {
    await portalAdmin(name, options, req, res, rest, query);
  } else if (method === 'GET') {
    req.resume();
    sendJson(res, 200, portals.info(await portals.require(name)));
  } else if (method === 'PATCH') {
    const body = await jsonBody(req, bodyLimit);
    sendJson(res, 200, await portals.updateSettings(name, body.settings));
  } else if (method === 'DELETE') {
    req.resume();
    await portals.remove(name);
    sendJson(res, 200, { ok: true });
  } else {
    notFound(req, res);
  }
}

/** A JSON object body (an empty body is an empty object). */
async function jsonBody(req: IncomingMessage, bodyLimit: number): Promise<Record<string, unknown>> {
  const text = utf8Text(await readBody(req, bodyLimit));
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PortalError(400, 'INVALID_JSON', 'The body is a JSON object');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PortalError(400, 'INVALID_JSON', 'The body is a JSON object');
  }
  return body as Record<string, unknown>;
}

function notFound(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  fail(res, 404, 'NOT_FOUND', 'Not found');
}

/**
 * The routes of one portal: its REST methods as the console calls them, reset, snapshots, seed,
 * the clock, fault rules, the journal, deliveries.
 */
async function portalAdmin(
  portal: string,
  options: AdminOptions,
  req: IncomingMessage,
  res: ServerResponse,
  path: string[],
  query: string,
): Promise<void> {
  const { bodyLimit, portals } = options;
  const { platform } = await portals.require(portal);
  const post = req.method === 'POST';
  const [section, name, action] = path;
  if (post && section === 'rest' && name !== undefined && path.length === 2) {
    await handleConsoleRest(platform, options, req, res, name);
  } else if (section === 'journal' && options.journal) {
    await journalRoutes(options.journal, options.journalStreams, portal, req, res, path.slice(1), query);
  } else if (section === 'deliveries' && path.length === 1 && req.method === 'GET') {
    req.resume();
    sendJson(res, 200, { deliveries: await deliveriesOf(platform, query) });
  } else if (section === 'bindings' && path.length === 1 && req.method === 'GET') {
    req.resume();
    sendJson(res, 200, { bindings: await bindingsOf(platform) });
  } else if (section === 'offline' && path.length === 1 && req.method === 'GET') {
    req.resume();
    sendJson(res, 200, { offline: await offlineQueueOf(platform, query) });
  } else if (post && section === 'reset' && path.length === 1) {
    req.resume();
    await resetState(platform.store);
    sendJson(res, 200, { ok: true });
  } else if (section === 'snapshots' && !post && path.length === 1) {
    sendJson(res, 200, { snapshots: await listSnapshots(platform.store) });
  } else if (post && section === 'snapshots' && name !== undefined && SNAPSHOT_NAME.test(name)) {
    req.resume();
    if (action === undefined) {
      await saveSnapshot(platform.store, name, platform.clock.now());
      sendJson(res, 200, { ok: true, snapshot: name });
    } else if (action === 'load' && path.length === 3) {
      if (await loadSnapshot(platform.store, name)) sendJson(res, 200, { ok: true, snapshot: name });
      else fail(res, 404, 'NOT_FOUND', `No snapshot named "${name}"`);
    } else {
      fail(res, 404, 'NOT_FOUND', 'Not found');
    }
  } else if (post && section === 'seed' && path.length === 1) {
    const document = parseSeed(utf8Text(await readBody(req, bodyLimit)));
    sendJson(res, 200, { ok: true, ...(await applySeed(platform, document)) });
  } else if (section === 'faults' && platform.faults && path.length <= 2) {
    await faultRoutes(platform, platform.faults, () => portals.announce(portal), bodyLimit, req, res, name);
  } else if (section === 'clock' && path.length === 1) {
    const now = post
      ? await portals.setClock(portal, clockChange(utf8Text(await readBody(req, bodyLimit))))
      : platform.clock.now();
    sendJson(res, 200, clockState(now));
  } else {
    notFound(req, res);
  }
}

/**
 * `faults`: add (POST), list (GET), remove all (DELETE); `faults/ID`: read (GET), remove (DELETE);
 * `faults/presets`: the errors a rule can name, as they are answered (GET).
 * A change reaches this server's other workers (`announce`) before it is answered.
 */
async function faultRoutes(
  platform: Platform,
  faults: PortalFaults,
  announce: () => Promise<void>,
  bodyLimit: number,
  req: IncomingMessage,
  res: ServerResponse,
  id: string | undefined,
): Promise<void> {
  const method = req.method;
  if (id === undefined && method === 'POST') {
    const rule = parseFaultRule(await jsonBody(req, bodyLimit));
    const added = await faults.add(rule, platform.clock.now());
    await announce();
    sendJson(res, 201, added);
    return;
  }
  req.resume();
  if (id === 'presets' && method === 'GET') sendJson(res, 200, { presets: presetList() });
  else if (id === undefined && method === 'GET') sendJson(res, 200, { rules: await faults.list() });
  else if (id === undefined && method === 'DELETE') {
    const removed = await faults.clear();
    await announce();
    sendJson(res, 200, { ok: true, removed });
  } else if (id !== undefined && method === 'GET') sendJson(res, 200, await faults.get(ruleIdOf(id)));
  else if (id !== undefined && method === 'DELETE') {
    await faults.remove(ruleIdOf(id));
    await announce();
    sendJson(res, 200, { ok: true });
  } else notFound(req, res);
}

const clockError = (text: string) => new PortalError(400, 'INVALID_CLOCK', text);

const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
const LIST_LIMIT = { default: 100, most: 1000 };

/** `limit=N` of the deliveries and the offline queue: 1 to 1000, 100 when not given. */
function listLimit(given: URLSearchParams): number {
  const limitText = given.get('limit') ?? String(LIST_LIMIT.default);
  const limit = Number(limitText);
  if (!/^\d{1,4}$/.test(limitText) || limit < 1 || limit > LIST_LIMIT.most) {
    throw new PortalError(400, 'INVALID_FILTER', `"limit" is a whole number from 1 to ${LIST_LIMIT.most}`);
  }
  return limit;
}

/**
 * `GET .../deliveries?state=failed&limit=N`: the newest deliveries of events to handlers, oldest
 * first. `lastStatus` is the HTTP status of the last try's answer (null when none came);
 * `lastError` says what went wrong with a failed one.
 */
async function deliveriesOf(platform: Platform, query: string) {
  const given = new URLSearchParams(query);
  const state = given.get('state') ?? undefined;
  if (state !== undefined && !(DELIVERY_STATES as readonly string[]).includes(state)) {
    throw new PortalError(400, 'INVALID_FILTER', `"state" is one of ${DELIVERY_STATES.join(', ')}`);
  }
  const limit = listLimit(given);
  const rows = await platform.store.read(({ eventDeliveries }) =>
    eventDeliveries.list(limit, state as (typeof DELIVERY_STATES)[number] | undefined),
  );
  return rows.map((row) => ({
    id: row.id,
    // As handlers receive it (and event.get lists it).
    event: row.event.toUpperCase(),
    handler: row.handler,
    tries: row.attempts,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    state: row.state,
    updatedAt: new Date(row.updatedAt).toISOString(),
  }));
}

/**
 * `GET .../bindings`: every application's event bindings, as `event.get` lists them to the
 * application (which only it may call), with its client id.
 */
async function bindingsOf(platform: Platform) {
  const rows = await platform.store.read(({ eventHandlers }) => eventHandlers.listAll());
  return rows.map((row) => ({
    clientId: row.clientId,
    event: row.event,
    handler: row.handler,
    auth_type: String(row.authType),
    offline: row.offline ? 1 : 0,
  }));
}

/**
 * `GET .../offline?limit=N`: the newest rows of the offline queue of every application, oldest
 * first, as `event.offline.list` shows them to their application (which only it may call).
 */
async function offlineQueueOf(platform: Platform, query: string) {
  const given = new URLSearchParams(query);
  for (const key of given.keys()) {
    if (key !== 'limit') throw new PortalError(400, 'INVALID_FILTER', `Unknown filter "${key}"; give "limit"`);
  }
  const rows = await platform.store.read(({ eventOffline }) => eventOffline.waiting(listLimit(given)));
  return rows.map((row) => ({
    id: row.id,
    clientId: row.clientId,
    connector: row.connector,
    event: row.event,
    messageId: row.messageId,
    processId: row.processId,
    error: row.error !== 0,
    time: new Date(row.timestampX).toISOString(),
    data: row.data,
  }));
}

/** `{"now": ISO}` sets the clock, `{"advance": seconds}` moves it on. */
function clockChange(text: string): { at: number } | { advanceMs: number } {
  let body: { now?: unknown; advance?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw clockError('The body is JSON: {"now": "2025-04-01T09:00:00+02:00"} or {"advance": 3600}');
  }
  const now = typeof body.now === 'string' ? Date.parse(body.now) : Number.NaN;
  if (Number.isFinite(now)) return { at: now };
  if (typeof body.advance === 'number' && Number.isFinite(body.advance)) return { advanceMs: body.advance * 1000 };
  throw clockError('Give "now" (an ISO 8601 time) or "advance" (seconds)');
}
