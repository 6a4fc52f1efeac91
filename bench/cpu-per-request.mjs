// CPU time the server process spends per request, ours beside the bare node:http baseline and
// the storage ceiling (bench/raw-sqlite-server.mjs: the same SQL, nothing else),
// read from /proc (utime + stime) around a fixed number of requests. Unlike req/s on a shared
// machine, it hardly moves with what else runs, and its ratio is what throughput would be on
// one saturated core.   node bench/cpu-per-request.mjs [REQUESTS=20000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cannedLikeOurs,
  cpuPerRequest,
  SECRET,
  startBare,
  startCeiling,
  startOurs,
  waitListTargets,
} from './support.mjs';

const amount = Number(process.argv[2] ?? 20_000);
const data = mkdtempSync(join(tmpdir(), 'b24-cpu-'));
const bare = await startBare();
const ours = await startOurs(data);
const ceiling = await startCeiling(data);
try {
  const base = `http://127.0.0.1:${ours.port}/rest/1/${SECRET}/`;
  const ceilingBase = `http://127.0.0.1:${ceiling.port}/rest/1/${SECRET}/`;
  const targets = await waitListTargets(base);
  console.log(`${amount} requests each, 10 connections; server CPU µs per request (user + system)`);
  console.log('The baseline answers each method with the same bytes ours does; the ceiling runs our SQL');
  console.log('on our database file with node:http + better-sqlite3 and nothing else.\n');
  console.log('| method | bare node:http µs | ceiling µs | ours µs | bare / ceiling | bare / ours | ceiling / ours |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, method, body] of targets) {
    await cannedLikeOurs(bare.port, base, method, body);
    const bareCpu = await cpuPerRequest(bare.child.pid, `http://127.0.0.1:${bare.port}/${method}`, body, amount);
    const ceilingCpu = await cpuPerRequest(ceiling.child.pid, ceilingBase + method, body, amount);
    const cpu = await cpuPerRequest(ours.child.pid, base + method, body, amount);
    const ratio = (a, b) => (a / b).toFixed(2);
    console.log(
      `| ${name} | ${bareCpu.toFixed(0)} | ${ceilingCpu.toFixed(0)} | ${cpu.toFixed(0)} | ${ratio(bareCpu, ceilingCpu)} | ${ratio(bareCpu, cpu)} | ${ratio(ceilingCpu, cpu)} |`,
    );
  }
} finally {
  bare.child.kill();
  ceiling.child.kill();
  ours.child.kill();
  rmSync(data, { recursive: true, force: true });
}
