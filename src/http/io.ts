/** Reading request bodies and writing JSON answers, shared by the REST and OAuth routes. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { errors } from '../rest/errors.js';
import { parseMultipart } from './multipart.js';
import { bodyKind, JsonBounds, type Params, parseJsonParams, parsePhpQuery } from './request-params.js';

export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Content-Type, Accept, Authorization, User-Agent',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The client hung up before its request arrived whole: there is nobody to answer. */
export class ClientGone extends Error {}

/**
 * Memory that request bodies not yet authenticated may hold, all requests together. A webhook
 * call is authenticated from its path before its body is read; a body that carries its own
 * `auth` must be read first, and these bodies are what a client without credentials can make
 * the server keep. Past the limit such a request is refused and its connection closed.
 */
export class BodyBudget {
  private held = 0;

  constructor(readonly limit: number) {}

  /** A claim on the budget for one request's body; release it once the request is authenticated. */
  claim(): BodyClaim {
    let taken = 0;
    return {
      take: (bytes) => {
        if (this.held + bytes > this.limit) throw errors.queryLimitExceeded();
        this.held += bytes;
        taken += bytes;
      },
      release: () => {
        this.held -= taken;
        taken = 0;
      },
    };
  }

  /** Bytes held now (for tests and metrics). */
  get inUse(): number {
    return this.held;
  }
}

export interface BodyClaim {
  /** Counts `bytes` more against the budget; throws when they do not fit. */
  take(bytes: number): void;
  release(): void;
}

/**
 * The whole body, refused when over `limit` bytes (the rest is drained, not kept). With a claim,
 * every chunk kept is counted against its budget first, and one that does not fit ends the read;
 * with `inspect`, every chunk is shown to it as it arrives, and an error it throws ends the read.
 */
export async function readBody(
  req: IncomingMessage,
  limit: number,
  claim?: BodyClaim,
  inspect?: (chunk: Buffer) => void,
): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw errors.bodyTooLarge(limit);
  }
  // Events rather than `for await`: the async iterator costs more than a small body's parsing.
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return;
      try {
        claim?.take(chunk.length);
        inspect?.(chunk);
      } catch (error) {
        stop();
        reject(error);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve();
    };
    // A client that hangs up mid-body: `aborted` (an error) then `close`, or `close` alone.
    const onGone = () => {
      stop();
      reject(new ClientGone('the client closed the connection before its body arrived'));
    };
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onGone);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onGone);
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

export async function readBodyParams(req: IncomingMessage, limit: number, claim?: BodyClaim): Promise<Params> {
  const contentType = req.headers['content-type'];
  const kind = bodyKind(contentType);
  let inspect: ((chunk: Buffer) => void) | undefined;
  if (kind === 'json') {
    const bounds = new JsonBounds();
    inspect = (chunk) => bounds.feed(chunk);
  }
  const body = await readBody(req, limit, claim, inspect);
  if (body.length === 0) return {};
  // Multipart parts carry their own encodings (and files may be binary): busboy decodes them.
  if (kind === 'multipart') return parseMultipart(body, contentType as string);
  const text = utf8Text(body);
  // Form bodies, and bodies of no declared type, are read as PHP reads them (parse_str).
  return kind === 'json' ? parseJsonParams(text) : parsePhpQuery(text);
}

/**
 * Answers and closes the connection: for a request whose body was not read (it may still be
 * arriving, and is not worth reading).
 */
export function sendJsonAndClose(res: ServerResponse, status: number, body: unknown): void {
  res.shouldKeepAlive = false;
  res.setHeader('connection', 'close');
  sendJson(res, status, body);
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
  sendJsonText(res, status, JSON.stringify(body));
}

/** A JSON answer already serialized. */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
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
