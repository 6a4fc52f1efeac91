/**
 * The built CLI (`dist/cli.js`) as a child process, as a user runs it: start `serve`, read the
 * lines it prints, call it over real HTTP(S) on loopback, stop it with a signal. `npm run build`
 * must have run first (`npm test` does).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Agent as HttpAgent, request as httpRequest } from 'node:http';
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './net.js';
import { tempDir } from './temp.js';

export { freePort };

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist', 'cli.js');

/**
 * These files start the CLI on a SQLite data directory; the suite's `postgres` project
 * (vitest.config.ts) would run them unchanged a second time, so they run in the SQLite one only.
 */
export const SQLITE_RUN = process.env.B24_TEST_DATABASE !== 'postgres';

/** How long a start-up or a shutdown may take on a loaded two-core machine before a test fails. */
export const START_TIMEOUT_MS = 30_000;

/** A data directory, removed after the file's last test. */
export function tempDataDir(prefix = 'b24-cli-'): string {
  return tempDir(prefix);
}

/**
 * The environment a child gets: this one without any `B24_*` variable (a flag reads its
 * variable, so a stray one would change what is tested), without TLS overrides, plus `extra`.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('B24_') || key === 'NODE_EXTRA_CA_CERTS' || key === 'NODE_TLS_REJECT_UNAUTHORIZED') continue;
    if (key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before these tests`);
}

export interface StoredWebhookLine {
  id: number;
  userId: number;
  scopes: string[];
}

/** What `serve` prints at start-up, parsed. */
export interface Banner {
  url: string;
  /** Printed in full: the webhooks whose secrets the server has just made. */
  webhookUrls: string[];
  /** Given by flag or environment: printed without their secrets. */
  givenWebhooks: StoredWebhookLine[];
  storedWebhooks: StoredWebhookLine[];
  certPath?: string;
}

export function parseBanner(text: string): Banner {
  const url = /listening on (\S+)/.exec(text)?.[1];
  if (!url) throw new Error(`no "listening on" line in:\n${text}`);
  const webhookUrls = [...text.matchAll(/^Webhook: (\S+)$/gm)].map((m) => m[1] as string);
  const webhookLines = (note: string) =>
    [...text.matchAll(new RegExp(`^Webhook #(\\d+): user (\\d+), scopes (\\S*) \\(${note}`, 'gm'))].map((m) => ({
      id: Number(m[1]),
      userId: Number(m[2]),
      scopes: (m[3] as string).split(',').filter(Boolean),
    }));
  const certPath = /^TLS certificate: (.+?) \(/m.exec(text)?.[1];
  return {
    url,
    webhookUrls,
    givenWebhooks: webhookLines('secret as given'),
    storedWebhooks: webhookLines('secret stored hashed'),
    certPath,
  };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `b24-booking serve`. */
export class CliServer {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  exit: Exit | undefined;
  banner!: Banner;
  private listeners: (() => void)[] = [];

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      this.stdout += chunk;
      this.notify();
    });
    child.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk;
      this.notify();
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        this.notify();
        resolve(this.exit);
      });
    });
  }

  get url(): string {
    return this.banner.url;
  }

  get port(): number {
    return Number(new URL(this.banner.url).port);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Resolves once stdout matches `pattern`; fails if the process exits first or on timeout. */
  waitForOutput(pattern: RegExp, timeoutMs = START_TIMEOUT_MS): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.stdout);
        if (match) return done(() => resolve(match));
        if (this.exit) {
          return done(() =>
            reject(
              new Error(`the server exited (${JSON.stringify(this.exit)}) before printing ${pattern}:\n${this.log()}`),
            ),
          );
        }
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.log()}`))),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        settle();
      };
      this.listeners.push(check);
      check();
    });
  }

  log(): string {
    return `--- stdout\n${this.stdout}--- stderr\n${this.stderr}`;
  }

  /** Sends a signal and waits for the exit; a process that ignores it fails the test. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = START_TIMEOUT_MS): Promise<Exit> {
    if (!this.exit) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no exit within ${timeoutMs} ms of ${signal}:\n${this.log()}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const running = new Set<CliServer>();

/**
 * Starts `node dist/cli.js serve <args>` and waits for its start-up lines (the last one is the
 * admin token). Add `--port 0` yourself or pass a port; the printed URL has the real one.
 */
export async function startCli(args: string[], env: Record<string, string> = {}): Promise<CliServer> {
  assertBuilt();
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = new CliServer(child);
  running.add(server);
  server.exited.then(() => running.delete(server));
  try {
    await server.waitForOutput(/listening on \S+/);
    await server.waitForOutput(/^Admin token: .*$/m);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  server.banner = parseBanner(server.stdout);
  return server;
}

/** SIGKILLs every server a test left running (for afterEach/afterAll). */
export async function killAll(): Promise<void> {
  const left = [...running];
  for (const server of left) server.child.kill('SIGKILL');
  await Promise.all(left.map((s) => s.exited));
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an offline command (`webhook add|list|remove`) to its end. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = START_TIMEOUT_MS,
): Promise<CliRun> {
  assertBuilt();
  return runNode(CLI, args, env, timeoutMs);
}

/** Runs any node script (e.g. a client) to its end. */
export function runNode(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = START_TIMEOUT_MS,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field in tests
  body: any;
  text: string;
}

export interface CallOptions {
  /** A CA to trust for HTTPS (the ordinary way: verification stays on). */
  ca?: string | Buffer;
  /** A keep-alive agent to reuse connections; default: a new connection that closes. */
  agent?: HttpAgent | HttpsAgent;
  /** More request headers (an `authorization`, a `host` naming a portal). */
  headers?: Record<string, string>;
}

/** POSTs JSON `params` to `url` (a webhook base plus the method) over plain node:http(s). */
export function callRest(url: string, params: unknown = {}, options: CallOptions = {}): Promise<Reply> {
  const target = new URL(url);
  const body = Buffer.from(JSON.stringify(params));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length, ...options.headers },
        agent: options.agent ?? false,
        ...(options.ca ? { ca: options.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether a new TCP connection to the port is refused (the server no longer listens). */
export function connectionRefused(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') resolve(true);
      else reject(error);
    });
  });
}

/** Every wait-list entry, page by page (booking lists carry no `next`: a short page ends). */
export async function listAllEntries(hook: string, options: CallOptions = {}): Promise<{ id: number; note: string }[]> {
  const out: { id: number; note: string }[] = [];
  for (let start = 0; ; start += 50) {
    const reply = await callRest(`${hook}booking.v1.waitlist.list`, { start }, options);
    if (reply.status !== 200) throw new Error(`waitlist.list start=${start}: ${reply.status} ${reply.text}`);
    const page = reply.body.result.waitList as { id: number; note: string }[];
    out.push(...page);
    if (page.length < 50) return out;
  }
}
