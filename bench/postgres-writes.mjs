// `node bench/postgres-writes.mjs`: the PostgreSQL write path of one `serve` process, on an
// embedded PostgreSQL (synchronous_commit on, as shipped: every answered write is on disk).
// - writes a second: `waitlist.externalData.set` spread over 100 entries, 50 connections, rounds
//   of BENCH_DURATION s (default 4), BENCH_ROUNDS (default 3), medians; the bare node:http baseline
//   in the same rounds;
// - CPU per write: ours (the server process) and PostgreSQL's (the cluster's processes), from /proc,
//   under the load above and over a fixed BENCH_CPU_WRITES writes (default 5,000) on 10 connections,
//   which moves less with what else runs on the machine;
// - the statements one write sends (each a round trip: BEGIN and COMMIT included), counted at the
//   driver in a server in this process.
// BENCH_WORKERS (default 1) runs `serve --workers N`; BENCH_POOL_SIZE sets --pool-size;
// BENCH_CPU_PROF=<dir> writes a CPU profile of the server process there (node --cpu-prof);
// BENCH_PG_SOCKET=1 connects the server over PostgreSQL's Unix socket (a `?host=<directory>` URL)
// instead of TCP on loopback.
// `npm run build` first.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startEmbeddedPostgres } from '../test/support/embedded-postgres.mjs';
import {
  call,
  cpuMicros,
  freePort,
  freshDatabase,
  SECRET,
  startBare,
  startOurs,
  statementsPerRequest,
} from './support.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const duration = Number(process.env.BENCH_DURATION ?? 4);
const workers = process.env.BENCH_WORKERS ?? '1';
const poolSize = process.env.BENCH_POOL_SIZE;
const WRITE = 'booking.v1.waitlist.externalData.set';
const ENTRIES = 100;
const links = [
  { moduleId: 'crm', entityTypeId: 'DEAL', value: '1' },
  { moduleId: 'crm', entityTypeId: 'CONTACT', value: '2' },
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function load(url, nextBody, amount) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(nextBody()) }) }],
    ...(amount ? { connections: 10, amount } : { connections: 50, duration }),
  });
  if (result.non2xx + result.errors > 0) throw new Error(`${url}: ${result.non2xx + result.errors} failed`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

/** The processes of the PostgreSQL listening on `port`: its postmaster and the postmaster's children. */
function clusterPids(port) {
  const pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  const read = (pid, file) => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8');
    } catch {
      return '';
    }
  };
  const postmaster = pids.find((pid) => /postgres\0.*-p\0(\d+)/.exec(read(pid, 'cmdline'))?.[1] === String(port));
  return [postmaster, ...pids.filter((pid) => read(pid, 'stat').split(') ')[1]?.split(' ')[1] === postmaster)];
}

/** CPU µs the processes `pids` have used so far (those that ended in between are lost). */
const cpuOf = (pids) =>
  pids.reduce((sum, pid) => {
    try {
      return sum + cpuMicros(pid);
    } catch {
      return sum;
    }
  }, 0);

const pgPort = await freePort();
const embedded = await startEmbeddedPostgres({ port: pgPort, prefix: 'b24-bench-pg-' });
const dir = mkdtempSync(join(tmpdir(), 'b24-pg-writes-'));
const base = embedded.url.replace(/\/$/, '');
try {
  const statements = (await statementsPerRequest(await freshDatabase(base, 'bench_count'))).write;
  const extra = ['--workers', workers, ...(poolSize ? ['--pool-size', poolSize] : [])];
  const overSocket = process.env.BENCH_PG_SOCKET === '1';
  const database = `${await freshDatabase(base, 'bench_writes')}${overSocket ? `?host=${embedded.socketDir}` : ''}`;
  const profile = process.env.BENCH_CPU_PROF;
  const ours = await startOurs(
    dir,
    ['--database', database, ...extra],
    profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
  );
  const bare = await startBare();
  try {
    const webhook = `http://127.0.0.1:${ours.port}/rest/1/${SECRET}/`;
    const ids = [];
    for (let i = 0; i < ENTRIES; i++)
      ids.push(await call(webhook, 'booking.v1.waitlist.add', { fields: { note: 'b' } }));
    const write = () => ({ waitListId: ids[Math.floor(Math.random() * ENTRIES)], externalData: links });
    await load(webhook + WRITE, write); // warm-up: JIT, pool, caches
    const results = [];
    for (let round = 0; round < rounds; round++) {
      const bareResult = await load(`http://127.0.0.1:${bare.port}/${WRITE}`, write);
      const pids = clusterPids(pgPort);
      const before = { ours: cpuMicros(ours.child.pid), pg: cpuOf(pids) };
      const oursResult = await load(webhook + WRITE, write);
      const writes = oursResult.rps * duration;
      results.push({
        ...oursResult,
        ratio: oursResult.rps / bareResult.rps,
        bare: bareResult.rps,
        oursCpu: (cpuMicros(ours.child.pid) - before.ours) / writes,
        pgCpu: (cpuOf(pids) - before.pg) / writes,
      });
    }
    const pick = (key) => median(results.map((r) => r[key]));
    const cpuWrites = Number(process.env.BENCH_CPU_WRITES ?? 5000);
    const pids = clusterPids(pgPort);
    const before = { ours: cpuMicros(ours.child.pid), pg: cpuOf(pids) };
    await load(webhook + WRITE, write, cpuWrites);
    const fixed = {
      ours: (cpuMicros(ours.child.pid) - before.ours) / cpuWrites,
      pg: (cpuOf(pids) - before.pg) / cpuWrites,
    };
    console.log(`\nPostgreSQL, ${workers} process(es), 50 connections, ${rounds} rounds of ${duration} s, medians`);
    console.log(
      `write (${WRITE}, 100 entries): ${Math.round(pick('rps'))} req/s, p99 ${pick('p99')} ms, bare ${Math.round(pick('bare'))} (ratio ${pick('ratio').toFixed(3)})`,
    );
    console.log(`  rounds: ${results.map((r) => Math.round(r.rps)).join(', ')}`);
    console.log(
      `  CPU µs a write under that load: ours ${Math.round(pick('oursCpu'))}, PostgreSQL ${Math.round(pick('pgCpu'))}${workers === '1' ? '' : ` (${workers} workers: the primary's only)`}`,
    );
    console.log(
      `  CPU µs a write over ${cpuWrites} writes on 10 connections: ours ${Math.round(fixed.ours)}, PostgreSQL ${Math.round(fixed.pg)}`,
    );
  } finally {
    for (const { child } of [ours, bare]) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    }
  }
  console.log(
    `\nstatements of one write (${statements.length}; BEGIN leaves in one packet with the statement after it):`,
  );
  for (const text of statements) console.log(`  ${text.replace(/\s+/g, ' ').slice(0, 160)}`);
} finally {
  await embedded.stop();
  rmSync(dir, { recursive: true, force: true });
}
