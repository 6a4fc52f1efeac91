/** Reading request bodies and writing JSON answers, shared by the REST and OAuth routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { errors } from '../rest/errors.js';
import { parseMultipart } from './multipart.js';
import { bodyKind, type Params, parseJsonParams, parsePhpQuery } from './request-params.js';

export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Content-Type, Accept, Authorization, User-Agent',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function readBodyParams(req: IncomingMessage, limit: number): Promise<Params> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw errors.bodyTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    else chunks.push(chunk);
  }
  if (tooLarge) throw errors.bodyTooLarge(limit);
  if (size === 0) return {};
  const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  const contentType = req.headers['content-type'];
  const kind = bodyKind(contentType);
  // Multipart parts carry their own encodings (and files may be binary): busboy decodes them.
  if (kind === 'multipart') return parseMultipart(body, contentType as string);
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw errors.wrongEncoding();
  }
  // Form bodies, and bodies of no declared type, are read as PHP reads them (parse_str).
  return kind === 'json' ? parseJsonParams(text) : parsePhpQuery(text);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...CORS_HEADERS,
  });
  res.end(text);
}

/** The origin and host the client used to reach this server. */
export function requestOrigin(req: IncomingMessage): { origin: string; host: string } {
  const host = req.headers.host ?? 'localhost';
  return { origin: `${(req.socket as TLSSocket).encrypted ? 'https' : 'http'}://${host}`, host };
}
