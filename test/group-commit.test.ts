/**
 * Group commit: on SQLite, writes that arrive together share one transaction and one commit,
 * each in a savepoint of its own (src/store/sqlite-direct.ts). A write that fails inside a group
 * leaves no trace and does not disturb the others; every write answered is committed, also
 * through `kill -9`. On PostgreSQL each write is a transaction of its own: the same outcomes
 * hold there, without the sharing.
 */
import { Agent } from 'node:http';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Repositories } from '../src/store/store.js';
import { resourceMaker } from './support/calls.js';
import { callRest, killAll, listAllEntries, SQLITE_RUN, startCli, tempDataDir } from './support/cli.js';
import { ADMIN_TOKEN, HandlerServer, installApp } from './support/events.js';
import { startTestServer, TEST_DATABASE, type TestServer, useServer } from './support/server.js';

const server = useServer();
const strict = useServer({ overbooking: false });
const store = () => server().server.store;
const resourceOf = new Map([
  [server, resourceMaker(server)],
  [strict, resourceMaker(strict)],
]);
const addResource = (target: () => TestServer) => (resourceOf.get(target) as () => Promise<number>)();

/** booking.add's fields for one resource and a period in Unix seconds. */
const bookingOf = (resource: number, from: number, to: number) => ({
  fields: {
    resourceIds: [resource],
    datePeriod: { from: { timestamp: from, timezone: 'UTC' }, to: { timestamp: to, timezone: 'UTC' } },
  },
});

/** Commits and writes since the store opened (SQLite), to tell how many shared a commit. */
function tally(): { commits: number; writes: number } {
  const { commits, writes } = store().commitTally() ?? { commits: 0, writes: 0 };
  return { commits, writes };
}

/**
 * Checks that at least `writes` more writes committed since `before` (the delivery worker's
 * passes write too), in fewer commits than `writes` (SQLite only).
 */
function expectShared(before: { commits: number; writes: number }, writes: number): void {
  if (TEST_DATABASE !== 'sqlite') return;
  const after = tally();
  expect(after.writes - before.writes).toBeGreaterThanOrEqual(writes);
  expect(after.commits - before.commits).toBeLessThan(writes);
}

const notes = async (): Promise<string[]> =>
  (await store().db.selectFrom('wait_list_item').select('note').execute()).map((r) => String(r.note));

const addEntry = (repos: Repositories, note: string) => repos.waitList.insert({ note, createdBy: 1, createdAt: 1 });

