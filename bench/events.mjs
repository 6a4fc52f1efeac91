#!/usr/bin/env node
/**
 * Benchmark (run by hand, not part of `npm test`): wait-list writes per second with no event
 * handler bound and with 10 bound handlers (fast local HTTP servers), and the ratio of the two;
 * with handlers, also how long the worker takes to deliver the backlog once the writes stop.
 * Three processes: the server (built dist/, request log off), the handlers (bench/handlers.mjs)
 * and this one, the load generator (autocannon, `--clients` connections). `--rounds` pairs of runs (the order swapped each round),
 * medians; the server's CPU per write from /proc.
 *
 *   npm run build && node bench/events.mjs [--seconds 5] [--clients 16] [--rounds 3] [--database postgres://...]
 *
 * Each run starts a fresh server: SQLite in a temporary directory, or with --database a fresh
 * database on that PostgreSQL server (the URL without a database name; `postgres` must exist).
 * BENCH_CPU_PROF=<dir>: a CPU profile of the server with handlers, over the writes, there (node --cpu-prof).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { cpuMicros, freshDatabase, postJson, startOurs, startProcess } from './support.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    clients: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    database: { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const SECRET = 'benchsecret0000a';
const ADMIN = 'bench-admin';
const HANDLERS = 10;

const post = (url, body) => postJson(url, body);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function appToken(url) {
  const made = await fetch(`${url}/_admin/portals/default/apps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench', scopes: ['booking'] }),
  });
  const app = await made.json();
  if (made.status !== 201) throw new Error(JSON.stringify(app));
  const approve = await fetch(`${url}/oauth/authorize/?client_id=${app.client_id}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  const { code } = await approve.json();
  const token = await fetch(
    `${url}/oauth/token/?grant_type=authorization_code&client_id=${app.client_id}&client_secret=${app.client_secret}&code=${code}`,
  );
  return (await token.json()).access_token;
}

let databases = 0;

/** Writes per second over SECONDS with CLIENTS concurrent keep-alive clients, and the server's CPU per write. */
async function run(handlers, handlerCount) {
  const dir = mkdtempSync(join(tmpdir(), 'b24-bench-events-'));
  const database = values.database
    ? [
        '--database',
        await freshDatabase(values.database.replace(/\/$/, ''), `bench_events_${process.pid}_${++databases}`),
      ]
    : [];
  const profile = process.env.BENCH_CPU_PROF && handlerCount > 0;
  const server = await startOurs(
    dir,
    ['--webhook', `1:${SECRET}:booking`, '--admin-token', ADMIN, ...database],
    profile ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [],
  );
  const url = `http://127.0.0.1:${server.port}`;
  const received = async () => Number(await (await fetch(`${handlers.base}/_received`)).text());
  try {
    if (handlerCount > 0) {
      const token = await appToken(url);
      for (const port of handlers.ports.slice(0, handlerCount)) {
        const bound = await post(`${url}/rest/event.bind`, {
          event: 'ONBOOKINGWAITLISTITEMADD',
          handler: `http://127.0.0.1:${port}/`,
          auth: token,
        });
        if (bound.status !== 200) throw new Error(bound.body);
      }
    }
    const add = `${url}/rest/1/${SECRET}/booking.v1.waitlist.add`;
    const receivedBefore = await received();
    const load = (options) =>
      autocannon({
        url: add,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fields: { note: 'bench' } }),
        connections: CLIENTS,
        ...options,
      });
    await load({ amount: 200 });
    const cpuBefore = cpuMicros(server.child.pid);
    const result = await load({ duration: SECONDS });
    if (result.non2xx + result.errors > 0) throw new Error(`${result.non2xx + result.errors} writes failed`);
    const writes = result.requests.total;
    const postsDuring = (await received()) - receivedBefore;
    const cpu = (cpuMicros(server.child.pid) - cpuBefore) / writes;
    let drain = '';
    // A profile is of the writes: the server stops at their end.
    if (handlerCount > 0 && !profile) {
      // The backlog: every write of the measured stretch and the warm-up, to every handler.
      const expected = receivedBefore + (writes + 200) * handlerCount;
      const stop = Date.now();
      let got = await received();
      while (got < expected && Date.now() - stop < 120_000) {
        await new Promise((r) => setTimeout(r, 100));
        got = await received();
      }
      const seconds = ((Date.now() - stop) / 1000).toFixed(1);
      const rate = Math.round((got - receivedBefore - postsDuring) / Number(seconds));
      drain = `; ${postsDuring} POSTs during the writes, ${got - receivedBefore} of ${(writes + 200) * handlerCount} in all, ${
        got < expected
          ? `the rest not delivered ${seconds} s after the writes stopped`
          : `the backlog drained ${seconds} s after the writes stopped`
      } (${rate} POSTs a second)`;
    }
    console.log(
      `  ${handlerCount} handlers: ${Math.round(result.requests.average)} writes/s, server CPU ${Math.round(cpu)} µs a write${drain}`,
    );
    return { rps: result.requests.average, cpu };
  } finally {
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill();
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const { child: handlerProcess, port } = await startProcess(
  ['bench/handlers.mjs', String(HANDLERS)],
  /listening on (\d+)/,
);
const handlers = {
  base: `http://127.0.0.1:${port}`,
  ports: await (await fetch(`http://127.0.0.1:${port}/_ports`)).json(),
};
try {
  console.log(
    `waitlist.add, ${CLIENTS} clients, ${SECONDS} s a run, ${values.rounds} rounds, ${values.database ? 'PostgreSQL' : 'SQLite'}`,
  );
  const none = [];
  const ten = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 === 0 ? [0, HANDLERS] : [HANDLERS, 0];
    for (const count of order) (count === 0 ? none : ten).push(await run(handlers, count));
  }
  const ratios = none.map((n, i) => ten[i].rps / n.rps);
  console.log(
    `medians: 0 handlers ${Math.round(median(none.map((r) => r.rps)))} writes/s (${Math.round(median(none.map((r) => r.cpu)))} µs), ${HANDLERS} handlers ${Math.round(median(ten.map((r) => r.rps)))} writes/s (${Math.round(median(ten.map((r) => r.cpu)))} µs); ratio (10 / 0, a round each) ${median(ratios).toFixed(2)} [${ratios.map((r) => r.toFixed(2)).join(', ')}]`,
  );
} finally {
  handlerProcess.kill();
}
