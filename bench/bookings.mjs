#!/usr/bin/env node
/**
 * Benchmark (run by hand, not part of `npm test`): booking.add with its availability check and
 * booking.list for one day, at 1,000 and at 1,000,000 existing bookings, beside a bare
 * node:http baseline measured in the same run.
 *
 *   npm run build && node bench/bookings.mjs [--calls 2000] [--big 1000000] [--database postgres://...]
 *
 * The bookings are seeded through the store directly, in big transactions, at the same density
 * in both sizes (100 resources, one 30-minute booking each per day), so the day measured looks
 * the same and only the number of bookings outside it differs. Calls go one after another on
 * one keep-alive connection; the figures are per-call latency medians (and p99), and req/s as
 * 1 / median.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../dist/index.js';
import { postJson } from './support.mjs';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '2000' },
    small: { type: 'string', default: '1000' },
    big: { type: 'string', default: '1000000' },
    database: { type: 'string' },
  },
});
const CALLS = Number(values.calls);
const RESOURCES = 100;
const DAY = 86_400;
const START = Date.UTC(2000, 0, 1) / 1000;
const SECRET = 'benchsecret0000a';
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

const post = (url, body) => postJson(url, body, agent);

/** Per-call latencies (ms) of `calls` sequential requests made by `makeBody(i)`. */
async function measure(url, makeBody, check) {
  for (let i = 0; i < 300; i++) await post(url, makeBody(-1 - i)); // warm-up
  const times = [];
  for (let i = 0; i < CALLS; i++) {
    const t0 = process.hrtime.bigint();
    const reply = await post(url, makeBody(i));
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (check && !check(reply)) throw new Error(`unexpected reply: ${reply.status} ${reply.body}`);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  return { median, p99: times[Math.floor(times.length * 0.99)], rps: 1000 / median };
}

/** The bare baseline: parse the JSON body, answer a Bitrix envelope. */
async function bare() {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString() || '{}');
      const now = Date.now() / 1000;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ result: 1, time: { start: now, finish: now, duration: 0, processing: 0 } }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/rest/1/x/booking.v1.booking.add`;
  const result = await measure(url, () => ({ fields: { resourceIds: [1] } }));
  await new Promise((resolve) => server.close(resolve));
  return result;
}

/** `count` bookings, one a day per resource, written straight through the store's Kysely. */
async function seed(store, count) {
  const typeId = (
    await store.db
      .insertInto('resource_type')
      .values({ module_id: 'booking', code: 'bench', name: 'Bench', settings: '{}', created_at: Date.now() })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  const resources = Array.from({ length: RESOURCES }, (_, i) => ({
    type_id: typeId,
    name: `R${i}`,
    is_main: 1,
    settings: '{}',
    created_by: 1,
    created_at: Date.now(),
  }));
  const resourceIds = (await store.db.insertInto('resource').values(resources).returning('id').execute()).map(
    (r) => r.id,
  );
  const CHUNK = 2000;
  const PER_TRANSACTION = 100_000;
  for (let done = 0; done < count; done += PER_TRANSACTION) {
    await store.db.transaction().execute(async (trx) => {
      for (let base = done; base < Math.min(count, done + PER_TRANSACTION); base += CHUNK) {
        const rows = [];
        for (let n = base; n < Math.min(count, base + CHUNK); n++) {
          const day = Math.floor(n / RESOURCES);
          const slot = n % RESOURCES;
          const from = (START + day * DAY + 8 * 3600 + (slot % 20) * 1800) * 1000;
          rows.push({ n, slot, from });
        }
        const ids = await trx
          .insertInto('booking')
          .values(
            rows.map(({ from }) => ({
              name: 'Seeded',
              date_from: from,
              date_to: from + 1_800_000,
              duration: 1_800_000,
              timezone_from: 'UTC',
              timezone_to: 'UTC',
              created_by: 1,
              created_at: Date.now(),
            })),
          )
          .returning('id')
          .execute();
        await trx
          .insertInto('booking_resource')
          .values(
            rows.map(({ slot, from }, i) => ({
              booking_id: ids[i].id,
              resource_id: resourceIds[slot],
              date_from: from,
              date_to: from + 1_800_000,
              duration: 1_800_000,
            })),
          )
          .execute();
      }
    });
  }
  return { resourceIds, days: Math.ceil(count / RESOURCES) };
}

async function run(count) {
  const data = mkdtempSync(join(tmpdir(), 'b24-bench-'));
  const server = await startServer({
    port: 0,
    data,
    database: values.database,
    webhooks: [`1:${SECRET}:booking`],
  });
  try {
    const t0 = Date.now();
    const { resourceIds, days } = await seed(server.store, count);
    const seconds = (Date.now() - t0) / 1000;
    const hook = `${server.url}/rest/1/${SECRET}/`;
    // The day measured sits in the middle of the seeded range.
    const dayStart = START + Math.floor(days / 2) * DAY;
    // Each add takes a free minute of the night (00:00-08:00) on one of the resources.
    const add = await measure(
      `${hook}booking.v1.booking.add`,
      (i) => {
        const k = i + 300; // the warm-up calls come as i = -1 .. -300
        const from = dayStart + Math.floor(k / RESOURCES) * 60;
        return {
          fields: {
            resourceIds: [resourceIds[k % RESOURCES]],
            datePeriod: { from: { timestamp: from, timezone: 'UTC' }, to: { timestamp: from + 60, timezone: 'UTC' } },
          },
        };
      },
      (reply) => reply.status === 200,
    );
    const list = await measure(
      `${hook}booking.v1.booking.list`,
      () => ({ filter: { within: { dateFrom: dayStart, dateTo: dayStart + DAY } } }),
      (reply) => reply.status === 200 && JSON.parse(reply.body).result.booking.length === 50,
    );
    return { count, seconds, add, list };
  } finally {
    await server.close();
    rmSync(data, { recursive: true, force: true });
  }
}

const fmt = (m) => `${m.median.toFixed(3)} ms median, ${m.p99.toFixed(3)} ms p99, ${Math.round(m.rps)} req/s`;
const baselineBefore = await bare();
console.log(`bare node:http            ${fmt(baselineBefore)}`);
const small = await run(Number(values.small));
const big = await run(Number(values.big));
const baselineAfter = await bare();
console.log(`bare node:http (again)    ${fmt(baselineAfter)}`);
// The faster of the two baseline runs: the first one may still be warming up.
const bareMedian = Math.min(baselineBefore.median, baselineAfter.median);
for (const r of [small, big]) {
  console.log(`\n${r.count.toLocaleString('en')} bookings (seeded in ${r.seconds.toFixed(1)} s)`);
  console.log(`  booking.add  ${fmt(r.add)}  (${(bareMedian / r.add.median).toFixed(2)} of bare)`);
  console.log(`  booking.list ${fmt(r.list)}  (${(bareMedian / r.list.median).toFixed(2)} of bare)`);
}
console.log(
  `\nmedian latency ratio ${big.count.toLocaleString('en')} / ${small.count.toLocaleString('en')}: booking.add ${(big.add.median / small.add.median).toFixed(2)}, booking.list ${(big.list.median / small.list.median).toFixed(2)}`,
);
agent.destroy();
