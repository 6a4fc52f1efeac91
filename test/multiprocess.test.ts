/**
 * Several server processes on one database, as users scale out: the CLI as child processes
 * (three `serve` on one PostgreSQL, and `serve --workers 3`), clients spread across them. The
 * invariants of one process must hold across all of them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/store/migrations/index.js';
import { Store } from '../src/store/store.js';
import {
  type CliServer,
  callRest,
  connectionRefused,
  killAll,
  type Reply,
  runCli,
  START_TIMEOUT_MS,
  startCli,
  tempDataDir,
} from './support/cli.js';
import { freshPostgresDatabase, TEST_DATABASE } from './support/server.js';

const POSTGRES_RUN = TEST_DATABASE === 'postgres';

/** Webhooks every server of a group is started with; each user has a bucket of its own. */
const HOOKS = { race: '1:mpracesecret0001', burst: '2:mpburstsecret002', single: '3:mpsinglesecret03' } as const;
const hookArgs = Object.values(HOOKS).flatMap((spec) => ['--webhook', `${spec}:booking,crm`]);

function hook(server: CliServer, spec: string): string {
  const [user, secret] = spec.split(':');
  return `${server.url}/rest/${user}/${secret}/`;
}

/** The store flags of a fresh store: a new PostgreSQL database, or a new SQLite data directory. */
async function freshStoreArgs(): Promise<string[]> {
  return POSTGRES_RUN ? ['--database', await freshPostgresDatabase()] : ['--data', tempDataDir()];
}

/** Calls spread round-robin over the servers, all at once, each on a connection of its own. */
function spread(servers: CliServer[], count: number, call: (server: CliServer, i: number) => Promise<Reply>) {
  return Promise.all(Array.from({ length: count }, (_, i) => call(servers[i % servers.length] as CliServer, i)));
}

async function ok(url: string, params: unknown): Promise<Reply> {
  const reply = await callRest(url, params);
  expect(reply.status, `${url}: ${reply.text}`).toBe(200);
  return reply;
}

/** A fresh resource, and `count` simultaneous bookings of one half-hour of it, spread over the servers. */
async function raceForOneSlot(servers: CliServer[], count: number) {
  const first = hook(servers[0] as CliServer, HOOKS.race);
  const typeId = (await ok(`${first}booking.v1.resourceType.add`, { fields: { name: 'Room', code: `r${Date.now()}` } }))
    .body.result;
  const resourceId = (await ok(`${first}booking.v1.resource.add`, { fields: { name: 'Room 1', typeId } })).body.result;
  const t = 2_600_000_000;
  const fields = {
    resourceIds: [resourceId],
    datePeriod: { from: { timestamp: t, timezone: 'UTC' }, to: { timestamp: t + 1800, timezone: 'UTC' } },
  };
  const replies = await spread(servers, count, (server) =>
    callRest(`${hook(server, HOOKS.race)}booking.v1.booking.add`, { fields }),
  );
  for (const reply of replies.filter((r) => r.status !== 200)) {
    expect(reply.status, reply.text).toBe(400);
    expect(reply.body.error, reply.text).toBe('1018');
  }
  const listed = await ok(`${first}booking.v1.booking.list`, { filter: { resourceId: [resourceId] } });
  const wins = replies.filter((r) => r.status === 200).length;
  expect(listed.body.result.booking, 'the bookings stored are the ones answered 200').toHaveLength(wins);
  return wins;
}

