/** `Authorization: Bearer <admin token>`, the one credential of /_admin/, /metrics and approvals. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Whether the request carries the admin token. The scheme is matched in any case (RFC 9110
 * section 11.1); the tokens are compared as digests, in constant time whatever their lengths.
 */
export function hasAdminBearer(req: IncomingMessage, adminToken: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return false;
  return timingSafeEqual(digest((match[1] as string).trim()), digest(adminToken));
}
