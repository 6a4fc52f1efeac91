/** `Authorization: Bearer <admin token>`, the one credential of /_admin/, /metrics and approvals. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuthThrottle } from '../rest/auth-throttle.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether the request carries the admin token. The scheme is matched in any case (RFC 9110
 * section 11.1); the tokens are compared as digests, in constant time whatever their lengths.
 * A wrong token counts as a failed authentication of the client's address: a token the user
 * chose may be weak, and guesses are throttled as wrong webhook secrets are.
 */
export function hasAdminBearer(req: IncomingMessage, adminToken: string, throttle?: AuthThrottle): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return false;
  const given = (match[1] as string).trim();
  const address = req.socket.remoteAddress ?? '';
  const key = `admin\u0000${given}`;
  if (throttle && !throttle.admits(address, key)) return false;
  const matches = timingSafeEqual(digest(given), digest(adminToken));
  if (matches) throttle?.succeeded(key);
  else throttle?.failed(address);
  return matches;
}
