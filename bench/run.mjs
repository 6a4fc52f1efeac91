// `npm run bench`: load on loopback with autocannon, bounded in time, side by side in one run:
// the bare node:http baseline, then our server (built dist/, SQLite default, webhook URL) on a
// write, a list and a get. Prints req/s, p50/p99 and the peak memory of each server process,
// and each of ours as a ratio to the baseline. Options through the environment:
// BENCH_DURATION (s, default 6), BENCH_CONNECTIONS (default 50), BENCH_SYNC (normal|full).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const duration = Number(process.env.BENCH_DURATION ?? 6);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECRET = 'benchsecret00000';

function start(args, readyPattern) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const match = readyPattern.exec(out);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

/** Peak resident memory of a process so far (Linux VmHWM), in MiB. */
function peakMemoryMiB(pid) {
  try {
    const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return NaN;
  }
}

async function load(name, url, body) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    connections,
    duration,
  });
  const errors = result.non2xx + result.errors;
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors };
}

async function call(base, method, params) {
  const res = await fetch(base + method, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return (await res.json()).result;
}

const rows = [];
const bare = await start(['bench/bare-server.mjs', '0'], /listening on (\d+)/);
try {
  const url = `http://127.0.0.1:${bare.port}/`;
  await load('warm-up', url, { waitListId: 1, externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: '1' }] });
  rows.push({
    ...(await load('bare node:http', url, {
      waitListId: 1,
      externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: '1' }],
    })),
    memory: peakMemoryMiB(bare.child.pid),
  });
} finally {
  bare.child.kill();
}

const data = mkdtempSync(join(tmpdir(), 'b24-bench-'));
const ours = await start(
  [
    'dist/cli.js',
    'serve',
    '--port',
    '0',
    '--data',
    data,
    '--webhook',
    `1:${SECRET}:booking,crm`,
    '--sync',
    process.env.BENCH_SYNC ?? 'normal',
  ],
  /listening on https?:\/\/[^:]+:(\d+)/,
);
try {
  const base = `http://127.0.0.1:${ours.port}/rest/1/${SECRET}/`;
  // A list page of 50 real entries, and the entry the write and the get use.
  let id = 0;
  for (let i = 0; i < 60; i++) id = await call(base, 'booking.v1.waitlist.add', { fields: { note: `entry ${i}` } });
  const write = { waitListId: id, externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: '1' }] };
  await load('warm-up', `${base}booking.v1.waitlist.externalData.set`, write);
  rows.push(await load('waitlist.externalData.set (write)', `${base}booking.v1.waitlist.externalData.set`, write));
  rows.push(await load('waitlist.list (read, 50 items)', `${base}booking.v1.waitlist.list`, {}));
  rows.push(await load('waitlist.get (read)', `${base}booking.v1.waitlist.get`, { id }));
  for (const row of rows.slice(1)) row.memory = peakMemoryMiB(ours.child.pid);
} finally {
  ours.child.kill();
  rmSync(data, { recursive: true, force: true });
}

const baseline = rows[0];
console.log(`\n${connections} connections, ${duration} s each, loopback, node ${process.version}\n`);
console.log('| server / method | req/s | ratio | p50 ms | p99 ms | p99 ratio | peak RSS MiB | errors |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(
    `| ${row.name} | ${Math.round(row.rps)} | ${(row.rps / baseline.rps).toFixed(2)} | ${row.p50} | ${row.p99} | ${(row.p99 / baseline.p99).toFixed(2)} | ${row.memory} | ${row.errors} |`,
  );
}
