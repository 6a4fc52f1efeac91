/** The limit flags of `b24-booking serve` and the checks of `app add`, as users script them. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { callRest, killAll, runCli, SQLITE_RUN, startCli, tempDataDir } from './support/cli.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
});

/** Starts `serve` on a free port and resolves with the first webhook URL it prints. */
function serve(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', '0', '--data', ':memory:', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Webhook: (\S+)/.exec(out);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

describe('serve --rate-limit', () => {
  it('X:Y limits a burst to X requests', async () => {
    const hook = await serve(['--rate-limit', '3:0.01']);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${hook}server.time`)).status);
    expect(statuses).toEqual([200, 200, 200, 503]);
  });

  it('off (the default) and --operating-limit off leave every request through', async () => {
    const hook = await serve(['--rate-limit', 'off', '--operating-limit', 'off']);
    const replies = await Promise.all(Array.from({ length: 60 }, () => fetch(`${hook}server.time`)));
    expect(replies.every((r) => r.status === 200)).toBe(true);
  });

  it('refuses a malformed value with a message', () => {
    const run = spawnSync(process.execPath, ['dist/cli.js', 'serve', '--rate-limit', '50', '--data', ':memory:'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--rate-limit must be X:Y');
  });
});

describe('serve --metrics', () => {
  it('admin (the default) asks for the admin token; public answers anyone; other values are refused', async () => {
    const guarded = new URL(await serve(['--admin-token', 'metrics-admin-token'])).origin;
    expect((await fetch(`${guarded}/metrics`)).status).toBe(401);
    const withToken = await fetch(`${guarded}/metrics`, { headers: { authorization: 'Bearer metrics-admin-token' } });
    expect(withToken.status).toBe(200);
    expect(await withToken.text()).toContain('b24_outbox_depth');

    const open = new URL(await serve(['--metrics', 'public'])).origin;
    expect((await fetch(`${open}/metrics`)).status).toBe(200);
    const fromEnv = spawnSync(process.execPath, ['dist/cli.js', 'serve', '--data', ':memory:'], {
      encoding: 'utf8',
      env: { ...process.env, B24_METRICS: 'everyone' },
    });
    expect(fromEnv.status).toBe(1);
    expect(fromEnv.stderr).toContain('--metrics must be one of: admin, public');
  });
});

describe('app add --handler', () => {
  it('refuses a handler URL that is not http(s)', () => {
    for (const handler of ['ftp://example.com/handler', 'file:///etc/passwd', 'javascript:alert(1)']) {
      const run = spawnSync(
        process.execPath,
        ['dist/cli.js', 'app', 'add', '--name', 'Bad', '--handler', handler, '--data', ':memory:'],
        { encoding: 'utf8' },
      );
      expect({ handler, status: run.status, stdout: run.stdout }).toEqual({ handler, status: 1, stdout: '' });
      expect(run.stderr).toContain(`--handler must be an http: or https: URL; got "${handler}"`);
    }
  });
});

describe.runIf(SQLITE_RUN)('serve --event-handlers', () => {
  const ADMIN = 'cli-events-admin';
  afterEach(() => killAll());

  /** Starts `serve` on a data directory and binds a loopback handler as an installed application. */
  async function bindLoopback(args: string[], env: Record<string, string> = {}) {
    const dir = tempDataDir();
    const server = await startCli(['--port', '0', '--data', dir, '--admin-token', ADMIN, ...args], env);
    const added = await runCli(['app', 'add', '--name', 'Events', '--scopes', 'booking', '--data', dir]);
    const app = JSON.parse(added.stdout) as { client_id: string; client_secret: string };
    const approve = await fetch(`${server.url}/oauth/authorize/?client_id=${app.client_id}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const { code } = (await approve.json()) as { code: string };
    const token = await fetch(
      `${server.url}/oauth/token/?grant_type=authorization_code&client_id=${app.client_id}&client_secret=${app.client_secret}&code=${code}`,
    );
    const { access_token: auth } = (await token.json()) as { access_token: string };
    const reply = await callRest(`${server.url}/rest/event.bind`, {
      event: 'ONBOOKINGADD',
      handler: 'http://127.0.0.1:9/handler',
      auth,
    });
    return reply.body;
  }

  const refused = { error: 'ERROR_WRONG_HANDLER_URL', error_description: 'Wrong handler URL' };

  it('local (the default) accepts a loopback handler; public, or B24_EVENT_HANDLERS=public, refuses it', async () => {
    expect(await bindLoopback([])).toMatchObject({ result: true });
    expect(await bindLoopback(['--event-handlers', 'public'])).toEqual(refused);
    expect(await bindLoopback([], { B24_EVENT_HANDLERS: 'public' })).toEqual(refused);
  });

  it('refuses another value with a message', () => {
    const run = spawnSync(process.execPath, ['dist/cli.js', 'serve', '--event-handlers', 'all', '--data', ':memory:'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--event-handlers must be one of: local, public');
  });
});
