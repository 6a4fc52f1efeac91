/**
 * The HTTP transport. It knows URLs, bodies and statuses, nothing about bookings or SQL:
 * `/rest/[<userId>/<secret>/]<method>[.json]` becomes a RestCall for the platform, and the
 * outcome becomes the Bitrix envelope.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RequestRecord } from '../observability/metrics.js';
import type { Credentials } from '../rest/auth.js';
import { dispatch, type Platform } from '../rest/dispatch.js';
import { errors, RestError } from '../rest/errors.js';
import type { MethodOutcome } from '../rest/registry.js';
import { handleAdmin } from './admin.js';
import { hasAdminBearer } from './admin-bearer.js';
import { timeObject } from './envelope.js';
import { allowCors, CORS_HEADERS, readBodyParams, sendJson } from './io.js';
import { handleOAuth } from './oauth.js';
import { type Params, parsePhpQuery } from './request-params.js';

export interface HttpOptions {
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Called with what went wrong when a request failed in a way no input should cause. */
  onUnexpectedError?: (error: unknown) => void;
  /** Guards /_admin/ and approves OAuth applications without a browser (`Bearer <admin token>`). */
  adminToken: string;
  /** Told of every REST request once it is answered (metrics, the request log). */
  onRequest?: (record: RequestRecord) => void;
  /** The Prometheus text for GET /metrics. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** GET /metrics without the admin token (`--metrics public`); otherwise it needs the token. */
  metricsPublic?: boolean;
}

export function createRequestHandler(platform: Platform, options: HttpOptions) {
  return (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    route(platform, options, req, res).catch((error: unknown) => {
      options.onUnexpectedError?.(error);
      if (!res.headersSent) sendJson(res, 500, errors.internal().toBody());
      else res.destroy();
    });
}

async function route(platform: Platform, options: HttpOptions, req: IncomingMessage, res: ServerResponse) {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : url.slice(queryAt + 1);
  const segments = path.split('/').filter((s) => s !== '');

  // Browsers call /rest/ and /oauth/token/ from an app's page as they call a portal; nothing
  // else is for pages on other origins (the admin API, health, metrics, approvals).
  const cors = segments[0] === 'rest' || (segments[0] === 'oauth' && segments[1] === 'token' && segments.length === 2);
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
    await handleOAuth(platform, options.adminToken, req, res, segments[1] as string, query);
    return;
  }
  if (segments[0] === '_admin') {
    await handleAdmin(platform, options.adminToken, options.bodyLimit, req, res, segments.slice(1));
    return;
  }
  if (segments.length === 1 && segments[0] === 'health' && req.method === 'GET') {
    await handleHealth(platform, res);
    return;
  }
  if (segments.length === 1 && segments[0] === 'metrics' && req.method === 'GET' && options.metrics) {
    // Method names, call counts and the outbox depth tell an outsider what the server is used for.
    if (!options.metricsPublic && !hasAdminBearer(req, options.adminToken)) {
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
  platform: Platform,
  options: HttpOptions,
  req: IncomingMessage,
  res: ServerResponse,
  segments: string[],
  query: string,
) {
  const startedAt = platform.clock.now();
  const t0 = performance.now();
  const trace: { userId?: number } = {};
  let method = '';
  let status = 200;
  try {
    if (req.method !== 'GET' && req.method !== 'POST') {
      req.resume();
      throw errors.wrongHttpMethod();
    }
    const path = parseRestPath(segments);
    method = path.method;
    const webhook = path.webhook;
    const queryParams = parsePhpQuery(query);
    const bodyParams = await readBodyParams(req, options.bodyLimit);
    const params: Params = query === '' ? bodyParams : { ...queryParams, ...bodyParams };
    const token = typeof params.auth === 'string' ? params.auth : (queryParams.access_token as string | undefined);
    const t1 = performance.now();
    const outcome = await dispatch(platform, { method, params, credentials: { webhook, token }, trace });
    const t2 = performance.now();
    sendJson(res, 200, envelope(outcome, startedAt, t2 - t0, t2 - t1));
  } catch (error) {
    if (!(error instanceof RestError)) {
      status = 500;
      throw error;
    }
    status = error.status;
    sendJson(res, error.status, error.toBody());
  } finally {
    options.onRequest?.({
      method: platform.registry.find(method)?.name ?? 'unknown',
      status,
      durationMs: performance.now() - t0,
      userId: trace.userId,
    });
  }
}

function envelope(outcome: MethodOutcome, startedAt: number, elapsed: number, processing: number) {
  const body: Record<string, unknown> = { result: outcome.result };
  if (outcome.next !== undefined) body.next = outcome.next;
  if (outcome.total !== undefined) body.total = outcome.total;
  body.time = timeObject(startedAt, elapsed, processing, outcome.operating);
  return body;
}
