/**
 * The admin API under /_admin/, for test suites and local development: reset, snapshots, seed,
 * the clock. Every call needs `Authorization: Bearer <admin token>`; without it the answer is
 * 401 and nothing changes. It lives off the REST path, and REST can reach none of it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdjustableClock, CLOCK_RANGE_TEXT, isClockTime } from '../clock.js';
import { applySeed, parseSeed, SeedError } from '../devtools/seed.js';
import type { Platform } from '../rest/dispatch.js';
import { errors, RestError } from '../rest/errors.js';
import { listSnapshots, loadSnapshot, resetState, saveSnapshot } from '../store/state.js';
import { hasAdminBearer } from './admin-bearer.js';
import { isoWithOffset } from './envelope.js';
import { readBody, sendJson, utf8Text } from './io.js';

/** Snapshot names: letters, digits, `-`, `_`, `.`; they appear in paths and CLI arguments. */
const SNAPSHOT_NAME = /^[A-Za-z0-9._-]{1,100}$/;

const fail = (res: ServerResponse, status: number, error: string, description: string) =>
  sendJson(res, status, { error, error_description: description });

function clockState(platform: Platform) {
  const now = platform.clock.now();
  return { now: isoWithOffset(now), timestamp: now / 1000 };
}

export async function handleAdmin(
  platform: Platform,
  adminToken: string,
  bodyLimit: number,
  req: IncomingMessage,
  res: ServerResponse,
  path: string[],
): Promise<void> {
  if (!hasAdminBearer(req, adminToken, platform.authThrottle)) {
    req.resume();
    sendJson(res, 401, errors.adminTokenRequired('The admin API').toBody());
    return;
  }
  const post = req.method === 'POST';
  const [section, name, action] = path;
  try {
    if (post && section === 'reset' && path.length === 1) {
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
    } else if (section === 'clock' && path.length === 1) {
      if (post) setClock(platform, utf8Text(await readBody(req, bodyLimit)));
      sendJson(res, 200, clockState(platform));
    } else {
      req.resume();
      fail(res, 404, 'NOT_FOUND', 'Not found');
    }
  } catch (error) {
    if (error instanceof SeedError) fail(res, 400, 'SEED_REFUSED', error.message);
    else if (error instanceof ClockError) fail(res, 400, 'INVALID_CLOCK', error.message);
    else if (error instanceof RestError) sendJson(res, error.status, error.toBody());
    else throw error;
  }
}

class ClockError extends Error {}

/** `{"now": ISO}` sets the clock, `{"advance": seconds}` moves it on. */
function setClock(platform: Platform, text: string): void {
  const clock = platform.clock;
  if (!(clock instanceof AdjustableClock))
    throw new ClockError('This server runs on a clock it was given; it cannot be set');
  let body: { now?: unknown; advance?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new ClockError('The body is JSON: {"now": "2025-04-01T09:00:00+02:00"} or {"advance": 3600}');
  }
  const now = typeof body.now === 'string' ? Date.parse(body.now) : Number.NaN;
  const advance = typeof body.advance === 'number' ? body.advance * 1000 : Number.NaN;
  const target = Number.isFinite(now) ? now : clock.now() + advance;
  if (!Number.isFinite(target)) throw new ClockError('Give "now" (an ISO 8601 time) or "advance" (seconds)');
  // Checked before the change, so a refused time leaves the clock as it was.
  if (!isClockTime(target)) throw new ClockError(CLOCK_RANGE_TEXT);
  if (Number.isFinite(now)) clock.set(now);
  else clock.advance(advance);
}
