/** The limit flags of `b24-booking serve` and the checks of `app add`, as users script them. */
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
