/** The limit flags of `b24-booking serve`, as users script them. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';

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
