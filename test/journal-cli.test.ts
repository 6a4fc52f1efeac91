/**
 * The journal of the built CLI: `serve --workers 2` answers for the calls of both workers (the
 * primary keeps it), and `b24-booking journal [--follow]` prints it from a running server,
 * with no credential in what it prints or in the server's own log.
 */
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI,
  type CliServer,
  callRest,
  childEnv,
  killAll,
  ROOT,
  runCli,
  startCli,
  tempDataDir,
} from './support/cli.js';
import { freshPostgresDatabase, TEST_DATABASE } from './support/server.js';

const ADMIN = 'journal-cli-admin-token';
const HOOK_SECRET = 'journalclisecret';

/** `serve` on a fresh store, with the admin token and the webhook, and `extra` flags. */
async function startServer(extra: string[]): Promise<CliServer> {
  const store =
    TEST_DATABASE === 'postgres' ? ['--database', await freshPostgresDatabase()] : ['--data', tempDataDir()];
  return startCli([
    '--port',
    '0',
    ...store,
    '--admin-token',
    ADMIN,
    '--webhook',
    `1:${HOOK_SECRET}:booking,crm`,
    ...extra,
  ]);
}

/** The default portal's journal, read on a new connection (the cluster hands them to the workers in turn). */
// biome-ignore lint/suspicious/noExplicitAny: entries are checked field by field
function readJournal(server: CliServer, query = ''): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const req = get(
      `${server.url}/_admin/journal${query}`,
      { agent: false, headers: { authorization: `Bearer ${ADMIN}` } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          if (res.statusCode === 200) resolve(JSON.parse(text).entries);
          else reject(new Error(`${res.statusCode}: ${text}`));
        });
      },
    );
    req.on('error', reject);
  });
}

