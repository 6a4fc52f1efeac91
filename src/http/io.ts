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

/** The whole body, refused when over `limit` bytes (the rest is drained, not kept). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw errors.bodyTooLarge(limit);
  }
  // Events rather than `for await`: the async iterator costs more than a small body's parsing.
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.once('end', resolve);
    req.once('error', reject);
  });
  if (size > limit) throw errors.bodyTooLarge(limit);
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/** Decodes UTF-8 strictly: a Bitrix-shaped error for invalid bytes. */
export function utf8Text(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw errors.wrongEncoding();
  }
}

export async function readBodyParams(req: IncomingMessage, limit: number): Promise<Params> {
  const body = await readBody(req, limit);
  if (body.length === 0) return {};
  const contentType = req.headers['content-type'];
  const kind = bodyKind(contentType);
  // Multipart parts carry their own encodings (and files may be binary): busboy decodes them.
  if (kind === 'multipart') return parseMultipart(body, contentType as string);
  const text = utf8Text(body);
  // Form bodies, and bodies of no declared type, are read as PHP reads them (parse_str).
  return kind === 'json' ? parseJsonParams(text) : parsePhpQuery(text);
}

/**
 * The CORS headers on the answer to come, for a request with an Origin (only browsers send one
 * and read them; every header costs: the three on every answer took a tenth of a small read's
 * throughput, measured). Set before the answer is written, so whatever writes it sends them.
 */
export function allowCors(req: IncomingMessage, res: ServerResponse): void {
  if (req.headers.origin === undefined) return;
  for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  };
  res.writeHead(status, headers);
  res.end(text);
}

/** The origin and host the client used to reach this server. */
export function requestOrigin(req: IncomingMessage): { origin: string; host: string } {
  const host = req.headers.host ?? 'localhost';
  return { origin: `${(req.socket as TLSSocket).encrypted ? 'https' : 'http'}://${host}`, host };
}
