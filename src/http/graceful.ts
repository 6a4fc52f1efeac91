/**
 * Graceful shutdown of a node:http(s) server: stop accepting, let requests in flight finish,
 * and end keep-alive connections instead of serving new requests on them (a busy client would
 * otherwise hold the server up for as long as it keeps sending).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** A request handler; when it returns a promise, shutdown waits for it to settle. */
type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface Graceful {
  /** The request handler to give the server: it tracks responses in progress. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Resolves when every connection is closed; forces the rest closed after `graceMs`. */
  shutdown(server: Server, graceMs: number): Promise<void>;
  /** Requests being answered now. */
  inFlight(): number;
  /** Requests received since the server started. */
  received(): number;
}

export function graceful(inner: Handler): Graceful {
  const inFlight = new Set<ServerResponse>();
  let received = 0;
  // Handlers still running. A client that hangs up mid-request closes its connection before
  // the handler ends; the store must stay open until the handler is done with it.
  const running = new Set<Promise<void>>();
  let closing: Server | undefined;

  const endConnection = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
    res.shouldKeepAlive = false;
  };

  return {
    handler(req, res) {
      received++;
      inFlight.add(res);
      res.once('close', () => {
        inFlight.delete(res);
        closing?.closeIdleConnections();
      });
      if (closing) endConnection(res);
      const done = inner(req, res);
      if (done) {
        running.add(done);
        const forget = () => running.delete(done);
        done.then(forget, forget);
      }
    },
    inFlight: () => inFlight.size,
    received: () => received,
    async shutdown(server, graceMs) {
      closing = server;
      let force: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        force = setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, graceMs);
        force.unref();
      });
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const res of inFlight) endConnection(res);
      server.closeIdleConnections();
      await closed;
      await Promise.race([Promise.allSettled([...running]), graceOver]);
      clearTimeout(force);
    },
  };
}
