/**
 * Graceful shutdown of a node:http(s) server: stop accepting, let requests in flight finish,
 * and end keep-alive connections instead of serving new requests on them (a busy client would
 * otherwise hold the server up for as long as it keeps sending).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Graceful {
  /** The request handler to give the server: it tracks responses in progress. */
  handler: Handler;
  /** Resolves when every connection is closed; forces the rest closed after `graceMs`. */
  shutdown(server: Server, graceMs: number): Promise<void>;
}

export function graceful(inner: Handler): Graceful {
  const inFlight = new Set<ServerResponse>();
  let closing: Server | undefined;

  const endConnection = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
    res.shouldKeepAlive = false;
  };

  return {
    handler(req, res) {
      inFlight.add(res);
      res.once('close', () => {
        inFlight.delete(res);
        closing?.closeIdleConnections();
      });
      if (closing) endConnection(res);
      inner(req, res);
    },
    shutdown(server, graceMs) {
      closing = server;
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        for (const res of inFlight) endConnection(res);
        server.closeIdleConnections();
      });
    },
  };
}
