/**
 * The HTTP transport. It knows URLs, bodies and statuses, nothing about bookings or SQL:
 * `/rest/[<userId>/<secret>/]<method>[.json]` becomes a RestCall for the platform, and the
 * outcome becomes the Bitrix envelope.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ConnectionDropped } from '../faults/faults.js';
import type { Journal } from '../journal/journal.js';
import type { RequestRecord } from '../observability/metrics.js';
import { documentText, openApiDocument } from '../openapi/document.js';
import { REFERENCE_CSP, referencePage } from '../openapi/reference.js';
import type { Portals } from '../portals/portals.js';
import type { Credentials } from '../rest/auth.js';
import { admit, type CallTrace, type Platform, runAs } from '../rest/dispatch.js';
import { errors, RestError } from '../rest/errors.js';
import type { Registry } from '../rest/registry.js';
import { handleAdmin } from './admin.js';
import { hasAdminBearer } from './admin-bearer.js';
import { CLOSED_WITHOUT_RESPONSE, journaling, recordCall } from './call-journal.js';
import { CONSOLE_PATH, handleConsoleAsset } from './console.js';
import { envelopeText } from './envelope.js';
import {
  allowCors,
  type BodyBudget,
  type BodyClaim,
  ClientGone,
  CORS_HEADERS,
  readBodyParams,
  sendJson,
  sendJsonAndClose,
  sendJsonText,
} from './io.js';
import type { JournalStreams } from './journal.js';
import { handleOAuth } from './oauth.js';
import { assertNoNul, type Params, parsePhpQuery } from './request-params.js';

export interface HttpOptions {
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Called with what went wrong when a request failed in a way no input should cause. */
  onUnexpectedError?: (error: unknown) => void;
  /** Guards /_admin/ and approves OAuth applications without a browser (`Bearer <admin token>`). */
  adminToken: string;
  /** Told of every REST request once it is answered (metrics, the request log). */
  onRequest?: (record: RequestRecord) => void;
  /** Memory that bodies of requests not yet authenticated may hold together; none: no bound. */
  unauthenticatedBodies?: BodyBudget;
  /** The Prometheus text for GET /metrics. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** The portals: `default` and any others (src/portals/). */
  portals: Portals;
  /** GET /metrics without the admin token (`--metrics public`); otherwise it needs the token. */
  metricsPublic?: boolean;
  /** Where calls are recorded (absent, or size 0: nowhere), and read by the admin API. */
  journal?: Journal;
  /** The journal's open Server-Sent Event streams, ended when the server stops. */
  journalStreams?: JournalStreams;
}

const OPENAPI_PATH = '/openapi.json';
const REFERENCE_PATH = '/_docs/';

/** A registry does not change while the server runs: its document and page are made once, when first asked for. */
const described = new WeakMap<Registry, { json: string; page: string }>();

function descriptionOf(registry: Registry): { json: string; page: string } {
  let texts = described.get(registry);
  if (texts === undefined) {
    const document = openApiDocument(registry.all());
    texts = { json: documentText(document), page: referencePage(document) };
    described.set(registry, texts);
  }
  return texts;
}

