/**
 * The web console's two doors into the server: its built page and assets at `/_console/` (from
 * the package's `dist/console/`, so it works offline; no credentials, they hold no data), and
 * `POST /_admin/[portals/NAME/]rest/METHOD`, through which it calls a portal's REST methods with
 * the admin token. Such a call runs as the portal's user 1 with every scope, on the same path a
 * webhook call takes after authentication (`runAs`): journaled (caller `console`), events fire,
 * fault rules apply.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConnectionDropped } from '../faults/faults.js';
import type { Caller } from '../rest/auth.js';
import { type CallTrace, type Platform, runAs } from '../rest/dispatch.js';
import { errors, RestError } from '../rest/errors.js';
import { type AnsweredCall, CLOSED_WITHOUT_RESPONSE, journaling, recordCall } from './call-journal.js';
import { envelopeText } from './envelope.js';
import { ClientGone, readBodyParams, sendJson, sendJsonText } from './io.js';
import { assertNoNul, type Params } from './request-params.js';
import type { HttpOptions } from './server.js';

export const CONSOLE_PATH = '/_console/';

/**
 * Scripts and styles from the console's own files only; it talks to this server alone. Styles
 * the calendar sets on its elements go through the CSSOM, which the policy does not govern.
 */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Where the build (`npm run build`) puts the console: the same from `src/http/` and `dist/http/`. */
const ASSETS = new URL('../../dist/console/', import.meta.url);

/** Asset names as the build writes them: no folders, nothing hidden. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

/** The files do not change while the server runs: each is read once. */
const assetCache = new Map<string, Promise<Buffer | undefined>>();

function asset(name: string): Promise<Buffer | undefined> {
  let file = assetCache.get(name);
  if (file === undefined) {
    file = readFile(new URL(name, ASSETS)).catch(() => undefined);
    assetCache.set(name, file);
  }
  return file;
}

/** `GET /_console` and `/_console/...`: the page and its assets, or a 404 naming what is missing. */
export async function handleConsoleAsset(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  req.resume();
  if (path === '/_console') {
    res.writeHead(301, { location: CONSOLE_PATH }).end();
    return;
  }
  const name = path === CONSOLE_PATH ? 'index.html' : path.slice(CONSOLE_PATH.length);
  const type = CONTENT_TYPES[extname(name)];
  const body = ASSET_NAME.test(name) && type !== undefined ? await asset(name) : undefined;
  if (body === undefined) {
    const built = await asset('index.html');
    sendJson(res, 404, {
      error: 'NOT_FOUND',
      error_description: built ? 'Not found' : 'The console is not built: run npm run build',
    });
    return;
  }
  res
    .writeHead(200, {
      'content-type': type as string,
      'content-length': body.length,
      'content-security-policy': CONSOLE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      // The page names its script and style files by content hash: those may be kept for good.
      'cache-control': name === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
    })
    .end(body);
}

/** The console calls as the portal's first user, the administrator who set the portal up. */
const CONSOLE_CALLER: Caller = {
  userId: 1,
  scopes: ['basic', 'booking', 'crm', 'user'],
  clientKey: 'console',
  console: true,
};

/**
 * `POST .../rest/METHOD` with the parameters as the body (JSON or form), answered with the
 * Bitrix envelope and status, as `/rest/METHOD` would answer a webhook of user 1. The admin
 * token was checked before this runs.
 */
export async function handleConsoleRest(
  platform: Platform,
  options: Pick<HttpOptions, 'journal' | 'portals' | 'onUnexpectedError' | 'bodyLimit'>,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
): Promise<void> {
  const trace: CallTrace = { caller: CONSOLE_CALLER };
  if (journaling(options)) trace.commands = [];
  const call: AnsweredCall = {
    startedAt: platform.clock.now(),
    method,
    params: {},
    status: 200,
    t0: performance.now(),
    trace,
  };
  try {
    const params: Params = await readBodyParams(req, options.bodyLimit);
    assertNoNul(params);
    call.params = params;
    const t1 = performance.now();
    const outcome = await runAs(platform, CONSOLE_CALLER, method, params, trace);
    const t2 = performance.now();
    const resultText = JSON.stringify(outcome.result);
    recordCall(options, platform, call, undefined, resultText);
    sendJsonText(res, 200, envelopeText(resultText, outcome, call.startedAt, t2 - call.t0, t2 - t1));
  } catch (error) {
    // Nobody to answer: the console went away while sending (not the server's failure).
    if (error instanceof ClientGone) return;
    if (error instanceof ConnectionDropped) {
      // A fault rule's lost response, as on /rest/.
      call.status = CLOSED_WITHOUT_RESPONSE;
      recordCall(options, platform, call);
      req.socket.destroy();
      return;
    }
    const refusal = error instanceof RestError ? error : errors.internal();
    call.status = refusal.status;
    recordCall(options, platform, call, refusal);
    if (!(error instanceof RestError)) throw error;
    req.resume();
    sendJson(res, refusal.status, refusal.toBody());
  }
}
