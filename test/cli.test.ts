/**
 * The command line as a user runs it: `node dist/cli.js serve` and the offline
 * `webhook add|list|remove`, as child processes on a data directory, called over real HTTP.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CliServer,
  callRest,
  connectionRefused,
  freePort,
  killAll,
  type Reply,
  runCli,
  SQLITE_RUN,
  startCli,
  tempDataDir,
} from './support/cli.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  await killAll();
});

async function stopCleanly(server: CliServer): Promise<void> {
  const exit = await server.stop('SIGTERM');
  expect(exit, server.log()).toEqual({ code: 0, signal: null });
}

/** `${url}/rest/<user>/<secret>/` */
const hookOf = (server: CliServer, userId: number, secret: string) => `${server.url}/rest/${userId}/${secret}/`;

async function listWorks(hook: string): Promise<void> {
  const reply = await callRest(`${hook}booking.v1.waitlist.list`, {});
  expect(reply.status, reply.text).toBe(200);
  expect(reply.body).toMatchObject({ result: { waitList: expect.any(Array) }, total: 0 });
}

describe.runIf(SQLITE_RUN)('serve: the first start and the ones after', () => {
  it('makes a webhook for user 1 with scopes booking,crm and prints its URL; a restart lists it, secret hidden', async () => {
    const dir = tempDataDir();
    const first = await startCli(['--port', '0', '--data', dir]);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.banner.webhookUrls).toHaveLength(1);
    const printed = first.banner.webhookUrls[0] as string;
    const match = new RegExp(`^${first.url}/rest/1/([a-z0-9]{16})/$`).exec(printed);
    expect(match, printed).not.toBeNull();
    const secret = match?.[1] as string;
    expect(first.banner.storedWebhooks).toEqual([]);
    // The admin token it made, printed so it can be used.
    expect(first.stdout).toMatch(/^Admin token: [A-Za-z0-9_-]{32}$/m);
    // The console's sign-in link carries the token it made.
    const token = /^Admin token: (\S+)$/m.exec(first.stdout)?.[1] as string;
    expect(first.stdout).toContain(`\nConsole: ${first.url}/_console/#token=${token}\n`);

    const reply = await callRest(`${printed}booking.v1.waitlist.list`, {});
    expect(reply.status).toBe(200);
    expect(reply.body.result).toEqual({ waitList: [] });
    expect(reply.body.total).toBe(0);
    const added = await callRest(`${printed}booking.v1.waitlist.add`, { fields: { note: 'first start' } });
    expect(added.body.result).toBe(1);
    await stopCleanly(first);

    const listed = await runCli(['webhook', 'list', '--data', dir]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^#1 user 1 scopes booking,crm created \d{4}-\d\d-\d\dT/),
    ]);

    const second = await startCli(['--port', '0', '--data', dir]);
    expect(second.banner.webhookUrls).toEqual([]);
    expect(second.banner.storedWebhooks).toEqual([{ id: 1, userId: 1, scopes: ['booking', 'crm'] }]);
    expect(second.stdout).not.toContain(secret);
    expect(second.stdout).toMatch(/^Webhook #1: user 1, scopes booking,crm \(secret stored hashed, not shown\)$/m);
    const again = await callRest(`${hookOf(second, 1, secret)}booking.v1.waitlist.get`, { id: 1 });
    expect(again.status).toBe(200);
    expect(again.body.result).toEqual({ waitList: { id: 1, note: 'first start' } });
    await stopCleanly(second);
  });
});