export function createRequestHandler(options: HttpOptions) {
  return (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    route(options, req, res).catch((error: unknown) => {
      options.onUnexpectedError?.(error);
      if (!res.headersSent) sendJson(res, 500, errors.internal().toBody());
      else res.destroy();
    });
}

async function route(options: HttpOptions, req: IncomingMessage, res: ServerResponse) {
  // The default portal's platform changes when its settings do.
  const platform = options.portals.defaultPortal.platform;
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt + 1);
  const segments = path.split('/').filter((s) => s !== '');

  // Browsers call /rest/ and /oauth/token/ from an app's page as they call a portal, and API
  // tools in a browser read /openapi.json; nothing else is for pages on other origins (the
  // admin API, health, metrics, approvals).
  const cors =
    segments[0] === 'rest' ||
    (segments[0] === 'oauth' && segments[1] === 'token' && segments.length === 2) ||
    path === OPENAPI_PATH;
  if (cors) {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS).end();
      return;
    }
    allowCors(req, res);
  }
  if (segments[0] === 'rest') {
    await handleRest(platform, options, req, res, segments.slice(1), query);
    return;
  }
  if (segments[0] === 'oauth' && segments.length === 2 && (req.method === 'GET' || req.method === 'POST')) {
    await handleOAuth(platform, options.adminToken, req, res, segments[1] as string, query, options.portals);
    return;
  }
  if (segments[0] === '_admin') {
    await handleAdmin(platform, options, req, res, segments.slice(1), query);
    return;
  }
  if ((path === '/_console' || path.startsWith(CONSOLE_PATH)) && req.method === 'GET') {
    await handleConsoleAsset(req, res, path);
    return;
  }
  if (path === OPENAPI_PATH && req.method === 'GET') {
    // It describes the methods and holds no data: no credentials needed.
    req.resume();
    res
      .writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
      .end(descriptionOf(platform.registry).json);
    return;
  }
  if ((path === REFERENCE_PATH || path === '/_docs') && req.method === 'GET') {
    // The document rendered for reading, credentials needed as little.
    req.resume();
    if (path === '/_docs') {
      res.writeHead(301, { location: REFERENCE_PATH }).end();
      return;
    }
    res
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': REFERENCE_CSP,
        'x-content-type-options': 'nosniff',
      })
      .end(descriptionOf(platform.registry).page);
    return;
  }
  if (segments.length === 1 && segments[0] === 'health' && req.method === 'GET') {
    await handleHealth(platform, res);
    return;
  }
  if (segments.length === 1 && segments[0] === 'metrics' && req.method === 'GET' && options.metrics) {
    // Method names, call counts and the outbox depth tell an outsider what the server is used for.
    if (!options.metricsPublic && !hasAdminBearer(req, options.adminToken, platform.authThrottle)) {
      sendJson(res, 401, errors.adminTokenRequired('GET /metrics').toBody());
      return;
    }
    const { contentType, body } = await options.metrics();
    res.writeHead(200, { 'content-type': contentType }).end(body);
    return;
  }
  req.resume();
  sendJson(res, 404, { error: 'NOT_FOUND', error_description: 'Not found' });
}

async function handleHealth(platform: Platform, res: ServerResponse) {
  try {
    await platform.store.ping();
    sendJson(res, 200, { status: 'ok', database: 'ok' });
  } catch {
    sendJson(res, 503, { status: 'unavailable', database: 'unreachable' });
  }
}

