// `npm run bench`: load on loopback with autocannon, bounded in time. In one run, side by side:
// a bare node:http baseline (bench/bare-server.mjs), the storage ceiling (bench/raw-sqlite-server.mjs:
// node:http + better-sqlite3 running our statements on our database file), and our server (built
// dist/, SQLite default, a webhook URL) on a write, a list and a get. The machine is shared and
// noisy, so the run goes in rounds, each measuring the three back to back; every ratio is over the
// baseline (or the ceiling) of its own round, and the table gives medians over the rounds.
// Ours over bare is the target; the ceiling over bare is what the storage work alone leaves;
// ours over the ceiling is what our layers cost.
// Environment: BENCH_ROUNDS (default 3), BENCH_DURATION (s a measurement, default 4),
// BENCH_CONNECTIONS (default 50), BENCH_SYNC (normal|full, ours and the ceiling), BENCH_LOG_LEVEL
// (default warn: the request log is measured apart; set info to include it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  cannedLikeOurs,
  fetchText,
  peakMemoryMiB,
  SECRET,
  startBare,
  startCeiling,
  startOurs,
  waitListTargets,
  withoutTime,
} from './support.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const duration = Number(process.env.BENCH_DURATION ?? 4);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const sync = process.env.BENCH_SYNC ?? 'normal';

async function load(url, body, seconds = duration) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration: seconds,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const data = mkdtempSync(join(tmpdir(), 'b24-bench-'));
const bare = await startBare();
const ours = await startOurs(data, ['--sync', sync, '--log-level', process.env.BENCH_LOG_LEVEL ?? 'warn']);
const ceiling = await startCeiling(data, sync);
const servers = [
  ['bare node:http', bare, (method) => `http://127.0.0.1:${bare.port}/${method}`],
  ['ceiling (node:http + SQLite)', ceiling, (method) => `http://127.0.0.1:${ceiling.port}/rest/1/${SECRET}/${method}`],
  ['ours', ours, (method) => `http://127.0.0.1:${ours.port}/rest/1/${SECRET}/${method}`],
];
/** label -> server name -> measurements, one a round. */
const measurements = new Map();
try {
  const targets = await waitListTargets(servers[2][2](''));
  for (const [, method, body] of targets) {
    // The baseline answers each method with the bytes ours answers it with, the ceiling with the same JSON.
    const answer = await cannedLikeOurs(bare.port, servers[2][2](''), method, body);
    const ceilingAnswer = await fetchText(servers[1][2](method), body);
    if (withoutTime(ceilingAnswer) !== withoutTime(answer)) {
      throw new Error(`${method}: the ceiling answers ${ceilingAnswer}, ours ${answer}`);
    }
    for (const [, , url] of servers) await load(url(method), body, 1);
  }
  for (let round = 0; round < rounds; round++) {
    for (const [label, method, body] of targets) {
      const byServer = measurements.get(label) ?? new Map();
      measurements.set(label, byServer);
      const results = [];
      for (const [name, , url] of servers) results.push([name, await load(url(method), body)]);
      const [[, baseline], [, ceilingResult]] = results;
      for (const [name, m] of results) {
        const list = byServer.get(name) ?? [];
        list.push({
          ...m,
          ratio: m.rps / baseline.rps,
          p99Ratio: m.p99 / baseline.p99,
          overCeiling: m.rps / ceilingResult.rps,
        });
        byServer.set(name, list);
      }
    }
  }
  console.log(
    `\n${rounds} rounds, ${connections} connections, ${duration} s a measurement, loopback, synchronous=${sync}, node ${process.version}`,
  );
  console.log(`peak RSS MiB: ${servers.map(([name, s]) => `${name} ${peakMemoryMiB(s.child.pid)}`).join(', ')}\n`);
  console.log(
    '| method | server | req/s | ratio to bare | p50 ms | p99 ms | p99 ratio to bare | over ceiling | errors |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [label, byServer] of measurements) {
    for (const [name, list] of byServer) {
      const pick = (key) => median(list.map((m) => m[key]));
      const overCeiling = name === 'ours' ? pick('overCeiling').toFixed(2) : '';
      console.log(
        `| ${label} | ${name} | ${Math.round(pick('rps'))} | ${pick('ratio').toFixed(2)} | ${pick('p50')} | ${pick('p99')} | ${pick('p99Ratio').toFixed(2)} | ${overCeiling} | ${list.reduce((a, m) => a + m.errors, 0)} |`,
      );
    }
  }
} finally {
  for (const [, s] of servers) s.child.kill();
  rmSync(data, { recursive: true, force: true });
}
