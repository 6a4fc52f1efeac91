/**
 * The `portal add|list|remove` commands and `--portal NAME` on the offline commands, as a user
 * runs them: `node dist/cli.js` on a SQLite data directory, then a server started on it and
 * called over real HTTP.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliRun, callRest, freePort, killAll, runCli, SQLITE_RUN, startCli, tempDataDir } from './support/cli.js';

afterEach(async () => {
  await killAll();
});

async function ok(args: string[]): Promise<string> {
  const run = await runCli(args);
  expect(run.code, `${args.join(' ')}\n${run.stderr}`).toBe(0);
  return run.stdout;
}

/** `b24-booking portal list`: one JSON object a line. */
async function portalList(data: string): Promise<{ name: string; memberId: string }[]> {
  return (await ok(['portal', 'list', '--data', data]))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

const notes = async (hook: string): Promise<string[]> => {
  const reply = await callRest(`${hook}booking.v1.waitlist.list`);
  expect(reply.status, reply.text).toBe(200);
  return reply.body.result.waitList.map((w: { note: string }) => w.note);
};

/** A data directory with the portal alpha and a webhook in each of alpha and default. */
async function twoPortals() {
  const data = tempDataDir();
  await ok(['portal', 'add', 'alpha', '--data', data, '--webhook', '1:alphasecret01']);
  await ok(['webhook', 'add', '--data', data, '--secret', 'defaultsecret1']);
  const state = async () => ({
    portals: await portalList(data),
    // The portals' directories (`.template-N`, the empty database new ones are copied from, aside).
    directories: readdirSync(join(data, 'portals'))
      .filter((name) => !name.startsWith('.'))
      .sort(),
    defaultHooks: await ok(['webhook', 'list', '--data', data]),
    alphaHooks: await ok(['webhook', 'list', '--data', data, '--portal', 'alpha']),
  });
  const before = await state();
  expect(before.directories).toEqual(['alpha']);
  return { data, state, before };
}

/**
 * Each command exits 1 with the message on stderr (no stack trace). They run at once (none
 * changes anything, and no two name the same new portal), so a loaded machine waits less.
 */
async function expectRefused(data: string, refusals: [string[], string][]): Promise<void> {
  const runs = await Promise.all(refusals.map(([args]) => runCli([...args, '--data', data])));
  for (const [i, [args, message]] of refusals.entries()) {
    const run = runs[i] as CliRun;
    expect(run.code, `${args.join(' ')}: ${run.stdout}`).toBe(1);
    expect(run.stderr, args.join(' ')).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }
}

describe.runIf(SQLITE_RUN)('portal add|list|remove', () => {
  it('portal add prints the admin API JSON; a server on that directory answers its webhook with its own data', async () => {
    const data = tempDataDir();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const made = JSON.parse(
      await ok([
        'portal',
        'add',
        'alpha',
        '--data',
        data,
        '--webhook',
        '1:alphasecret01',
        '--overbooking',
        'off',
        '--rate-limit',
        '50:2',
        '--seed',
        'examples/clinic.yaml',
        '--url',
        base,
      ]),
    );
    expect(made).toEqual({
      name: 'alpha',
      domain: `127.0.0.1:${port}`,
      memberId: expect.stringMatching(/^[0-9a-f]{32}$/),
      settings: {
        overbooking: false,
        bookingDeals: true,
        bookingEnabled: true,
        rateLimit: '50:2',
        operatingLimit: 'off',
      },
      webhookUrls: [`${base}/rest/1/alphasecret01/`],
    });
    // Without --url the webhooks are paths, as `webhook add` prints them; one is made when none is given.
    const beta = JSON.parse(await ok(['portal', 'add', 'beta', '--data', data]));
    expect(beta.domain).toBeUndefined();
    expect(beta.webhookUrls).toEqual([expect.stringMatching(/^\/rest\/1\/[a-z0-9]{16}\/$/)]);
    expect((await portalList(data)).map((p) => p.name)).toEqual(['default', 'alpha', 'beta']);

    const server = await startCli(['--port', String(port), '--data', data, '--webhook', '1:defaultsecret1']);
    const defaultHook = `${server.url}/rest/1/defaultsecret1/`;
    const alpha = made.webhookUrls[0] as string;
    // The seed reached alpha only; a record added there counts on from alpha's own ids.
    expect(await notes(alpha)).toHaveLength(2);
    expect(await notes(defaultHook)).toEqual([]);
    const added = await callRest(`${alpha}booking.v1.waitlist.add`, { fields: { note: 'alpha 3' } });
    expect(added.body.result).toBe(3);
    const inBeta = await callRest(`${server.url}${beta.webhookUrls[0]}booking.v1.waitlist.add`, {
      fields: { note: 'beta 1' },
    });
    expect(inBeta.body.result).toBe(1);
    expect(await notes(defaultHook)).toEqual([]);

    const admin = await fetch(`${server.url}/_admin/portals/alpha`, {
      headers: { authorization: `Bearer ${/^Admin token: (\S+)$/m.exec(server.stdout)?.[1]}` },
    });
    expect(await admin.json()).toMatchObject({ memberId: made.memberId, settings: made.settings });
    await server.stop();
  });

  it('refuses a bad name, a name in use, a secret in use, removing default and a refused seed; nothing changes', async () => {
    const { data, state, before } = await twoPortals();
    const badSeed = join(tempDataDir('b24-seed-'), 'bad.json');
    // The first item is made, the second refused: the portal made for it goes again.
    writeFileSync(
      badSeed,
      JSON.stringify({ resourceTypes: [{ name: 'Doctor', code: 'doctor' }], resources: [{ typeId: '$nobody' }] }),
    );
    await expectRefused(data, [
      [['portal', 'add', 'Not_A_Label'], 'A portal name is a DNS label'],
      [['portal', 'add', 'alpha'], 'A portal named "alpha" exists'],
      [['portal', 'add', 'default'], 'The portal "default" always exists'],
      [['portal', 'add', 'gamma-1', '--webhook', '1:alphasecret01'], 'A webhook secret of another portal'],
      [['portal', 'add', 'gamma-2', '--webhook', '1:defaultsecret1'], 'A webhook secret of another portal'],
      [['portal', 'add', 'gamma-3', '--overbooking', 'maybe'], '--overbooking must be one of: on, off'],
      [['portal', 'add', 'gamma-4', '--seed', badSeed], 'resources[0]'],
      [['portal', 'remove', 'default'], 'The portal "default" cannot be removed'],
      [['portal', 'remove', 'nope'], 'No portal named "nope"'],
      [['webhook', 'add', '--portal', 'alpha', '--secret', 'defaultsecret1'], 'A webhook secret of another portal'],
      [['webhook', 'add', '--secret', 'alphasecret01'], 'A webhook secret of another portal'],
    ]);
    expect(await state()).toEqual(before);
  });

  it('refuses every offline command on an unknown portal; nothing changes', async () => {
    const { data, state, before } = await twoPortals();
    const commands = [
      ['reset'],
      ['snapshot', 'list'],
      ['snapshot', 'save', 's'],
      ['seed', 'examples/clinic.yaml'],
      ['webhook', 'add'],
      ['webhook', 'list'],
      ['app', 'add', '--name', 'App'],
      ['events', 'failed'],
    ];
    await expectRefused(
      data,
      commands.map((args) => [[...args, '--portal', 'nope'], 'No portal named "nope"']),
    );
    expect(await state()).toEqual(before);
  });

  it('portal remove deletes the portal and its directory; its webhook stops working', async () => {
    const data = tempDataDir();
    await ok(['portal', 'add', 'gone', '--data', data, '--webhook', '1:gonesecret001']);
    expect(existsSync(join(data, 'portals', 'gone'))).toBe(true);
    expect((await ok(['portal', 'remove', 'gone', '--data', data])).trim()).toBe('removed portal "gone"');
    expect(existsSync(join(data, 'portals', 'gone'))).toBe(false);
    expect((await portalList(data)).map((p) => p.name)).toEqual(['default']);

    const server = await startCli(['--port', '0', '--data', data]);
    const refused = await callRest(`${server.url}/rest/1/gonesecret001/booking.v1.waitlist.list`);
    expect(refused.status).toBe(401);
    await server.stop();
  });
});

describe.runIf(SQLITE_RUN)('--portal NAME on the offline commands', () => {
  it('reset, snapshot, seed and webhook add act on that portal only', async () => {
    const data = tempDataDir();
    await ok(['portal', 'add', 'x', '--data', data, '--webhook', '1:xsecret00001']);
    await ok(['portal', 'add', 'y', '--data', data, '--webhook', '1:ysecret00001']);
    await ok(['webhook', 'add', '--data', data, '--secret', 'defaultsecret1']);
    for (const portal of ['default', 'x', 'y']) {
      const seeded = JSON.parse(await ok(['seed', 'examples/clinic.yaml', '--data', data, '--portal', portal]));
      expect(seeded.counts).toMatchObject({ resources: 3, waitList: 2 });
    }
    await ok(['reset', '--data', data, '--portal', 'x']);
    await ok(['snapshot', 'save', 'kept', '--data', data, '--portal', 'y']);
    await ok(['reset', '--data', data, '--portal', 'y']);
    expect(await ok(['snapshot', 'list', '--data', data, '--portal', 'y'])).toMatch(/^kept\t/);
    // The snapshot is y's: the default portal has none of that name.
    expect((await runCli(['snapshot', 'load', 'kept', '--data', data])).stderr).toContain('no snapshot named "kept"');
    await ok(['snapshot', 'load', 'kept', '--data', data, '--portal', 'y']);

    const port = await freePort();
    const second = JSON.parse(
      await ok([
        'webhook',
        'add',
        '--data',
        data,
        '--portal',
        'x',
        '--user',
        '2',
        '--secret',
        'xsecond00001',
        '--url',
        `http://127.0.0.1:${port}`,
      ]),
    );
    expect(second).toMatchObject({ userId: 2, path: '/rest/2/xsecond00001/' });
    expect(second.url).toBe(`http://127.0.0.1:${port}/rest/2/xsecond00001/`);
    expect(await ok(['webhook', 'list', '--data', data, '--portal', 'x'])).toMatch(/^#1 user 1 .*\n#2 user 2 /);

    const server = await startCli(['--port', String(port), '--data', data]);
    const hook = (user: number, secret: string) => `${server.url}/rest/${user}/${secret}/`;
    expect(await notes(hook(1, 'defaultsecret1'))).toHaveLength(2);
    expect(await notes(hook(1, 'ysecret00001'))).toHaveLength(2);
    expect(await notes(hook(1, 'xsecret00001'))).toEqual([]);
    // The webhook added offline reaches x, whose reset started its ids from 1 again.
    const added = await callRest(`${second.url}booking.v1.waitlist.add`, { fields: { note: 'x by 2' } });
    expect(added.body.result).toBe(1);
    expect(await notes(hook(1, 'xsecret00001'))).toEqual(['x by 2']);
    expect(await notes(hook(1, 'defaultsecret1'))).not.toContain('x by 2');
    await server.stop();
  });
});
