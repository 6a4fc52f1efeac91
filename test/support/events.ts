/**
 * Event tests: an installed application with its tokens (registered as `app add` does, then the
 * no-browser OAuth dance over HTTP), and a real handler server on loopback that records every
 * POST it gets, parsed as PHP would parse the form body.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'qs';
import { registerApp } from '../../src/oauth/grants.js';
import type { Reply, TestServer } from './server.js';

export interface InstalledApp {
  clientId: string;
  applicationToken: string;
  accessToken: string;
  /** Calls a method with the application's token. */
  call(method: string, params?: Record<string, unknown>): Promise<Reply>;
}

export const ADMIN_TOKEN = 'events-admin-token';

/** Registers an application and gets a token for `userId` (start the server with ADMIN_TOKEN). */
export async function installApp(
  srv: TestServer,
  options: { scopes?: string[]; userId?: number; name?: string } = {},
): Promise<InstalledApp> {
  const app = await registerApp(
    srv.server.store,
    { name: options.name ?? 'Events app', scopes: options.scopes ?? ['booking', 'crm'] },
    Date.now(),
  );
  const approve = await fetch(
    `${srv.url}/oauth/authorize/?client_id=${app.client_id}&user_id=${options.userId ?? 1}&state=s`,
    { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
  );
  const { code } = (await approve.json()) as { code: string };
  const tokenRes = await fetch(
    `${srv.url}/oauth/token/?grant_type=authorization_code&client_id=${app.client_id}&client_secret=${app.client_secret}&code=${code}`,
  );
  const { access_token: accessToken } = (await tokenRes.json()) as { access_token: string };
  return {
    clientId: app.client_id,
    applicationToken: app.application_token as string,
    accessToken,
    call: (method, params = {}) => srv.request(`${srv.url}/rest/${method}`, { ...params, auth: accessToken }),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: event bodies are checked field by field in tests
export type EventPost = { path: string; contentType: string; raw: string; body: any; at: number };

/** What a handler path does with a POST: answer with a status, after an optional delay, or never. */
export type Behaviour = (post: EventPost, nth: number) => { status: number; delayMs?: number } | 'hang';

export class HandlerServer {
  readonly posts: EventPost[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly counts = new Map<string, number>();
  private readonly hanging = new Set<ServerResponse>();
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(port = 0): Promise<HandlerServer> {
    let self: HandlerServer | undefined;
    const server = createServer((req, res) => self?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    self = new HandlerServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  /** Sets what `path` does (default: 200 at once). */
  on(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const post: EventPost = {
        path,
        contentType: req.headers['content-type'] ?? '',
        raw,
        body: parse(raw, { depth: 10 }),
        at: Date.now(),
      };
      const nth = (this.counts.get(path) ?? 0) + 1;
      this.counts.set(path, nth);
      this.posts.push(post);
      for (const wake of this.waiters) wake();
      const answer = this.behaviours.get(path)?.(post, nth) ?? { status: 200 };
      if (answer === 'hang') {
        this.hanging.add(res);
        return;
      }
      setTimeout(() => res.writeHead(answer.status).end('ok'), answer.delayMs ?? 0);
    });
  }

  /** POSTs to `path` so far. */
  to(path: string): EventPost[] {
    return this.posts.filter((p) => p.path === path);
  }

  /** Resolves once `predicate` holds over the posts; fails after `timeoutMs`. */
  waitFor(predicate: (posts: EventPost[]) => boolean, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(this.posts)) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(
          new Error(
            `not within ${timeoutMs} ms; posts: ${JSON.stringify(this.posts.map((p) => [p.path, p.body.event, p.body.data]))}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Resolves once the delivery worker has fanned out every outbox entry (fails after 10 s). */
export async function fannedOut(srv: TestServer): Promise<void> {
  const { db } = srv.server.store;
  for (const started = Date.now(); Date.now() - started < 10_000; ) {
    const waiting = await db
      .selectFrom('event_outbox')
      .select('id')
      .where('dispatched_at', 'is', null)
      .limit(1)
      .execute();
    if (waiting.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('outbox entries still waiting after 10 s');
}

/** Lets the worker run a few passes, for checks that nothing (more) arrives. */
export const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));
