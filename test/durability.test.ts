/**
 * Every write answered 200 survives `kill -9` of the server (SQLite WAL, synchronous=NORMAL):
 * concurrent clients write through the CLI server, it is killed mid-stream, and the next start
 * on the same data directory must hold every acknowledged write, whole, and each write that was
 * in flight either whole or not at all.
 */
import { Agent } from 'node:http';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { callRest, killAll, listAllEntries, SQLITE_RUN, startCli, tempDataDir } from './support/cli.js';

const SECRET = 'durablesecret0001';
const WORKERS = 4;
/** Acknowledged adds before the kill: enough that the kill lands in a busy stream. */
const ACKED_BEFORE_KILL = 120;

afterEach(async () => {
  await killAll();
});

interface Link {
  moduleId: string;
  entityTypeId: string;
  value: string;
}

/** Generation `g` of worker `w`'s links: its size varies, so a mix of two sets shows. */
function linkSet(w: number, g: number): Link[] {
  return Array.from({ length: 1 + (g % 4) }, (_, k) => ({
    moduleId: 'crm',
    entityTypeId: 'DEAL',
    value: `${w}-${g}-${k}`,
  }));
}

interface WorkerLog {
  /** Notes answered 200, by id. */
  acked: Map<number, string>;
  /** Adds sent but never answered (at most one: a worker waits for each answer). */
  unacked: string[];
  /** The worker's own entry, whose links it replaces again and again. */
  entryId: number;
  lastAckedSet: number;
  unackedSets: number[];
  /** The generation found after the restart. */
  storedSet?: number;
}

/** A link as externalData.list answers it. */
const asListed = ({ moduleId, entityTypeId, value }: Link) => ({ entityTypeId, moduleId, value });

describe.runIf(SQLITE_RUN)('durability through kill -9', () => {
  it('keeps every acknowledged write, and in-flight ones whole or not at all', async () => {
    const dir = tempDataDir('b24-durable-');
    const args = ['--port', '0', '--data', dir, '--webhook', `1:${SECRET}:booking,crm`];
    const server = await startCli(args);
    const hook = `${server.url}/rest/1/${SECRET}/`;

    // Each worker owns one entry, with generation 0 of its links acknowledged before the stream.
    const logs: WorkerLog[] = [];
    for (let w = 0; w < WORKERS; w++) {
      const add = await callRest(`${hook}booking.v1.waitlist.add`, { fields: { note: `owner ${w}` } });
      const entryId = add.body.result as number;
      const set = await callRest(`${hook}booking.v1.waitlist.externalData.set`, {
        waitListId: entryId,
        externalData: linkSet(w, 0),
      });
      expect(set.body.result).toBe(true);
      logs.push({ acked: new Map([[entryId, `owner ${w}`]]), unacked: [], entryId, lastAckedSet: 0, unackedSets: [] });
    }

    let acked = 0;
    let killed = false;
    const worker = async (w: number) => {
      const log = logs[w] as WorkerLog;
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let n = 0; !killed; n++) {
          const note = `worker ${w} note ${n} ${'x'.repeat(n % 50)}`;
          try {
            const reply = await callRest(`${hook}booking.v1.waitlist.add`, { fields: { note } }, { agent });
            expect(reply.status, reply.text).toBe(200);
            log.acked.set(reply.body.result, note);
            acked++;
          } catch (error) {
            if (!killed) throw error;
            log.unacked.push(note);
            return;
          }
          const g = n + 1;
          try {
            const reply = await callRest(
              `${hook}booking.v1.waitlist.externalData.set`,
              { waitListId: log.entryId, externalData: linkSet(w, g) },
              { agent },
            );
            expect(reply.body.result, reply.text).toBe(true);
            log.lastAckedSet = g;
          } catch (error) {
            if (!killed) throw error;
            log.unackedSets.push(g);
            return;
          }
        }
      } finally {
        agent.destroy();
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    const killer = (async () => {
      while (acked < ACKED_BEFORE_KILL && !server.exit) await new Promise((resolve) => setTimeout(resolve, 2));
      killed = true;
      return server.stop('SIGKILL');
    })();
    const [exit] = await Promise.all([killer, ...workers]);
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(acked).toBeGreaterThanOrEqual(ACKED_BEFORE_KILL);

    const restarted = await startCli(args);
    const hook2 = `${restarted.url}/rest/1/${SECRET}/`;
    const entries = new Map((await listAllEntries(hook2)).map((e) => [e.id, e.note]));

    for (const log of logs) {
      // Every acknowledged add is there with its note.
      for (const [id, note] of log.acked) {
        expect(entries.get(id), `acknowledged entry ${id}`).toBe(note);
      }
      const got = await callRest(`${hook2}booking.v1.waitlist.get`, { id: [...log.acked.keys()].at(-1) });
      expect(got.body.result.waitList.note).toBe([...log.acked.values()].at(-1));

      // The links are one whole set: the last acknowledged, or one sent when the kill came.
      const links = await callRest(`${hook2}booking.v1.waitlist.externalData.list`, { waitListId: log.entryId });
      expect(links.status).toBe(200);
      const w = logs.indexOf(log);
      log.storedSet = [log.lastAckedSet, ...log.unackedSets].find((g) =>
        isDeepStrictEqual(links.body.result, { externalData: linkSet(w, g).map(asListed) }),
      );
      expect(log.storedSet, `links of entry ${log.entryId}: ${JSON.stringify(links.body.result)}`).toBeDefined();
    }

    // An entry nobody saw acknowledged is one of the adds in flight at the kill, note and all.
    const ackedIds = new Set(logs.flatMap((log) => [...log.acked.keys()]));
    const inFlight = new Set(logs.flatMap((log) => log.unacked));
    const extra = [...entries].filter(([id]) => !ackedIds.has(id));
    expect(extra.length).toBeLessThanOrEqual(inFlight.size);
    for (const [id, note] of extra) {
      expect(inFlight.has(note), `entry ${id} with note ${JSON.stringify(note)} was never sent`).toBe(true);
      const got = await callRest(`${hook2}booking.v1.waitlist.get`, { id });
      expect(got.body.result).toEqual({ waitList: { id, note } });
    }
    const exit2 = await restarted.stop('SIGTERM');
    expect(exit2).toEqual({ code: 0, signal: null });

    // Whole also means the event each write records in the same transaction.
    const db = new SQLite(join(dir, 'b24-booking.sqlite'), { readonly: true });
    try {
      const items = db.prepare('SELECT id FROM wait_list_item ORDER BY id').all() as { id: number }[];
      expect(items.map((r) => r.id)).toEqual([...entries.keys()].sort((a, b) => a - b));
      const addEvents = new Set(
        (
          db.prepare("SELECT payload FROM event_outbox WHERE event = 'onBookingWaitListItemAdd'").all() as {
            payload: string;
          }[]
        ).map((r) => (JSON.parse(r.payload) as { ID: number }).ID),
      );
      for (const { id } of items) expect(addEvents.has(id), `Add event of entry ${id}`).toBe(true);
      expect(addEvents.size).toBe(items.length);
      // Each set committed with its Update event: generation 0 up to the one that stuck.
      const countUpdates = db.prepare(
        "SELECT COUNT(*) AS n FROM event_outbox WHERE event = 'onBookingWaitListItemUpdate' AND payload = ?",
      );
      for (const log of logs) {
        const { n } = countUpdates.get(JSON.stringify({ ID: log.entryId })) as { n: number };
        expect(n, `Update events of entry ${log.entryId}`).toBe((log.storedSet as number) + 1);
      }
    } finally {
      db.close();
    }
  });
});
