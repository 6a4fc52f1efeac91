/**
 * The journal's admin routes: `GET .../journal` (filtered, oldest first), `DELETE .../journal`,
 * and `GET .../journal/stream`, the new entries as Server-Sent Events.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FilterError, filterOfQuery } from '../journal/filter.js';
import type { Journal, JournalLine } from '../journal/journal.js';
import { sendJson, sendJsonText } from './io.js';

/** How often an idle stream sends a comment, so proxies and clients know it is alive. */
export const KEEP_ALIVE_MS = 15_000;
/** A client that reads slower than entries come: past this many bytes waiting, its stream ends. */
const STREAM_BACKLOG_LIMIT = 1024 * 1024;

/** The open streams, so a stopping server can end them (a stream never ends on its own). */
export class JournalStreams {
  private readonly open = new Set<() => void>();
  private closed = false;

  /** Keeps `end` until it is forgotten; false when the server is stopping (nothing to keep open). */
  add(end: () => void): boolean {
    if (this.closed) return false;
    this.open.add(end);
    return true;
  }

  forget(end: () => void): void {
    this.open.delete(end);
  }

  closeAll(): void {
    this.closed = true;
    for (const end of [...this.open]) end();
  }
}

const refuse = (res: ServerResponse, status: number, error: string, description: string) =>
  sendJson(res, status, { error, error_description: description });

/** `path` is what follows `journal` in the URL: nothing, or `stream`. */
export async function journalRoutes(
  journal: Journal,
  streams: JournalStreams | undefined,
  portal: string,
  req: IncomingMessage,
  res: ServerResponse,
  path: string[],
  query: string,
): Promise<void> {
  req.resume();
  let filter: ReturnType<typeof filterOfQuery>;
  try {
    filter = filterOfQuery(new URLSearchParams(query));
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    refuse(res, 400, 'INVALID_FILTER', error.message);
    return;
  }
  if (path.length === 0 && req.method === 'GET') {
    const lines = await journal.read(portal, filter);
    sendJsonText(res, 200, `{"entries":[${lines.map((line) => line.text).join(',')}]}`);
  } else if (path.length === 0 && req.method === 'DELETE') {
    if (query !== '') {
      refuse(res, 400, 'INVALID_FILTER', 'DELETE empties the whole journal: it takes no filter');
      return;
    }
    await journal.clear(portal);
    sendJson(res, 200, { ok: true });
  } else if (path.length === 1 && path[0] === 'stream' && req.method === 'GET') {
    const lastEventId = req.headers['last-event-id'];
    if (filter.since === undefined && typeof lastEventId === 'string' && /^\d{1,15}$/.test(lastEventId)) {
      filter.since = Number(lastEventId);
    }
    stream(journal, streams, portal, filter, res);
  } else {
    refuse(res, 404, 'NOT_FOUND', 'Not found');
  }
}

function stream(
  journal: Journal,
  streams: JournalStreams | undefined,
  portal: string,
  filter: ReturnType<typeof filterOfQuery>,
  res: ServerResponse,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    // nginx would hold the events back otherwise.
    'x-accel-buffering': 'no',
  });
  res.write(`: the journal of portal ${portal}\n\n`);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(keepAlive);
    unfollow();
    streams?.forget(end);
    res.end();
  };
  const send = (line: JournalLine) => {
    if (ended) return;
    // One line of JSON (JSON text has no raw newline): one `data:` field.
    res.write(`id: ${line.id}\ndata: ${line.text}\n\n`);
    if (res.writableLength > STREAM_BACKLOG_LIMIT) end();
  };
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  keepAlive.unref();
  const unfollow = journal.follow(portal, filter, send);
  res.once('close', end);
  if (streams && !streams.add(end)) end();
}