describe('writes sharing a commit', () => {
  it('a write failing inside a group (an error, a constraint) leaves no trace and its neighbours committed', async () => {
    const before = tally();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) =>
        store().write(async (repos) => {
          const id = await addEntry(repos, `group ${i}`);
          await repos.outbox.record('onGroupTest', { ID: id }, 1);
          if (i % 6 === 2) throw new Error(`write ${i} fails`);
          if (i % 6 === 4) {
            // NOT NULL: SQLite refuses the statement; the entry above must go with it.
            const link = { moduleId: null as unknown as string, entityTypeId: 'DEAL', value: 'x' };
            await repos.waitList.replaceExternalData(id, [link]);
          }
          return id;
        }),
      ),
    );
    const failed = new Set([2, 4, 8, 10, 14, 16, 20, 22]);
    expect(outcomes.map((o) => o.status)).toEqual(outcomes.map((_, i) => (failed.has(i) ? 'rejected' : 'fulfilled')));
    const stored = await notes();
    for (let i = 0; i < 24; i++) expect(stored.includes(`group ${i}`), `entry of write ${i}`).toBe(!failed.has(i));
    const ids = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const events = await store().read(({ outbox }) => outbox.list(100_000));
    const recorded = events.filter((e) => e.event === 'onGroupTest').map((e) => (e.data as { ID: number }).ID);
    expect(recorded.sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expectShared(before, 24 - failed.size);
  });

  it.runIf(TEST_DATABASE === 'sqlite')(
    'a full database inside a group: every write answered is stored, every one refused is not',
    async () => {
      // The file may grow by 64 pages (256 KiB at most): a 1 MiB note cannot fit.
      const [row] = (await sql<{ page_count: number }>`pragma page_count`.execute(store().db)).rows;
      await sql.raw(`pragma max_page_count = ${(row?.page_count as number) + 64}`).execute(store().db);
      try {
        const outcomes = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) =>
            store().write((repos) => addEntry(repos, i === 5 ? `full ${i} ${'x'.repeat(1 << 20)}` : `full ${i}`)),
          ),
        );
        expect(outcomes[5]?.status).toBe('rejected');
        const stored = new Set((await notes()).filter((note) => note.startsWith('full ')));
        outcomes.forEach((outcome, i) => {
          const note = i === 5 ? `full ${i} ${'x'.repeat(1 << 20)}` : `full ${i}`;
          expect(stored.has(note), `write ${i}: ${outcome.status}`).toBe(outcome.status === 'fulfilled');
        });
      } finally {
        await sql.raw('pragma max_page_count = 1073741823').execute(store().db);
      }
      // The store goes on.
      await store().write((repos) => addEntry(repos, 'after the full database'));
      expect(await notes()).toContain('after the full database');
    },
  );

  it('a refused overlap and an unknown id among concurrent calls change nothing, the others are answered and kept', async () => {
    // One server (overbooking off), so the calls share its commits; keep-alive connections
    // opened first, so a round's calls arrive together.
    const target = strict();
    const hook = target.hook;
    const agent = new Agent({ keepAlive: true, maxSockets: 30 });
    const call = (method: string, params: unknown) => callRest(hook + method, params, { agent });
    const entry = (await call('booking.v1.waitlist.add', { fields: { note: 'before' } })).body.result;
    const resource = await addResource(strict);
    const t = 2_700_000_000;
    expect((await call('booking.v1.booking.add', bookingOf(resource, t, t + 3600))).status).toBe(200);
    await Promise.all(Array.from({ length: 30 }, () => call('booking.v1.waitlist.get', { id: entry })));
    const events = () => target.server.store.read(({ outbox }) => outbox.list(100_000));
    const commits = () => target.server.store.commitTally()?.commits ?? 0;
    try {
      // Rounds until one shared a commit (on SQLite; PostgreSQL commits each call on its own).
      for (let round = 0; round < 5; round++) {
        const eventsBefore = (await events()).length;
        const commitsBefore = commits();
        const replies = await Promise.all(
          Array.from({ length: 30 }, (_, i) => {
            if (i % 10 === 3) return call('booking.v1.waitlist.update', { id: 999_999, fields: { note: 'no' } });
            if (i % 10 === 7) return call('booking.v1.booking.add', bookingOf(resource, t + 600, t + 1200));
            return call('booking.v1.waitlist.update', { id: entry, fields: { note: `note ${round} ${i}` } });
          }),
        );
        const answered: string[] = [];
        replies.forEach((reply, i) => {
          if (i % 10 === 3) expect(reply.body.error, reply.text).toBe('1040');
          else if (i % 10 === 7) expect(reply.body.error, reply.text).toBe('1018');
          else {
            expect(reply.body.result, reply.text).toBe(true);
            answered.push(`note ${round} ${i}`);
          }
        });
        // One of the answered updates is the one stored (whichever the server ran last).
        const got = await call('booking.v1.waitlist.get', { id: entry });
        expect(answered).toContain(got.body.result.waitList.note);
        const listed = await call('booking.v1.booking.list', { filter: { resourceId: [resource] } });
        expect(listed.body.result.booking).toHaveLength(1);
        // One Update event per answered update, none for the refused calls.
        const recorded = (await events()).slice(eventsBefore).map((e) => e.event);
        expect(recorded).toEqual(Array(24).fill('onBookingWaitListItemUpdate'));
        if (TEST_DATABASE !== 'sqlite' || commits() - commitsBefore < 30) return;
      }
      expect.fail('no round of 30 calls shared a commit');
    } finally {
      agent.destroy();
    }
  });

  it('200 concurrent writers end in exactly the state they were told', async () => {
    const before = tally();
    const replies = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const add = await server().call('booking.v1.waitlist.add', { fields: { note: `writer ${i}` } });
        expect(add.status, add.text).toBe(200);
        const id = add.body.result as number;
        const links = [{ moduleId: 'crm', entityTypeId: 'DEAL', value: `v${i}` }];
        const set = await server().call('booking.v1.waitlist.externalData.set', {
          waitListId: id,
          externalData: links,
        });
        expect(set.body.result, set.text).toBe(true);
        return { i, id };
      }),
    );
    expect(new Set(replies.map((r) => r.id)).size).toBe(200);
    const entries = new Map((await listAllEntries(server().hook)).map((e) => [e.id, e.note]));
    for (const { i, id } of replies) {
      expect(entries.get(id)).toBe(`writer ${i}`);
      const links = await server().call('booking.v1.waitlist.externalData.list', { waitListId: id });
      expect(links.body.result.externalData).toEqual([{ entityTypeId: 'DEAL', moduleId: 'crm', value: `v${i}` }]);
    }
    expectShared(before, 400);
  });

  it('overbooking still gives exactly 2 winners of 50, and 1 without it, with the writes grouped', async () => {
    for (const [of, winners] of [
      [server, 2],
      [strict, 1],
    ] as const) {
      const target = of();
      const resource = await addResource(of);
      const t = 2_800_000_000;
      // Fifty open connections first, as a client under load has: new ones open one turn of the
      // event loop apart, and requests that come in different turns cannot share a commit.
      await Promise.all(Array.from({ length: 50 }, () => target.call('booking.v1.booking.list', {})));
      const commitsBefore = target.server.store.commitTally()?.commits ?? 0;
      const replies = await Promise.all(
        Array.from({ length: 50 }, () => target.call('booking.v1.booking.add', bookingOf(resource, t, t + 1800))),
      );
      expect(replies.filter((r) => r.status === 200)).toHaveLength(winners);
      for (const reply of replies) if (reply.status !== 200) expect(reply.body.error).toBe('1018');
      const listed = await target.call('booking.v1.booking.list', { filter: { resourceId: [resource] } });
      expect(listed.body.result.booking).toHaveLength(winners);
      if (TEST_DATABASE === 'sqlite') {
        expect((target.server.store.commitTally()?.commits ?? 0) - commitsBefore).toBeLessThan(50);
      }
    }
  });
});