/** `[method]` or `[userId, secret, method]`; a `.json` suffix is the default format anyway. */
function parseRestPath(segments: string[]): { method: string; webhook?: Credentials['webhook'] } {
  const decoded = segments.map((s) => {
    if (!s.includes('%')) return s;
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  const last = decoded[decoded.length - 1] ?? '';
  const method = last.toLowerCase().endsWith('.json') ? last.slice(0, -'.json'.length) : last;
  if (decoded.length === 3) {
    return { method, webhook: { userId: decoded[0] as string, secret: decoded[1] as string } };
  }
  return { method };
}

async function handleRest(
  defaultPlatform: Platform,
  options: HttpOptions,
  req: IncomingMessage,
  res: ServerResponse,
  segments: string[],
  query: string,
) {
  const t0 = performance.now();
  let platform = defaultPlatform;
  let startedAt = platform.clock.now();
  const trace: CallTrace = {};
  if (journaling(options)) trace.commands = [];
  let method = '';
  let params: Params = {};
  let status = 200;
  let claim: BodyClaim | undefined;
  /**
   * Into the journal before the answer goes out: a client that reads the journal next finds the
   * call.
   */
  const journalCall = (error?: RestError, resultText?: string) =>
    recordCall(options, platform, { startedAt, method, params, status, t0, trace }, error, resultText);
  try {
    if (req.method !== 'GET' && req.method !== 'POST') {
      req.resume();
      throw errors.wrongHttpMethod();
    }
    const path = parseRestPath(segments);
    method = path.method;
    const address = req.socket.remoteAddress ?? '';
    // Credentials in the path are checked before the body is read: a caller without them costs
    // no more than this lookup, whatever it sends.
    if (path.webhook) {
      platform = await portalOf(options.portals, req, { webhook: path.webhook }, address);
      startedAt = platform.clock.now();
    }
    let caller = path.webhook ? await admit(platform, { webhook: path.webhook }, address, trace) : undefined;
    claim = caller ? undefined : options.unauthenticatedBodies?.claim();
    const queryParams = parsePhpQuery(query);
    const bodyParams = await readBodyParams(req, options.bodyLimit, claim);
    params = query === '' ? bodyParams : { ...queryParams, ...bodyParams };
    assertNoNul(params);
    if (caller === undefined) {
      const token = typeof params.auth === 'string' ? params.auth : (queryParams.access_token as string | undefined);
      platform = await portalOf(options.portals, req, { token }, address);
      startedAt = platform.clock.now();
      caller = await admit(platform, { token }, address, trace);
    }
    claim?.release();
    const t1 = performance.now();
    const outcome = await runAs(platform, caller, method, params, trace);
    const t2 = performance.now();
    // Serialized once, for the answer and for the journal.
    const resultText = JSON.stringify(outcome.result);
    journalCall(undefined, resultText);
    sendJsonText(res, 200, envelopeText(resultText, outcome, startedAt, t2 - t0, t2 - t1));
  } catch (error) {
    if (error instanceof ClientGone) {
      // Nobody to answer; counted apart from the server's own failures (nginx's 499).
      status = CLIENT_CLOSED_REQUEST;
      return;
    }
    if (error instanceof ConnectionDropped) {
      // A fault rule's lost response: the connection ends without a byte of an answer.
      status = CLOSED_WITHOUT_RESPONSE;
      journalCall();
      req.socket.destroy();
      return;
    }
    if (!(error instanceof RestError)) {
      status = 500;
      journalCall(errors.internal());
      throw error;
    }
    status = error.status;
    journalCall(error);
    answerError(req, res, error);
  } finally {
    claim?.release();
    options.onRequest?.({
      method: platform.registry.find(method)?.name ?? 'unknown',
      status,
      durationMs: performance.now() - t0,
      userId: trace.caller?.userId,
      fault: trace.fault,
    });
  }
}

/**
 * The platform of the portal the credentials belong to. A Host that names a portal
 * (`<name>.localhost`, `<name>.<--portal-domain>`) must name that one: other credentials are
 * refused as wrong ones are.
 */
async function portalOf(
  portals: Portals,
  req: IncomingMessage,
  credentials: Credentials,
  address: string,
): Promise<Platform> {
  const platform = await portals.platformFor(credentials, address);
  const named = portals.namedByHost(req.headers.host);
  if (named !== undefined && named !== portals.nameOf(platform)) {
    throw credentials.webhook ? errors.noAuthFound() : errors.invalidToken();
  }
  return platform;
}

/** Bodies up to this size are read to their end after a refusal, so the connection stays open. */
const DRAINED_BODY_LIMIT = 64 * 1024;

/**
 * An error answer, also before the body was read (wrong credentials in the path, no room for
 * it): a small body is drained and the connection kept; a large one is not worth reading, so
 * the connection is closed after the answer.
 */
function answerError(req: IncomingMessage, res: ServerResponse, error: RestError): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (req.complete || (declared <= DRAINED_BODY_LIMIT && req.headers['transfer-encoding'] === undefined)) {
    req.resume();
    sendJson(res, error.status, error.toBody());
  } else {
    sendJsonAndClose(res, error.status, error.toBody());
  }
}

/** The status a request is counted under when its client hung up before it could be answered. */
const CLIENT_CLOSED_REQUEST = 499;
