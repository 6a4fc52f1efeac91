/**
 * `/oauth/authorize/` and `/oauth/token/`, as Bitrix24's authorization page and the
 * authorization server (`oauth.bitrix.info/oauth/token/`) answer them. There is no login page:
 * a request to authorize that carries `Authorization: Bearer <admin token>` approves at once.
 * Both act in the portal the `client_id` belongs to.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { approve, grantTokens, type PortalAddress } from '../oauth/grants.js';
import type { Portals } from '../portals/portals.js';
import type { Platform } from '../rest/dispatch.js';
import { errors, RestError } from '../rest/errors.js';
import { phpString } from '../rest/php.js';
import { hasAdminBearer } from './admin-bearer.js';
import { readBodyParams, requestOrigin, sendJson } from './io.js';
import { assertNoNul, type Params, parsePhpQuery } from './request-params.js';

const BODY_LIMIT = 64 * 1024;

export async function handleOAuth(
  platform: Platform,
  adminToken: string,
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: string,
  query: string,
  portals: Portals,
): Promise<void> {
  try {
    const params: Params = { ...parsePhpQuery(query), ...(await readBodyParams(req, BODY_LIMIT)) };
    assertNoNul(params);
    const portalOf = async (clientId: string) => {
      const portal = await portals.platformForClient(clientId);
      return { platform: portal, address: portals.addressOf(portal, requestOrigin(req)) };
    };
    if (endpoint === 'authorize') await authorize(platform, portalOf, adminToken, req, res, params);
    else if (endpoint === 'token') await token(portalOf, res, params);
    else sendJson(res, 404, { error: 'NOT_FOUND', error_description: 'Not found' });
  } catch (error) {
    if (!(error instanceof RestError)) throw error;
    sendJson(res, error.status, error.toBody());
  }
}

function text(params: Params, name: string): string | undefined {
  const value = params[name];
  return value === undefined || value === null || typeof value === 'object' ? undefined : phpString(value);
}

function required(params: Params, name: string): string {
  const value = text(params, name);
  if (value === undefined || value === '') throw errors.oauthInvalidRequest(`Missing parameter: ${name}`);
  return value;
}

/** The portal an application's client id belongs to, and the address its answers name. */
type PortalOf = (clientId: string) => Promise<{ platform: Platform; address: PortalAddress }>;

async function authorize(
  platform: Platform,
  portalOf: PortalOf,
  adminToken: string,
  req: IncomingMessage,
  res: ServerResponse,
  params: Params,
) {
  if (!hasAdminBearer(req, adminToken, platform.authThrottle)) throw errors.oauthAdminRequired();
  const clientId = required(params, 'client_id');
  const userId = Number(text(params, 'user_id') ?? '1');
  if (!Number.isSafeInteger(userId) || userId <= 0)
    throw errors.oauthInvalidRequest('user_id must be a positive integer');
  const { platform: portal, address } = await portalOf(clientId);
  const { app, query } = await approve(
    portal.store,
    portal.clock,
    { clientId, state: text(params, 'state'), userId },
    address,
  );
  if (!app.handlerUrl) {
    // An application without a handler URL shows the code to the user instead (settings/oauth/).
    sendJson(res, 200, query);
    return;
  }
  const location = new URL(app.handlerUrl);
  for (const [name, value] of Object.entries(query)) location.searchParams.set(name, value);
  res.writeHead(302, { location: location.toString(), 'content-length': 0 }).end();
}

async function token(portalOf: PortalOf, res: ServerResponse, params: Params) {
  const grantType = required(params, 'grant_type');
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    throw errors.oauthInvalidRequest(`Unsupported grant_type: ${grantType}`);
  }
  const clientId = required(params, 'client_id');
  const { platform, address } = await portalOf(clientId);
  const answer = await grantTokens(
    platform.store,
    platform.clock,
    {
      grantType,
      clientId,
      clientSecret: required(params, 'client_secret'),
      code: grantType === 'authorization_code' ? required(params, 'code') : undefined,
      refreshToken: grantType === 'refresh_token' ? required(params, 'refresh_token') : undefined,
    },
    address,
    platform.callers,
    platform.credentialIndex,
  );
  sendJson(res, 200, answer);
}
