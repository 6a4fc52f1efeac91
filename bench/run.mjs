// `npm run bench`: load on loopback with autocannon, bounded in time. In one run, side by side:
// a bare node:http baseline (bench/bare-server.mjs), the storage ceiling (bench/raw-sqlite-server.mjs:
// node:http + better-sqlite3 running our statements on our database file), and our server (built
// dist/, SQLite default, a webhook URL) on a write, a list and a get. The machine is shared and
// noisy, so the run goes in rounds, each measuring the three back to back; every ratio is over the
// baseline (or the ceiling) of its own round, and the table gives medians over the rounds.
// Ours over bare is the target; the ceiling over bare is what the storage work alone leaves;
// ours over the ceiling is what our layers cost. Two peers, what a team would run instead
// (bench/peers.mjs), answer in the same rounds: Mockoon CLI serving our answers' bytes canned on the
// same webhook routes, and json-server 0.17 over a JSON file with one wait-list record (PATCH
// /waitlist/1 the write, GET /waitlist/1 the get, GET /waitlist the list); ours over each is printed
// below the table.
// Environment: BENCH_ROUNDS (default 3), BENCH_DURATION (s a measurement, default 4),
// BENCH_CONNECTIONS (default 50), BENCH_SYNC (normal|full, ours and the ceiling), BENCH_LOG_LEVEL
// (default warn: the request log is measured apart; set info to include it), BENCH_PEERS (default 1;
// 0 leaves the peers out).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startJsonServer, startMockoon } from './peers.mjs';
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
const withPeers = process.env.BENCH_PEERS !== '0';

/** Load on one server's request `{ url, method, body }` (a POST of JSON unless method says otherwise). */
async function load({ url, method = 'POST', body }, seconds = duration) {
  const result = await autocannon({
    url,
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
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
const webhookPath = (method) => `/rest/1/${SECRET}/${method}`;
const posted = (port) => (method, body) => ({ url: `http://127.0.0.1:${port}${webhookPath(method)}`, body });
/** [name, server, (method, body) -> the request that server answers for it]; bare, ceiling, ours, then the peers. */
const servers = [
  ['bare node:http', bare, (method, body) => ({ url: `http://127.0.0.1:${bare.port}/${method}`, body })],
  ['ceiling (node:http + SQLite)', ceiling, posted(ceiling.port)],
  ['ours', ours, posted(ours.port)],
];
/** label -> server name -> measurements, one a round. */
const measurements = new Map();
try {
  const targets = await waitListTargets(`http://127.0.0.1:${ours.port}${webhookPath('')}`);
  const answers = [];
  for (const [, method, body] of targets) {
    // The baseline answers each method with the bytes ours answers it with, the ceiling with the same JSON.
    const answer = await cannedLikeOurs(bare.port, `http://127.0.0.1:${ours.port}${webhookPath('')}`, method, body);
    answers.push([webhookPath(method), answer]);
    const ceilingAnswer = await fetchText(posted(ceiling.port)(method, body).url, body);
    if (withoutTime(ceilingAnswer) !== withoutTime(answer)) {
      throw new Error(`${method}: the ceiling answers ${ceilingAnswer}, ours ${answer}`);
    }
  }
  if (withPeers) {
    const mockoon = await startMockoon(data, answers);
    servers.push(['Mockoon CLI (canned)', mockoon, posted(mockoon.port)]);
    const record = JSON.parse(answers.find(([path]) => path.endsWith('.get'))[1]).result;
    const jsonServer = await startJsonServer(data, record);
    const resource = `http://127.0.0.1:${jsonServer.port}/waitlist`;
    servers.push([
      'json-server 0.17',
      jsonServer,
      (method, body) =>
        method.endsWith('.list')
          ? { url: resource, method: 'GET' }
          : method.endsWith('.get')
            ? { url: `${resource}/1`, method: 'GET' }
            : { url: `${resource}/1`, method: 'PATCH', body },
    ]);
  }
  for (const [, method, body] of targets) for (const [, , request] of servers) await load(request(method, body), 1);
  for (let round = 0; round < rounds; round++) {
    for (const [label, method, body] of targets) {
      const byServer = measurements.get(label) ?? new Map();
      measurements.set(label, byServer);
      const results = [];
      for (const [name, , request] of servers) results.push([name, await load(request(method, body))]);
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
  if (withPeers) {
    // Ours over each peer, round by round (each round measures them back to back), medians.
    console.log('\n| method | ours over Mockoon CLI | ours over json-server 0.17 |\n|---|---|---|');
    for (const [label, byServer] of measurements) {
      const over = (peer) =>
        median(byServer.get('ours').map((m, round) => m.rps / byServer.get(peer)[round].rps)).toFixed(2);
      console.log(`| ${label} | ${over('Mockoon CLI (canned)')} | ${over('json-server 0.17')} |`);
    }
  }
} finally {
  for (const [, s] of servers) s.child.kill();
  rmSync(data, { recursive: true, force: true });
}