describe.runIf(SQLITE_RUN)('serve: webhooks and settings from flags and the environment', () => {
  it('registers the webhooks of B24_WEBHOOKS (several, comma-separated), each working', async () => {
    const dir = tempDataDir();
    const server = await startCli(['--port', '0', '--data', dir], {
      B24_WEBHOOKS: '1:abcabcab:booking,crm,2:defdefde',
    });
    // Secrets it was given are not printed (logs keep what a process prints): id, user, scopes.
    expect(server.banner.webhookUrls).toEqual([]);
    expect(server.banner.givenWebhooks).toEqual([
      { id: 1, userId: 1, scopes: ['booking', 'crm'] },
      { id: 2, userId: 2, scopes: ['booking', 'crm'] },
    ]);
    expect(server.banner.storedWebhooks).toEqual([]);
    expect(server.stdout).not.toMatch(/abcabcab|defdefde/);
    await listWorks(hookOf(server, 1, 'abcabcab'));
    await listWorks(hookOf(server, 2, 'defdefde'));
    // The secret belongs to its user only.
    expect((await callRest(`${hookOf(server, 2, 'abcabcab')}booking.v1.waitlist.list`)).status).toBe(401);
    await stopCleanly(server);

    const listed = await runCli(['webhook', 'list', '--data', dir]);
    const lines = listed.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^#1 user 1 scopes booking,crm created /),
      expect.stringMatching(/^#2 user 2 scopes booking,crm created /),
    ]);
  });

  it('takes --webhook (repeatable) over B24_WEBHOOKS', async () => {
    const dir = tempDataDir();
    const server = await startCli(
      ['--port', '0', '--data', dir, '--webhook', '3:ghighigh:booking', '--webhook', '4:jkljkljk:crm'],
      { B24_WEBHOOKS: '1:abcabcab:booking,crm', B24_ADMIN_TOKEN: 'given-admin-token-1' },
    );
    expect(server.banner.givenWebhooks).toEqual([
      { id: 1, userId: 3, scopes: ['booking'] },
      { id: 2, userId: 4, scopes: ['crm'] },
    ]);
    expect(server.stdout).toMatch(/^Admin token: as given/m);
    // A given token is not printed: the console's address comes without it.
    expect(server.stdout).toContain(`\nConsole: ${server.url}/_console/\n`);
    expect(server.stdout).not.toMatch(/ghighigh|jkljkljk|given-admin-token-1/);
    const admin = await fetch(`${server.url}/_admin/clock`, {
      headers: { authorization: 'Bearer given-admin-token-1' },
    });
    expect(admin.status).toBe(200);
    await listWorks(hookOf(server, 3, 'ghighigh'));
    const ignored = await callRest(`${hookOf(server, 1, 'abcabcab')}booking.v1.waitlist.list`);
    expect(ignored.status).toBe(401);
    expect(ignored.body).toEqual({ error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' });
    const crmOnly = await callRest(`${hookOf(server, 4, 'jkljkljk')}booking.v1.waitlist.list`);
    expect(crmOnly.status).toBe(403);
    expect(crmOnly.body.error).toBe('insufficient_scope');
    await stopCleanly(server);
  });

  it('reads B24_PORT and B24_DATA, and a flag wins over its variable', async () => {
    const [envPort, flagPort] = [await freePort(), await freePort()];
    const envDir = tempDataDir();
    const flagDir = tempDataDir();
    const env = { B24_PORT: String(envPort), B24_DATA: envDir };

    const flagged = await startCli(['--port', String(flagPort), '--data', flagDir, '--webhook', '1:flagwins'], env);
    expect(flagged.url).toBe(`http://127.0.0.1:${flagPort}`);
    await listWorks(hookOf(flagged, 1, 'flagwins'));
    expect(existsSync(join(flagDir, 'b24-booking.sqlite'))).toBe(true);
    expect(existsSync(join(envDir, 'b24-booking.sqlite'))).toBe(false);
    await stopCleanly(flagged);

    const fromEnv = await startCli(['--webhook', '1:envwins0'], env);
    expect(fromEnv.url).toBe(`http://127.0.0.1:${envPort}`);
    await listWorks(hookOf(fromEnv, 1, 'envwins0'));
    expect(existsSync(join(envDir, 'b24-booking.sqlite'))).toBe(true);
    await stopCleanly(fromEnv);
  });
});

describe.runIf(SQLITE_RUN)('webhook secrets', () => {
  // A secret is the whole of a webhook's credential: a short one is guessed in few tries.
  it('are refused shorter than 8 characters in --webhook, B24_WEBHOOKS and webhook add --secret', async () => {
    const dir = tempDataDir();
    const refusals = [
      await runCli(['serve', '--port', '0', '--data', dir, '--webhook', '1:seven77'], {}, 10_000),
      await runCli(['serve', '--port', '0', '--data', dir], { B24_WEBHOOKS: '1:short7:booking' }, 10_000),
      await runCli(['webhook', 'add', '--data', dir, '--secret', 'short7x'], {}, 10_000),
    ];
    for (const refused of refusals) {
      expect(refused.code, refused.stdout + refused.stderr).toBe(1);
      expect(refused.stderr).toMatch(/at least 8 characters/);
    }
    // Nothing was stored on the way.
    expect((await runCli(['webhook', 'list', '--data', dir])).stdout).toBe('');
    // Eight are enough.
    expect((await runCli(['webhook', 'add', '--data', dir, '--secret', 'eight888'])).code).toBe(0);
  });
});

describe.runIf(SQLITE_RUN)('webhook add|list|remove', () => {
  it('work offline on the data directory; a removed webhook is refused on the next start', async () => {
    const dir = tempDataDir();
    const made = await runCli(['webhook', 'add', '--data', dir, '--user', '7', '--scopes', 'booking']);
    expect(made.code, made.stderr).toBe(0);
    const seven = JSON.parse(made.stdout);
    expect(seven).toEqual({
      id: 1,
      userId: 7,
      secret: expect.stringMatching(/^[a-z0-9]{16}$/),
      scopes: ['booking'],
      path: `/rest/7/${seven.secret}/`,
    });
    // The data directory from B24_DATA, as every flag.
    const given = await runCli(['webhook', 'add', '--user', '3', '--secret', 'offlinesecret42'], { B24_DATA: dir });
    expect(given.code, given.stderr).toBe(0);
    expect(JSON.parse(given.stdout)).toEqual({
      id: 2,
      userId: 3,
      secret: 'offlinesecret42',
      scopes: ['booking', 'crm'],
      path: '/rest/3/offlinesecret42/',
    });
    const listed = await runCli(['webhook', 'list', '--data', dir]);
    expect(listed.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^#1 user 7 scopes booking created /),
      expect.stringMatching(/^#2 user 3 scopes booking,crm created /),
    ]);
    expect(listed.stdout).not.toContain('offlinesecret42');

    const server = await startCli(['--port', '0', '--data', dir]);
    // Webhooks are stored, so the start makes none of its own.
    expect(server.banner.webhookUrls).toEqual([]);
    expect(server.banner.storedWebhooks).toEqual([
      { id: 1, userId: 7, scopes: ['booking'] },
      { id: 2, userId: 3, scopes: ['booking', 'crm'] },
    ]);
    await listWorks(hookOf(server, 7, seven.secret));
    await listWorks(hookOf(server, 3, 'offlinesecret42'));
    await stopCleanly(server);

    const removed = await runCli(['webhook', 'remove', '1', '--data', dir]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout.trim()).toBe('removed webhook #1');
    const twice = await runCli(['webhook', 'remove', '1', '--data', dir]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('no webhook #1');
    const left = await runCli(['webhook', 'list', '--data', dir]);
    expect(left.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^#2 user 3 scopes booking,crm created /)]);

    const next = await startCli(['--port', '0', '--data', dir]);
    expect(next.banner.storedWebhooks).toEqual([{ id: 2, userId: 3, scopes: ['booking', 'crm'] }]);
    const refused = await callRest(`${hookOf(next, 7, seven.secret)}booking.v1.waitlist.list`);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' });
    await listWorks(hookOf(next, 3, 'offlinesecret42'));
    await stopCleanly(next);
  });

  it('a webhook removed by the offline command while the server runs is refused within a second or so', async () => {
    const dir = tempDataDir();
    const made = await runCli(['webhook', 'add', '--data', dir, '--user', '4', '--secret', 'removedwhilerun1']);
    expect(made.code, made.stderr).toBe(0);
    const server = await startCli(['--port', '0', '--data', dir]);
    const hook = hookOf(server, 4, 'removedwhilerun1');
    // Used, so the server has it in its cache of found webhooks.
    await listWorks(hook);
    expect((await runCli(['webhook', 'remove', '1', '--data', dir])).code).toBe(0);
    const removedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - removedAt < 5000) {
      status = (await callRest(`${hook}booking.v1.waitlist.list`)).status;
      if (status === 200) await sleep(50);
    }
    expect(status).toBe(401);
    // Believed for at most CALLER_CACHE_MS (1 s) after its last lookup; slack for a busy machine.
    expect(Date.now() - removedAt).toBeLessThan(3000);
    await stopCleanly(server);
  });

  it('stores secrets hashed: no secret in the SQLite files, the WAL included', async () => {
    const dir = tempDataDir();
    const first = await startCli(['--port', '0', '--data', dir]);
    const generated = /\/rest\/1\/([a-z0-9]+)\/$/.exec(first.banner.webhookUrls[0] ?? '')?.[1] as string;
    expect(generated).toMatch(/^[a-z0-9]{16}$/);
    await stopCleanly(first);
    expect((await runCli(['webhook', 'add', '--data', dir, '--secret', 'offlineSecretXyz1'])).code).toBe(0);

    const server = await startCli(['--port', '0', '--data', dir, '--webhook', '2:flagSecretXyz22']);
    await listWorks(hookOf(server, 2, 'flagSecretXyz22'));
    const secrets = [generated, 'offlineSecretXyz1', 'flagSecretXyz22'];

    const scan = () => {
      const files = readdirSync(dir).filter((f) => f.startsWith('b24-booking.sqlite'));
      const bytes = files.map((f) => readFileSync(join(dir, f)));
      for (const secret of secrets) {
        for (const [i, content] of bytes.entries()) {
          expect(content.includes(secret), `${secret} in ${files[i]}`).toBe(false);
          expect(content.includes(Buffer.from(secret, 'utf16le')), `${secret} (UTF-16) in ${files[i]}`).toBe(false);
        }
        // What is kept is the SHA-256: finding it shows the scan reads where the rows are.
        const hash = createHash('sha256').update(secret).digest('hex');
        expect(
          bytes.some((content) => content.includes(hash)),
          `hash of ${secret} in ${files}`,
        ).toBe(true);
      }
      return files;
    };
    // While the server runs, recent writes sit in the WAL.
    expect(scan()).toContain('b24-booking.sqlite-wal');
    await stopCleanly(server);
    scan();
  });
});

interface Outcome {
  reply?: Reply;
  error?: string;
}

/** A request whose body arrives in two parts: the server has the headers before `finish` is called. */
function slowAdd(
  url: string,
  note: string,
  agent: Agent | false = false,
): Promise<{ finish: () => void; reply: Promise<Reply> }> {
  const body = Buffer.from(JSON.stringify({ fields: { note } }));
  return new Promise((started, failed) => {
    const req = request(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length, expect: '100-continue' },
    });
    const reply = new Promise<Reply>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, body: JSON.parse(text) }));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
    req.on('error', failed);
    // 100 Continue: the server has parsed the headers, the request is in its hands.
    req.on('continue', () => {
      req.write(body.subarray(0, 10));
      started({ finish: () => req.end(body.subarray(10)), reply });
    });
    req.flushHeaders();
  });
}

