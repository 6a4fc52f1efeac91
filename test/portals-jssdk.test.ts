/**
 * The official client, @bitrix24/b24jssdk, talking to two portals of one server at once over
 * HTTPS: each client sees only its own portal's data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, callRest, killAll, ROOT, runNode, SQLITE_RUN, startCli, tempDataDir } from './support/cli.js';

const CLIENT = join(ROOT, 'test', 'support', 'jssdk-client.mjs');
const ADMIN = 'portals-jssdk-admin';

describe.runIf(SQLITE_RUN)('@bitrix24/b24jssdk with two portals over HTTPS', () => {
  let server: CliServer;
  let certPath: string;
  const hooks: string[] = [];

  /** POST /_admin/portals over HTTPS, trusting the server's certificate. */
  const createPortal = (name: string, secret: string) =>
    callRest(
      `${server.url}/_admin/portals`,
      { name, webhooks: [`1:${secret}`] },
      { ca: readFileSync(certPath), headers: { authorization: `Bearer ${ADMIN}` } },
    );

  async function sdk(hook: string, calls: { method: string; params?: unknown }[]) {
    const run = await runNode(CLIENT, [hook, JSON.stringify(calls)], { NODE_EXTRA_CA_CERTS: certPath });
    const line = /^RESULT (.*)$/m.exec(run.stdout)?.[1];
    if (run.code !== 0 || !line) throw new Error(`the SDK client failed (${run.code}):\n${run.stdout}${run.stderr}`);
    return JSON.parse(line) as { calls: { result?: unknown; error?: unknown }[] };
  }

  beforeAll(async () => {
    const dataDir = tempDataDir('b24-portals-jssdk-');
    server = await startCli(['--port', '0', '--data', dataDir, '--tls', 'self-signed', '--admin-token', ADMIN]);
    certPath = join(dataDir, 'tls', 'cert.pem');
    for (const [name, secret] of [
      ['north', 'northsecret0001'],
      ['south', 'southsecret0001'],
    ] as const) {
      const made = await createPortal(name, secret);
      expect(made.status).toBe(201);
      hooks.push(made.body.webhookUrls[0] as string);
    }
  });

  afterAll(async () => {
    if (server) await server.stop();
    await killAll();
  });

  it('each portal gets its own ids and sees only its own entries, with both clients running at once', async () => {
    const [north, south] = await Promise.all(
      hooks.map((hook, i) =>
        sdk(hook, [
          { method: 'booking.v1.waitlist.add', params: { fields: { note: `portal ${i} first` } } },
          { method: 'booking.v1.waitlist.add', params: { fields: { note: `portal ${i} second` } } },
          { method: 'booking.v1.waitlist.list', params: {} },
        ]),
      ),
    );
    for (const [i, run] of [north, south].entries()) {
      const calls = (run as { calls: { result?: unknown }[] }).calls;
      expect(calls.slice(0, 2).map((c) => c.result)).toEqual([1, 2]);
      const list = calls[2]?.result as { waitList: { note: string }[] };
      expect(list.waitList.map((w) => w.note)).toEqual([`portal ${i} first`, `portal ${i} second`]);
    }
  });
});
