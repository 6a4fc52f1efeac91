// `node bench/journal.mjs`: what the request journal costs. In one run:
// - throughput of the write and the reads of `npm run bench` on a server with the journal on at
//   its default size against one with it off (`--journal-size 0`), measured back to back in
//   rounds (the order swapped each round), as ratios on/off with medians over the rounds;
// - the server's CPU per request, on and off, in alternated pairs (steadier than req/s on a shared
//   machine: off / on is the throughput ratio on one saturated core), medians;
// - memory of 1,000 portals with full journals (1,000 entries each), in a process of its own:
//   the journal itself (dist/journal), filled with the entries a real call makes, then filled
//   again to show that it stays bounded by the journal size.
// Environment: BENCH_ROUNDS (default 3), BENCH_DURATION (s a measurement, default 3),
// BENCH_PORTALS (default 1000), BENCH_CPU_REQUESTS (default 5000 a measurement), BENCH_CPU_PAIRS
// (default 7). `npm run build` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuPerRequest, ROOT, requestsPerSecond, SECRET, startOurs, waitListTargets } from './support.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const duration = Number(process.env.BENCH_DURATION ?? 3);
const PORTALS = Number(process.env.BENCH_PORTALS ?? 1000);
const CPU_REQUESTS = Number(process.env.BENCH_CPU_REQUESTS ?? 5000);
const CPU_PAIRS = Number(process.env.BENCH_CPU_PAIRS ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (process.argv[2] === 'memory') await memory();
else await throughput();

async function throughput() {
  const dirs = [mkdtempSync(join(tmpdir(), 'b24-journal-on-')), mkdtempSync(join(tmpdir(), 'b24-journal-off-'))];
  const on = await startOurs(dirs[0]);
  const off = await startOurs(dirs[1], ['--journal-size', '0']);
  const base = (server) => `http://127.0.0.1:${server.port}/rest/1/${SECRET}/`;
  try {
    const targets = await waitListTargets(base(on));
    await waitListTargets(base(off));
    // Alternated, the order swapped each time: one measurement of either moves by a third on a
    // loaded machine, the median of the pairs' ratios much less.
    const cpu = new Map();
    for (const [label, method, body] of targets) {
      const pairs = [];
      for (let i = 0; i < CPU_PAIRS; i++) {
        const measure = (s) => cpuPerRequest(s.child.pid, base(s) + method, body, CPU_REQUESTS);
        const first = i % 2 === 0 ? off : on;
        const a = await measure(first);
        const b = await measure(first === off ? on : off);
        pairs.push(first === off ? { off: a, on: b } : { off: b, on: a });
      }
      cpu.set(label, {
        off: median(pairs.map((p) => p.off)),
        on: median(pairs.map((p) => p.on)),
        ratio: median(pairs.map((p) => p.off / p.on)),
      });
    }
    const ratios = new Map(targets.map(([label]) => [label, []]));
    const rates = new Map(targets.map(([label]) => [label, { on: [], off: [] }]));
    for (const [, method, body] of targets)
      for (const s of [on, off]) await requestsPerSecond(base(s) + method, body, 1);
    for (let round = 0; round < rounds; round++) {
      for (const [label, method, body] of targets) {
        const order = round % 2 === 0 ? [on, off] : [off, on];
        const measured = new Map();
        for (const s of order) measured.set(s, await requestsPerSecond(base(s) + method, body, duration));
        ratios.get(label).push(measured.get(on) / measured.get(off));
        rates.get(label).on.push(measured.get(on));
        rates.get(label).off.push(measured.get(off));
      }
    }
    console.log(`\n${rounds} rounds, 50 connections, ${duration} s a measurement, SQLite, node ${process.version}\n`);
    console.log(
      '| method | journal off req/s | journal on (1000) req/s | on / off | CPU µs a request off | on | off / on |',
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const [label] of targets) {
      const r = rates.get(label);
      const c = cpu.get(label);
      console.log(
        `| ${label} | ${Math.round(median(r.off))} | ${Math.round(median(r.on))} | ${median(ratios.get(label)).toFixed(2)} | ${c.off.toFixed(0)} | ${c.on.toFixed(0)} | ${c.ratio.toFixed(2)} |`,
      );
    }
  } finally {
    on.child.kill();
    off.child.kill();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  const child = spawnSync(process.execPath, ['--expose-gc', 'bench/journal.mjs', 'memory'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (child.status !== 0) process.exit(child.status ?? 1);
}

/** What the journal of PORTALS portals holds when each is full, and when filled again. */
async function memory() {
  const { LocalJournal, DEFAULT_JOURNAL_SIZE } = await import('../dist/journal/journal.js');
  const { journalRecord } = await import('../dist/journal/entry.js');
  const caller = { userId: 1, scopes: ['booking', 'crm'], clientKey: 'webhook:1', webhookId: 1 };
  // The entry of a wait-list add, and of a get answering it (what a client's calls mostly are).
  const records = (i) => [
    journalRecord({
      startedAt: Date.now(),
      method: 'booking.v1.waitlist.add',
      caller,
      params: { fields: { note: `call back about the appointment ${i}` } },
      status: 200,
      resultText: String(i),
      durationMs: 1.23,
    }),
    journalRecord({
      startedAt: Date.now(),
      method: 'booking.v1.waitlist.get',
      caller,
      params: { id: i },
      status: 200,
      resultText: JSON.stringify({ waitList: { id: i, note: `call back about the appointment ${i}`, createdBy: 1 } }),
      durationMs: 0.87,
    }),
  ];
  const resident = () => {
    global.gc();
    const { rss, heapUsed } = process.memoryUsage();
    return { rss: rss / 1024 / 1024, heap: heapUsed / 1024 / 1024 };
  };
  // What one call costs the journal, as a server with one portal records it: the entry made and kept.
  const one = new LocalJournal(DEFAULT_JOURNAL_SIZE);
  const calls = 200_000;
  let t = performance.now();
  for (let i = 0; i < calls; i += 2) for (const record of records(i)) one.record('default', record);
  const perCall = ((performance.now() - t) / calls) * 1000;
  const journal = new LocalJournal(DEFAULT_JOURNAL_SIZE);
  const before = resident();
  const fill = () => {
    for (let p = 0; p < PORTALS; p++) {
      for (let i = 0; i < DEFAULT_JOURNAL_SIZE; i += 2)
        for (const record of records(i)) journal.record(`p${p}`, record);
    }
  };
  t = performance.now();
  fill();
  const fillMs = performance.now() - t;
  const full = resident();
  fill();
  const again = resident();
  const entries = PORTALS * DEFAULT_JOURNAL_SIZE;
  const text = (await journal.read('p0', {})).reduce((sum, line) => sum + line.text.length, 0) / DEFAULT_JOURNAL_SIZE;
  console.log(`\nOne portal: ${perCall.toFixed(2)} µs a call to make its entry and keep it (${calls} calls)`);
  console.log(
    `\n${PORTALS} portals x ${DEFAULT_JOURNAL_SIZE} entries (${entries} entries, ${text.toFixed(0)} B of JSON each on average)\n`,
  );
  console.log('| | RSS MiB | heap used MiB |');
  console.log('|---|---|---|');
  const row = (label, m) => console.log(`| ${label} | ${m.rss.toFixed(0)} | ${m.heap.toFixed(0)} |`);
  row('empty journal', before);
  row(`full (${((fillMs / entries) * 1000).toFixed(2)} µs an entry recorded)`, full);
  row('filled again (the oldest replaced)', again);
  console.log(`\n${(((full.heap - before.heap) * 1024 * 1024) / entries).toFixed(0)} B of heap an entry kept`);
}
