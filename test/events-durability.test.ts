/**
 * At-least-once through a crash: the CLI server is killed with SIGKILL right after a write whose
 * handler cannot be reached yet; the next start on the same data directory delivers the event.
 * A delivery given up on is listed by `b24-booking events failed`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { callRest, freePort, killAll, runCli, SQLITE_RUN, startCli, tempDataDir } from './support/cli.js';
import { HandlerServer } from './support/events.js';

const ADMIN = 'durable-admin-token';
const SECRET = 'eventsdurable001';
const FAST = ['--event-timeout-ms', '500', '--event-backoff-ms', '100'];

afterEach(async () => {
  await killAll();
});

async function appToken(url: string, dir: string): Promise<string> {
  const added = await runCli(['app', 'add', '--name', 'Durable', '--scopes', 'booking', '--data', dir]);
  expect(added.code, added.stderr).toBe(0);
  const app = JSON.parse(added.stdout) as { client_id: string; client_secret: string };
  const approve = await fetch(`${url}/oauth/authorize/?client_id=${app.client_id}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  const { code } = (await approve.json()) as { code: string };
  const token = await fetch(
    `${url}/oauth/token/?grant_type=authorization_code&client_id=${app.client_id}&client_secret=${app.client_secret}&code=${code}`,
  );
  return ((await token.json()) as { access_token: string }).access_token;
}

describe.runIf(SQLITE_RUN)('events through kill -9', () => {
  it('an event written just before SIGKILL is delivered after the restart', async () => {
    const dir = tempDataDir('b24-events-');
    const args = ['--port', '0', '--data', dir, '--admin-token', ADMIN, '--webhook', `1:${SECRET}:booking`, ...FAST];
    const first = await startCli(args);
    const token = await appToken(first.url, dir);
    // The handler's port is free: nothing listens there until the server is dead.
    const port = await freePort();
    const handler = `http://127.0.0.1:${port}/events`;
    const bound = await callRest(`${first.url}/rest/event.bind`, {
      event: 'ONBOOKINGWAITLISTITEMADD',
      handler,
      auth: token,
    });
    expect(bound.body, bound.text).toMatchObject({ result: true });
    const added = await callRest(`${first.url}/rest/1/${SECRET}/booking.v1.waitlist.add`, {
      fields: { note: 'crash' },
    });
    const id = added.body.result as number;
    first.child.kill('SIGKILL');
    await first.exited;

    const hs = await HandlerServer.start(port);
    try {
      await startCli(args);
      await hs.waitFor((posts) => posts.length > 0, 15_000);
      expect(hs.posts[0]?.body).toMatchObject({ event: 'ONBOOKINGWAITLISTITEMADD', data: { ID: String(id) } });
    } finally {
      await hs.close();
    }
  });

  it('events failed lists the deliveries given up on', async () => {
    const dir = tempDataDir('b24-events-');
    const args = ['--port', '0', '--data', dir, '--admin-token', ADMIN, '--webhook', `1:${SECRET}:booking`];
    const server = await startCli([...args, ...FAST, '--event-tries', '2']);
    const token = await appToken(server.url, dir);
    const hs = await HandlerServer.start();
    hs.on('/broken', () => ({ status: 500 }));
    try {
      await callRest(`${server.url}/rest/event.bind`, {
        event: 'ONBOOKINGWAITLISTITEMADD',
        handler: `${hs.url}/broken`,
        auth: token,
      });
      const added = await callRest(`${server.url}/rest/1/${SECRET}/booking.v1.waitlist.add`, { fields: {} });
      await hs.waitFor((posts) => posts.length === 2);
      let lines: string[] = [];
      for (let i = 0; i < 50 && lines.length === 0; i++) {
        const run = await runCli(['events', 'failed', '--data', dir]);
        expect(run.code, run.stderr).toBe(0);
        lines = run.stdout.split('\n').filter(Boolean);
        if (lines.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(lines.map((l) => JSON.parse(l))).toEqual([
        expect.objectContaining({
          event: 'onBookingWaitListItemAdd',
          data: { ID: added.body.result },
          handler: `${hs.url}/broken`,
          attempts: 2,
          lastError: 'HTTP 500',
        }),
      ]);
    } finally {
      await hs.close();
    }
  });
});
