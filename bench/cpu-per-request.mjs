// CPU time the server process spends per request, ours beside the bare node:http baseline,
// read from /proc (utime + stime) around a fixed number of requests. Unlike req/s on a shared
// machine, it hardly moves with what else runs, and its ratio is what throughput would be on
// one saturated core.   node bench/cpu-per-request.mjs [REQUESTS=20000]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SECRET, startBare, startOurs } from './support.mjs';

const amount = Number(process.argv[2] ?? 20_000);
const TICK_US = 1e6 / 100; // USER_HZ

function cpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

async function cpuPerRequest(pid, url, body) {
  const run = (n) =>
    autocannon({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      connections: 10,
      amount: n,
    });
  await run(2000);
  const before = cpuMicros(pid);
  const result = await run(amount);
  if (result.non2xx + result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return (cpuMicros(pid) - before) / amount;
}

const data = mkdtempSync(join(tmpdir(), 'b24-cpu-'));
const bare = await startBare();
const ours = await startOurs(data);
try {
  const base = `http://127.0.0.1:${ours.port}/rest/1/${SECRET}/`;
  const post = (m, p) =>
    fetch(base + m, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p) });
  for (let i = 0; i < 60; i++) await post('booking.v1.waitlist.add', { fields: { note: `entry ${i}` } });
  const link = JSON.stringify({ waitListId: 1, externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: '1' }] });
  console.log(`${amount} requests each, 10 connections; server CPU µs per request (user + system)`);
  console.log('The baseline answers each method with the same bytes ours does.\n');
  console.log('| method | bare node:http µs | ours µs | baseline / ours |');
  console.log('|---|---|---|---|');
  for (const [name, method, body] of [
    ['waitlist.externalData.set (write)', 'booking.v1.waitlist.externalData.set', link],
    ['waitlist.list (read, 50 items)', 'booking.v1.waitlist.list', '{}'],
    ['waitlist.get (read)', 'booking.v1.waitlist.get', '{"id":1}'],
  ]) {
    const answer = await (
      await fetch(base + method, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
    ).text();
    await fetch(`http://127.0.0.1:${bare.port}/_canned/${method}`, { method: 'POST', body: answer });
    const bareCpu = await cpuPerRequest(bare.child.pid, `http://127.0.0.1:${bare.port}/${method}`, body);
    const cpu = await cpuPerRequest(ours.child.pid, base + method, body);
    console.log(`| ${name} | ${bareCpu.toFixed(0)} | ${cpu.toFixed(0)} | ${(bareCpu / cpu).toFixed(2)} |`);
  }
} finally {
  bare.child.kill();
  ours.child.kill();
  rmSync(data, { recursive: true, force: true });
}
