// `npm run bench`: load on loopback with autocannon, bounded in time. In one run, side by side:
// a bare node:http baseline (bench/bare-server.mjs), and our server (built dist/, SQLite default,
// a webhook URL) on a write, a list and a get. The machine is shared and noisy, so the run goes
// in rounds, each measuring the baseline right before ours; every ratio is ours over the
// baseline of its own round, and the table gives medians over the rounds.
// Environment: BENCH_ROUNDS (default 3), BENCH_DURATION (s a measurement, default 4),
// BENCH_CONNECTIONS (default 50), BENCH_SYNC (normal|full), BENCH_LOG_LEVEL (default warn:
// the request log is measured apart; set info to include it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { peakMemoryMiB, SECRET, startBare, startOurs } from './support.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const duration = Number(process.env.BENCH_DURATION ?? 4);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function load(url, body, seconds = duration) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
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

async function call(base, method, params) {
  const res = await fetch(base + method, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return (await res.json()).result;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const data = mkdtempSync(join(tmpdir(), 'b24-bench-'));
const bare = await startBare();
const ours = await startOurs(data, [
  '--sync',
  process.env.BENCH_SYNC ?? 'normal',
  '--log-level',
  process.env.BENCH_LOG_LEVEL ?? 'warn',
]);
const measurements = new Map();
try {
  const base = `http://127.0.0.1:${ours.port}/rest/1/${SECRET}/`;
  // A list page of 50 real entries, and the entry the write and the get use.
  let id = 0;
  for (let i = 0; i < 60; i++) id = await call(base, 'booking.v1.waitlist.add', { fields: { note: `entry ${i}` } });
  const link = { waitListId: id, externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: '1' }] };
  const targets = [
    ['waitlist.externalData.set (write)', 'booking.v1.waitlist.externalData.set', link],
    ['waitlist.list (read, 50 items)', 'booking.v1.waitlist.list', {}],
    ['waitlist.get (read)', 'booking.v1.waitlist.get', { id }],
  ];
  // The baseline answers each method with the bytes ours answers it with.
  for (const [, method, body] of targets) {
    const answer = await (
      await fetch(base + method, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).text();
    await fetch(`http://127.0.0.1:${bare.port}/_canned/${method}`, { method: 'POST', body: answer });
    await load(`http://127.0.0.1:${bare.port}/${method}`, body, 1);
    await load(base + method, body, 1);
  }
  const record = (name, m, baseline) => {
    const list = measurements.get(name) ?? [];
    list.push({ ...m, ratio: m.rps / baseline.rps, p99Ratio: m.p99 / baseline.p99 });
    measurements.set(name, list);
  };
  for (let round = 0; round < rounds; round++) {
    for (const [name, method, body] of targets) {
      const baseline = await load(`http://127.0.0.1:${bare.port}/${method}`, body);
      record(`bare node:http, same answer as ${name.split(' ')[0]}`, baseline, baseline);
      record(name, await load(base + method, body), baseline);
    }
  }
  console.log(
    `\n${rounds} rounds, ${connections} connections, ${duration} s a measurement, loopback, node ${process.version}`,
  );
  console.log(`peak RSS: bare ${peakMemoryMiB(bare.child.pid)} MiB, ours ${peakMemoryMiB(ours.child.pid)} MiB\n`);
  console.log('| server / method | req/s (median) | ratio to bare (median) | p50 ms | p99 ms | p99 ratio | errors |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, list] of measurements) {
    const pick = (key) => median(list.map((m) => m[key]));
    console.log(
      `| ${name} | ${Math.round(pick('rps'))} | ${pick('ratio').toFixed(2)} | ${pick('p50')} | ${pick('p99')} | ${pick('p99Ratio').toFixed(2)} | ${list.reduce((a, m) => a + m.errors, 0)} |`,
    );
  }
} finally {
  bare.child.kill();
  ours.child.kill();
  rmSync(data, { recursive: true, force: true });
}