describe('event delivery', () => {
  it('starts the next pass at once when tries finish during a pass, whose writes wait for their commit', async () => {
    // A poll so slow that a pass left to it shows: 300 deliveries must not wait for it.
    const srv = await startTestServer({ adminToken: ADMIN_TOKEN, events: { pollMs: 4000 } });
    const handlers = await HandlerServer.start();
    try {
      const app = await installApp(srv);
      for (const path of Array.from({ length: 10 }, (_, h) => `/h${h}`)) {
        const bound = await app.call('event.bind', { event: 'onBookingWaitListItemAdd', handler: handlers.url + path });
        expect(bound.body, bound.text).toMatchObject({ result: true });
      }
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => srv.call('booking.v1.waitlist.add', { fields: { note: `e${i}` } })),
      );
      await handlers.waitFor((posts) => posts.length > 0, 6000);
      const first = Date.now();
      await handlers.waitFor((posts) => posts.length === 300, 10_000);
      // Under the poll: a pass left to it would have waited 4 s.
      expect(Date.now() - first).toBeLessThan(3500);
    } finally {
      await srv.server.close();
      await handlers.close();
    }
  });
});

describe.runIf(SQLITE_RUN)('group commit and kill -9', () => {
  it('loses nothing acknowledged under load from 40 clients', async () => {
    const dir = tempDataDir('b24-group-');
    const secret = 'groupsecret00001';
    const args = ['--port', '0', '--data', dir, '--webhook', `1:${secret}:booking`, '--metrics', 'public'];
    const cli = await startCli(args);
    const hook = `${cli.url}/rest/1/${secret}/`;
    const acked = new Map<number, string>();
    const inFlight = new Set<string>();
    let killed = false;
    const client = async (c: number) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let n = 0; !killed; n++) {
          const note = `client ${c} note ${n}`;
          inFlight.add(note);
          try {
            const reply = await callRest(`${hook}booking.v1.waitlist.add`, { fields: { note } }, { agent });
            expect(reply.status, reply.text).toBe(200);
            acked.set(reply.body.result, note);
            inFlight.delete(note);
          } catch (error) {
            if (!killed) throw error;
            return;
          }
        }
      } finally {
        agent.destroy();
      }
    };
    const clients = Array.from({ length: 40 }, (_, c) => client(c));
    while (acked.size < 600) await new Promise((resolve) => setTimeout(resolve, 2));
    const metrics = await fetch(`${cli.url}/metrics`).then((r) => r.text());
    const counter = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1]);
    // The load shared commits: fewer commits than writes.
    expect(counter('b24_sqlite_committed_writes_total')).toBeGreaterThan(counter('b24_sqlite_commits_total'));
    killed = true;
    expect(await cli.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    await Promise.all(clients);

    const restarted = await startCli(args);
    const entries = new Map((await listAllEntries(`${restarted.url}/rest/1/${secret}/`)).map((e) => [e.id, e.note]));
    for (const [id, note] of acked) expect(entries.get(id), `acknowledged entry ${id}`).toBe(note);
    // Anything else is an add in flight at the kill, whole.
    for (const [id, note] of entries) if (!acked.has(id)) expect(inFlight.has(note), `entry ${id}`).toBe(true);
    await restarted.stop('SIGTERM');
    await killAll();
  });
});