describe('serve --workers 2', () => {
  let server: CliServer;
  beforeAll(async () => {
    server = await startServer(['--workers', '2']);
  });
  afterAll(async () => {
    await killAll();
  });
  const hook = () => `${server.url}/rest/1/${HOOK_SECRET}/`;

  it('keeps the calls of both workers under one count, and each read finds the call answered before it', async () => {
    await fetch(`${server.url}/_admin/journal`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } });
    for (let i = 0; i < 8; i++) {
      const reply = await callRest(`${hook()}booking.v1.waitlist.add`, { fields: { note: `w${i}` } });
      expect(reply.status, reply.text).toBe(200);
      const [last] = await readJournal(server, '?limit=1');
      expect(last.params.fields.note).toBe(`w${i}`);
    }
    const entries = await readJournal(server, '?method=booking.v1.waitlist.add');
    expect(entries.map((e) => e.params.fields.note)).toEqual(Array.from({ length: 8 }, (_, i) => `w${i}`));
    const ids = entries.map((e) => e.id);
    expect(new Set(ids).size).toBe(8);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('streams the calls of every worker to a client of one of them', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/_admin/journal/stream?method=server.time`, {
      headers: { authorization: `Bearer ${ADMIN}` },
      signal: controller.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // A connection each, so both workers answer some of them.
    const replies = await Promise.all(Array.from({ length: 6 }, () => callRest(`${hook()}server.time`)));
    expect(replies.map((r) => r.status)).toEqual(Array(6).fill(200));
    while ((text.match(/^data: /gm) ?? []).length < 6) text += decoder.decode((await reader.read()).value);
    controller.abort();
    expect(text.match(/"method":"server.time"/g)).toHaveLength(6);
  });

  it('DELETE through one worker empties the journal for all', async () => {
    const cleared = await fetch(`${server.url}/_admin/journal`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(cleared.status).toBe(200);
    for (let i = 0; i < 4; i++) expect(await readJournal(server)).toEqual([]);
  });

  it('SIGTERM with a stream open stops every process cleanly', async () => {
    const res = await fetch(`${server.url}/_admin/journal/stream`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const exit = await server.stop('SIGTERM', 8000);
    expect(exit, server.log()).toEqual({ code: 0, signal: null });
    let done = false;
    while (!done) done = (await reader.read()).done;
  });
});

describe('b24-booking journal', () => {
  let server: CliServer;
  beforeAll(async () => {
    server = await startServer(['--log-level', 'info']);
  });
  afterAll(async () => {
    await killAll();
  });
  const journal = (args: string[]) => runCli(['journal', '--url', server.url, '--admin-token', ADMIN, ...args]);

  it('prints the entries, one JSON object a line, filtered, without any credential', async () => {
    const hook = `${server.url}/rest/1/${HOOK_SECRET}/`;
    expect((await callRest(`${hook}booking.v1.waitlist.add`, { fields: { note: 'cli' }, auth: 'tok3n' })).status).toBe(
      200,
    );
    expect((await callRest(`${hook}server.time`)).status).toBe(200);
    const all = await journal([]);
    expect(all.code, all.stderr).toBe(0);
    const lines = all.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((e) => e.method)).toEqual(['booking.v1.waitlist.add', 'server.time']);
    expect(lines[0].params).toEqual({ fields: { note: 'cli' } });
    const only = await journal(['--method', '*.add', '--portal', 'default']);
    expect(only.stdout.trim().split('\n')).toHaveLength(1);
    const limited = await journal(['--limit', '1', '--status', '200']);
    expect(JSON.parse(limited.stdout).method).toBe('server.time');
    for (const text of [all.stdout, all.stderr, server.stdout, server.stderr]) {
      expect(text).not.toContain(HOOK_SECRET);
      expect(text).not.toContain('tok3n');
    }
    expect(server.stdout).toContain('"method":"server.time"');
  });

  it('refuses a bad filter, an unknown portal and a missing admin token with exit 1 and the reason', async () => {
    const glob = await journal(['--method', 'a[']);
    expect(glob.code).toBe(1);
    expect(glob.stderr).toContain('INVALID_FILTER');
    const portal = await journal(['--portal', 'nosuch']);
    expect(portal.code).toBe(1);
    expect(portal.stderr).toContain('PORTAL_NOT_FOUND');
    const token = await runCli(['journal', '--url', server.url]);
    expect(token.code).toBe(1);
    expect(token.stderr).toContain('--admin-token');
  });

  it('--follow prints what is kept, then each new entry, and ends when the server stops', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'journal', '--url', server.url, '--admin-token', ADMIN, '--follow', '--method', 'server.*'],
      { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const lines = () => out.trim().split('\n').filter(Boolean);
    const until = async (n: number) => {
      for (let i = 0; i < 200 && lines().length < n; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    };
    await until(1);
    expect(lines()).toHaveLength(1);
    expect((await callRest(`${server.url}/rest/1/${HOOK_SECRET}/server.time`)).status).toBe(200);
    await until(2);
    expect(lines().map((line) => JSON.parse(line).method)).toEqual(['server.time', 'server.time']);
    expect((await server.stop('SIGTERM')).code).toBe(0);
    expect(await exited).toBe(0);
  });
});

describe('serve --journal-size', () => {
  afterAll(async () => {
    await killAll();
  });

  it('B24_JOURNAL_SIZE=2 keeps the newest two; a size that is not a whole number is refused', async () => {
    const refused = await runCli(['serve', '--port', '0', '--data', ':memory:', '--journal-size', 'lots']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--journal-size must be a whole number >= 0');
    const server = await startCli(
      ['--port', '0', '--data', ':memory:', '--admin-token', ADMIN, '--webhook', `1:${HOOK_SECRET}`],
      { B24_JOURNAL_SIZE: '2' },
    );
    for (let i = 0; i < 3; i++)
      expect((await callRest(`${server.url}/rest/1/${HOOK_SECRET}/server.time`)).status).toBe(200);
    expect((await readJournal(server)).map((e) => e.id)).toEqual([2, 3]);
  });
});