describe('migrations when several processes start together', () => {
  it('four processes opening one fresh store at once all succeed, and each migration ran once', async () => {
    const storeArgs = await freshStoreArgs();
    const runs = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        runCli(['webhook', 'add', '--user', String(i), '--secret', `mpmigration0000${i}`, ...storeArgs]),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const listed = await runCli(['webhook', 'list', ...storeArgs]);
    expect(listed.stdout.trim().split('\n')).toHaveLength(4);
    const store = await Store.open(
      POSTGRES_RUN ? { data: ':memory:', database: storeArgs[1] } : { data: storeArgs[1] as string },
    );
    try {
      const ran = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
      expect(ran.rows.map((r) => r.name)).toEqual(Object.keys(migrations));
    } finally {
      await store.close();
    }
  });

  it('three servers started together on an empty store make one first webhook, not one each', async () => {
    const storeArgs = await freshStoreArgs();
    const servers = await Promise.all([1, 2, 3].map(() => startCli(['--port', '0', ...storeArgs])));
    try {
      const made = servers.flatMap((server) => server.banner.webhookUrls);
      expect(made, servers.map((server) => server.stdout).join('\n')).toHaveLength(1);
      const listed = await runCli(['webhook', 'list', ...storeArgs]);
      expect(listed.stdout.trim().split('\n')).toHaveLength(1);
    } finally {
      await killAll();
    }
  });

  it.runIf(POSTGRES_RUN)('five stores opened at once in one process on a fresh database all succeed', async () => {
    const database = await freshPostgresDatabase();
    const stores = await Promise.all(Array.from({ length: 5 }, () => Store.open({ data: ':memory:', database })));
    try {
      const ran = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(
        stores[0]?.db as Store['db'],
      );
      expect(ran.rows[0]?.n).toBe(Object.keys(migrations).length);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

/** The admin API of a server started by the CLI, with the token its banner printed. */
function adminOf(server: CliServer) {
  const token = /^Admin token: (\S+)/m.exec(server.stdout)?.[1] as string;
  return (path: string, method: string, body?: unknown) =>
    fetch(`${server.url}/_admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

describe.runIf(POSTGRES_RUN)('three server processes on one PostgreSQL', () => {
  afterEach(async () => {
    await killAll();
  });
  const start = async (extra: string[]) => {
    const storeArgs = await freshStoreArgs();
    // Started together: the migrations and the start-up webhooks race too.
    return Promise.all([1, 2, 3].map(() => startCli(['--port', '0', ...storeArgs, ...hookArgs, ...extra])));
  };

  it('30 simultaneous booking.add of one slot: exactly 2 win with overbooking on', async () => {
    const servers = await start([]);
    expect(await raceForOneSlot(servers, 30)).toBe(2);
  });

  it('30 simultaneous booking.add of one slot: exactly 1 wins with --overbooking off', async () => {
    const servers = await start(['--overbooking', 'off']);
    expect(await raceForOneSlot(servers, 30)).toBe(1);
  });

  it('30 simultaneous externalData.set on one entry leave one whole set, never a mix', async () => {
    const servers = await start([]);
    const first = hook(servers[0] as CliServer, HOOKS.race);
    const id = (await ok(`${first}booking.v1.waitlist.add`, { fields: { note: 'contested' } })).body.result;
    const setOf = (i: number) =>
      ['a', 'b', 'c'].map((k) => ({ moduleId: 'crm', entityTypeId: 'DEAL', value: `${i}-${k}` }));
    const replies = await spread(servers, 30, (server, i) =>
      callRest(`${hook(server, HOOKS.race)}booking.v1.waitlist.externalData.set`, {
        waitListId: id,
        externalData: setOf(i),
      }),
    );
    for (const reply of replies) expect(reply.status, reply.text).toBe(200);
    const listed = await ok(`${first}booking.v1.waitlist.externalData.list`, { waitListId: id });
    const values = (listed.body.result.externalData as { value: string }[]).map((l) => l.value);
    const winner = values[0]?.split('-')[0];
    expect(values.sort()).toEqual([`${winner}-a`, `${winner}-b`, `${winner}-c`]);
  });

  it('a portal made through one server answers through the others at once; a change or a removal within a second', async () => {
    const servers = await start([]);
    const [a, b, c] = servers as [CliServer, CliServer, CliServer];
    const admin = adminOf(a);
    expect((await admin('portals', 'POST', { name: 'spread', webhooks: ['1:spreadportal1'] })).status).toBe(201);
    const urls = servers.map((server) => `${server.url}/rest/1/spreadportal1/`);
    for (const url of urls) await ok(`${url}booking.v1.waitlist.add`, { fields: { note: 'x' } });
    expect((await ok(`${urls[2]}booking.v1.waitlist.list`, {})).body.result.waitList).toHaveLength(3);
    expect((await admin('portals/spread', 'PATCH', { settings: { bookingEnabled: false } })).status).toBe(200);
    // Separate servers read their open portals' rows again once a second.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const server of [b, c]) {
      const off = await callRest(`${server.url}/rest/1/spreadportal1/booking.v1.waitlist.list`);
      expect(off.body.error).toBe('0');
    }
    expect((await admin('portals/spread', 'DELETE')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const url of urls) expect((await callRest(`${url}booking.v1.waitlist.list`)).status).toBe(401);
  });

  it('a burst spread over three processes stops at the threshold one process stops at', async () => {
    const threshold = 20;
    const servers = await start(['--rate-limit', `${threshold}:0.01`]);
    const admitted = (replies: Reply[]) => {
      for (const reply of replies.filter((r) => r.status !== 200)) {
        expect(reply.status, reply.text).toBe(503);
        expect(reply.body.error).toBe('QUERY_LIMIT_EXCEEDED');
      }
      return replies.filter((r) => r.status === 200).length;
    };
    const onOne = await spread([servers[0] as CliServer], 60, (server) =>
      callRest(`${hook(server, HOOKS.single)}server.time`),
    );
    const onThree = await spread(servers, 60, (server) => callRest(`${hook(server, HOOKS.burst)}server.time`));
    expect(admitted(onOne)).toBe(threshold);
    expect(admitted(onThree)).toBe(threshold);
  });
});

/** The processes whose parent is `pid` (Linux /proc). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: the command name may hold spaces, so read after its ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = START_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('serve --workers 3', () => {
  let server: CliServer;
  beforeAll(async () => {
    server = await startCli(['--port', '0', ...(await freshStoreArgs()), ...hookArgs, '--workers', '3']);
  });
  afterAll(async () => {
    await killAll();
  });

  it('prints the start-up lines once and runs three workers', async () => {
    expect(server.stdout.match(/listening on/g)).toHaveLength(1);
    expect(server.stdout.match(/^Admin token: /gm)).toHaveLength(1);
    expect(server.stdout).toContain('(3 workers)');
    expect(childPids(server.child.pid as number)).toHaveLength(3);
  });

  it('30 simultaneous booking.add of one slot through the workers: exactly 2 win', async () => {
    expect(await raceForOneSlot([server], 30)).toBe(2);
  });

  it('a worker that dies is replaced, and the port keeps answering', async () => {
    const primary = server.child.pid as number;
    const [victim] = childPids(primary);
    process.kill(victim as number, 'SIGKILL');
    await server.waitForOutput(new RegExp(`worker ${victim} exited \\(SIGKILL\\); starting another`));
    const workers = await until('a third worker', () => {
      const pids = childPids(primary);
      return pids.length === 3 ? pids : undefined;
    });
    expect(workers).not.toContain(victim);
    const replies = await Promise.all(
      Array.from({ length: 12 }, () => callRest(`${hook(server, HOOKS.race)}server.time`)),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(12).fill(200));
  });

  it('a portal made, changed, put at another time or removed through one worker: the next call through every worker sees it', async () => {
    const admin = adminOf(server);
    // Twelve calls at once, a connection each: the cluster hands them to the three workers in turn.
    const everyWorker = (url: string, params?: unknown) =>
      Promise.all(Array.from({ length: 12 }, () => callRest(url, params)));
    expect((await admin('portals', 'POST', { name: 'shared', webhooks: ['1:sharedportal01'] })).status).toBe(201);
    const url = `${server.url}/rest/1/sharedportal01/`;
    const added = await everyWorker(`${url}booking.v1.waitlist.add`, { fields: { note: 'x' } });
    expect(added.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(added.map((r) => r.body.result).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const listed = async () =>
      (await everyWorker(`${url}booking.v1.waitlist.list`)).map((r) => r.body.result.waitList.length);

    // Snapshot, reset, load and seed through one worker are the portal's, whichever worker answers next.
    expect((await admin('portals/shared/snapshots/twelve', 'POST')).status).toBe(200);
    expect((await admin('portals/shared/reset', 'POST')).status).toBe(200);
    expect(await listed()).toEqual(Array(12).fill(0));
    expect((await admin('portals/shared/snapshots/twelve/load', 'POST')).status).toBe(200);
    expect(await listed()).toEqual(Array(12).fill(12));
    expect((await admin('portals/shared/seed', 'POST', { waitList: [{ note: 'seeded' }] })).status).toBe(200);
    expect(await listed()).toEqual(Array(12).fill(13));

    // No waiting between a change and the calls that must see it.
    expect((await admin('portals/shared', 'PATCH', { settings: { bookingEnabled: false } })).status).toBe(200);
    expect((await everyWorker(`${url}booking.v1.waitlist.list`)).map((r) => r.body.error)).toEqual(Array(12).fill('0'));
    expect((await admin('portals/shared', 'PATCH', { settings: { bookingEnabled: true } })).status).toBe(200);
    expect((await everyWorker(`${url}booking.v1.waitlist.list`)).map((r) => r.status)).toEqual(Array(12).fill(200));

    // The portal's clock, set through one worker, is every worker's; the default portal keeps real time.
    expect((await admin('portals/shared/clock', 'POST', { now: '2030-01-02T03:04:05Z' })).status).toBe(200);
    const times = await everyWorker(`${url}server.time`);
    for (const reply of times) {
      expect(Date.parse(reply.body.result) - Date.parse('2030-01-02T03:04:05Z')).toBeGreaterThanOrEqual(0);
      expect(Date.parse(reply.body.result) - Date.parse('2030-01-02T03:04:05Z')).toBeLessThan(60_000);
    }
    const defaultTime = await callRest(`${hook(server, HOOKS.single)}server.time`);
    expect(Math.abs(Date.parse(defaultTime.body.result) - Date.now())).toBeLessThan(60_000);
    // PATCHed settings of the default portal reach every worker too.
    expect((await admin('portals/default', 'PATCH', { settings: { bookingEnabled: false } })).status).toBe(200);
    const defaultOff = await everyWorker(`${hook(server, HOOKS.single)}booking.v1.waitlist.list`);
    expect(defaultOff.map((r) => r.body.error)).toEqual(Array(12).fill('0'));
    expect((await admin('portals/default', 'PATCH', { settings: { bookingEnabled: true } })).status).toBe(200);
    const defaultOn = await everyWorker(`${hook(server, HOOKS.single)}booking.v1.waitlist.list`);
    expect(defaultOn.map((r) => r.status)).toEqual(Array(12).fill(200));

    expect((await admin('portals/shared', 'DELETE')).status).toBe(200);
    expect((await everyWorker(`${url}booking.v1.waitlist.list`)).map((r) => r.status)).toEqual(Array(12).fill(401));
  });

  it('SIGTERM stops every worker and the primary cleanly', async () => {
    const primary = server.child.pid as number;
    const workers = childPids(primary);
    const exit = await server.stop('SIGTERM');
    expect(exit, server.log()).toEqual({ code: 0, signal: null });
    expect(server.stdout.match(/SIGTERM: finishing requests in flight/g)).toHaveLength(1);
    for (const pid of workers) expect(() => process.kill(pid, 0), `worker ${pid} still runs`).toThrow();
    expect(await connectionRefused(server.port)).toBe(true);
  });
});

describe('serve --workers', () => {
  it('refuses a store each worker would have to itself (--data :memory:)', async () => {
    const run = await runCli(['serve', '--port', '0', '--data', ':memory:', '--workers', '2']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--workers needs a shared store');
  });

  it('refuses a count that is not a whole number from 1', async () => {
    const run = await runCli(['serve', '--port', '0', '--data', ':memory:', '--workers', '0']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--workers must be a whole number >= 1');
  });
});