/** Checks every outcome: a complete 200 JSON with a new id, or a connection-level failure. */
function checkStream(outcomes: Outcome[]): number[] {
  const ids: number[] = [];
  for (const outcome of outcomes) {
    if (outcome.reply) {
      expect(outcome.reply.status, outcome.reply.text).toBe(200);
      expect(Number.isSafeInteger(outcome.reply.body?.result), outcome.reply.text).toBe(true);
      expect(outcome.reply.body.time).toBeTypeOf('object');
      ids.push(outcome.reply.body.result);
    } else {
      expect(outcome.error).toMatch(/^(ECONNREFUSED|ECONNRESET|EPIPE)$/);
    }
  }
  return ids;
}

describe.runIf(SQLITE_RUN)('SIGTERM', () => {
  it('finishes the requests in flight, refuses new connections, keeps every answered write, exits 0', async () => {
    const dir = tempDataDir();
    const server = await startCli(['--port', '0', '--data', dir, '--webhook', '1:sigtermsecret']);
    const hook = hookOf(server, 1, 'sigtermsecret');
    const addUrl = `${hook}booking.v1.waitlist.add`;

    // A slow stream from three clients, a new connection for each request.
    let streaming = true;
    const outcomes: Outcome[] = [];
    const notes = new Map<string, Outcome>();
    const worker = async (w: number) => {
      for (let n = 0; streaming; n++) {
        const note = `stream ${w}-${n}`;
        const outcome: Outcome = {};
        try {
          outcome.reply = await callRest(addUrl, { fields: { note } });
        } catch (error) {
          outcome.error = (error as NodeJS.ErrnoException).code ?? String(error);
        }
        outcomes.push(outcome);
        notes.set(note, outcome);
        await sleep(15);
      }
    };
    const workers = [0, 1, 2].map(worker);
    while (outcomes.filter((o) => o.reply).length < 10) await sleep(10);

    const inFlight = await Promise.all([slowAdd(addUrl, 'in flight 1'), slowAdd(addUrl, 'in flight 2')]);
    server.child.kill('SIGTERM');
    await server.waitForOutput(/^SIGTERM: /m);
    await sleep(200);
    // Shutting down, not yet gone: the two requests still hold it, yet no new connection gets in.
    expect(server.exit).toBeUndefined();
    expect(await connectionRefused(server.port)).toBe(true);

    for (const slow of inFlight) slow.finish();
    const finished = await Promise.all(inFlight.map((slow) => slow.reply));
    for (const reply of finished) {
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body.result).toBeGreaterThan(0);
    }
    const exit = await server.stop('SIGTERM');
    streaming = false;
    await Promise.all(workers);
    expect(exit, server.log()).toEqual({ code: 0, signal: null });
    expect(await connectionRefused(server.port)).toBe(true);

    const streamed = checkStream(outcomes);
    expect(streamed.length).toBeGreaterThanOrEqual(10);
    // After the exit, every request was refused.
    expect(outcomes.at(-1)?.error).toBe('ECONNREFUSED');

    // Everything answered 200 is in the database the next start opens.
    const next = await startCli(['--port', '0', '--data', dir]);
    const nextHook = hookOf(next, 1, 'sigtermsecret');
    const expected = new Map<number, string>();
    for (const [note, outcome] of notes) if (outcome.reply) expected.set(outcome.reply.body.result, note);
    for (const [i, reply] of finished.entries()) expected.set(reply.body.result, `in flight ${i + 1}`);
    for (const [id, note] of expected) {
      const got = await callRest(`${nextHook}booking.v1.waitlist.get`, { id });
      expect(got.body.result, `entry ${id}`).toEqual({ waitList: { id, note } });
    }
    await stopCleanly(next);
  });

  it('stops promptly while keep-alive clients go on sending requests', async () => {
    const dir = tempDataDir();
    const server = await startCli(['--port', '0', '--data', dir, '--webhook', '1:keepalivesecret']);
    const addUrl = `${hookOf(server, 1, 'keepalivesecret')}booking.v1.waitlist.add`;
    // As Node's own fetch and http.globalAgent do: connections kept open between requests.
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    const outcomes: Outcome[] = [];
    let streaming = true;
    const worker = async (w: number) => {
      for (let n = 0; streaming && !server.exit; n++) {
        const outcome: Outcome = {};
        try {
          outcome.reply = await callRest(addUrl, { fields: { note: `kept ${w}-${n}` } }, { agent });
        } catch (error) {
          outcome.error = (error as NodeJS.ErrnoException).code ?? String(error);
        }
        outcomes.push(outcome);
        await sleep(50);
      }
    };
    const workers = [0, 1].map(worker);
    try {
      while (outcomes.filter((o) => o.reply).length < 6) await sleep(10);
      // One request in flight on a kept-alive connection when the signal comes.
      const slow = await slowAdd(addUrl, 'in flight, kept alive', agent);
      const answeredBefore = outcomes.filter((o) => o.reply).length;
      const signalled = Date.now();
      server.child.kill('SIGTERM');
      await server.waitForOutput(/^SIGTERM: /m);
      await sleep(100);
      slow.finish();
      const reply = await slow.reply;
      expect(reply.status, reply.text).toBe(200);
      // Requests in flight take milliseconds; 4 s is ample on a loaded machine, and less than
      // Node's keep-alive timeout (5 s), which a shutdown must not wait out, nor let a client
      // that keeps sending on its open connection hold the server up for ever.
      const exited = await Promise.race([server.exited, sleep(4000).then(() => undefined)]);
      const waited = Date.now() - signalled;
      const servedAfter = outcomes.filter((o) => o.reply).length - answeredBefore;
      expect(
        exited,
        `still running ${waited} ms after SIGTERM while clients kept their connections alive (${servedAfter} new requests answered after the signal):\n${server.log()}`,
      ).toEqual({ code: 0, signal: null });
      checkStream(outcomes);
    } finally {
      streaming = false;
      await Promise.all(workers);
      agent.destroy();
    }
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});

describe.runIf(SQLITE_RUN)('a flag the command does not know', () => {
  it('exits 1 with the message, no stack trace', async () => {
    for (const args of [
      ['reset', '--bogus'],
      ['serve', '--port'],
    ]) {
      const run = await runCli([...args, '--data', tempDataDir()]);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr).toMatch(/^b24-booking: /);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
