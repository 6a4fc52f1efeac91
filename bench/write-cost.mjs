// What one write request costs our server, read from /proc around a fixed number of requests:
// CPU µs (user + system), write system calls (the answer's socket write is one of them) and
// bytes sent to storage (the WAL frames), at 1 connection (no two writes can share a commit)
// and at 50 (group commit: the writes of one event-loop turn share one). With --metrics public,
// also the writes a commit held, from /metrics. Run from a built checkout:
//   npm run build && node bench/write-cost.mjs [REQUESTS=10000]   (BENCH_SYNC=full for --sync full)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { cpuMicros, SECRET, startOurs, waitListTargets } from './support.mjs';

const amount = Number(process.argv[2] ?? 10_000);

/** The process's write syscalls and bytes sent to storage so far (/proc/<pid>/io). */
function io(pid) {
  const text = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(text)?.[1]);
  return { syscw: field('syscw'), bytes: field('write_bytes') };
}

async function counters(url) {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  const value = (name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { commits: value('b24_sqlite_commits_total'), writes: value('b24_sqlite_committed_writes_total') };
}

const data = mkdtempSync(join(tmpdir(), 'b24-write-cost-'));
const sync = process.env.BENCH_SYNC ?? 'normal';
const ours = await startOurs(data, ['--metrics', 'public', '--sync', sync]);
try {
  const origin = `http://127.0.0.1:${ours.port}`;
  const base = `${origin}/rest/1/${SECRET}/`;
  const [, method, body] = (await waitListTargets(base)).find(([name]) => name.includes('write'));
  const run = (connections, n) =>
    autocannon({
      url: base + method,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      connections,
      amount: n,
    });
  console.log(`${method}, ${amount} requests a row, --sync ${sync}, server process figures per request`);
  console.log('| connections | req/s | CPU µs | write syscalls | bytes to storage | writes a commit |');
  console.log('|---|---|---|---|---|---|');
  for (const connections of [1, 50]) {
    await run(connections, 1000);
    const cpu = cpuMicros(ours.child.pid);
    const before = io(ours.child.pid);
    const tallyBefore = await counters(origin);
    const result = await run(connections, amount);
    if (result.non2xx + result.errors > 0) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
    const after = io(ours.child.pid);
    const tallyAfter = await counters(origin);
    const per = (x) => (x / amount).toFixed(1);
    const perCommit = (tallyAfter.writes - tallyBefore.writes) / (tallyAfter.commits - tallyBefore.commits);
    console.log(
      `| ${connections} | ${result.requests.average.toFixed(0)} | ${per(cpuMicros(ours.child.pid) - cpu)} | ${per(after.syscw - before.syscw)} | ${per(after.bytes - before.bytes)} | ${Number.isNaN(perCommit) ? 'n/a' : perCommit.toFixed(1)} |`,
    );
  }
} finally {
  ours.child.kill();
  rmSync(data, { recursive: true, force: true });
}
