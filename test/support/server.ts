/**
 * Tests talk to a real server over real HTTP on loopback, as a client would. Each test file
 * starts its own (`:memory:` unless it needs a directory), with one webhook of all scopes.
 */
import pg from 'pg';
import { stringify } from 'qs';
import { afterAll, beforeAll, inject } from 'vitest';
import { type RunningServer, type ServerOptions, startServer } from '../../src/index.js';
import { tempDir as makeTempDir } from './temp.js';

export const SECRET = 'testsecret0000ab';
export const USER_ID = 1;

export type Encoding = 'json' | 'form' | 'query';

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field in tests
  body: any;
  text: string;
}

export class TestServer {
  constructor(readonly server: RunningServer) {}

  get url(): string {
    return this.server.url;
  }

  /** The webhook base, `<url>/rest/1/<secret>/`. */
  get hook(): string {
    return `${this.server.url}/rest/${USER_ID}/${SECRET}/`;
  }

  /** Calls a method through the webhook, with the params in the chosen encoding. */
  call(method: string, params: unknown = {}, encoding: Encoding = 'json'): Promise<Reply> {
    return this.request(this.hook + method, params, encoding);
  }

  async request(url: string, params: unknown, encoding: Encoding = 'json', init: RequestInit = {}): Promise<Reply> {
    let target = url;
    const options: RequestInit = { method: 'POST', ...init };
    if (encoding === 'json') {
      options.headers = { 'content-type': 'application/json', ...init.headers };
      options.body = JSON.stringify(params);
    } else if (encoding === 'form') {
      options.headers = { 'content-type': 'application/x-www-form-urlencoded', ...init.headers };
      options.body = stringify(params, { encodeValuesOnly: false });
    } else {
      const qs = stringify(params);
      target = qs ? `${url}${url.includes('?') ? '&' : '?'}${qs}` : url;
      options.method = init.method ?? 'GET';
    }
    return readReply(await fetch(target, options));
  }
}

/** A response as tests read it: status, body parsed when it is JSON, and the raw text. */
export async function readReply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

/** A temp directory, removed after the file's last test. */
export function tempDir(prefix = 'b24-test-'): string {
  return makeTempDir(prefix);
}

/** Which store this test run uses: the vitest project sets it (see vitest.config.ts). */
export const TEST_DATABASE: 'sqlite' | 'postgres' =
  process.env.B24_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

let databaseCount = 0;

/**
 * In the postgres project: a new, empty database on the run's PostgreSQL, so every server
 * starts clean as a `:memory:` SQLite one does.
 */
export async function freshPostgresDatabase(): Promise<string> {
  const base = inject('postgresUrl');
  const name = `t_${process.pid}_${++databaseCount}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return `${base}/${name}`;
}

export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const database =
    TEST_DATABASE === 'postgres' && options.database === undefined ? await freshPostgresDatabase() : undefined;
  const server = await startServer({
    port: 0,
    data: ':memory:',
    webhooks: [`${USER_ID}:${SECRET}:booking,crm`],
    ...(database ? { database } : {}),
    // An answer of 500 is a bug: what caused it goes to the test's output.
    onUnexpectedError: (error) => console.error('unexpected error in the server:', error),
    ...options,
  });
  return new TestServer(server);
}

/** One server for the whole file. */
export function useServer(options: ServerOptions = {}): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(options);
  });
  afterAll(async () => {
    await server?.server.close();
  });
  return () => {
    if (!server) throw new Error('the server is not started yet');
    return server;
  };
}
