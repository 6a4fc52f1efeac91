// `node bench/portals.mjs`: what many portals cost, one process, on SQLite (or on PostgreSQL with
// BENCH_STORE=postgres: an embedded PostgreSQL, a database for each of the two servers). In one run:
// - making a portal (with a webhook) and resetting one, with PORTALS portals present (medians);
// - a write and a read through a portal of that server against the same calls on a server with
//   one portal (ratios; the bare node:http baseline beside them);
// - idle memory of a server holding PORTALS empty portals against one holding only `default` (the
//   server process's; PostgreSQL's own processes are not counted).
// `npm run build` first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../test/support/embedded-postgres.mjs';
import {
  cannedLikeOurs,
  freePort,
  freshDatabase,
  requestsPerSecond,
  SECRET,
  startBare,
  startOurs,
  waitListTargets,
} from './support.mjs';

const PORTALS = Number(process.env.BENCH_PORTALS ?? 1000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const duration = Number(process.env.BENCH_DURATION ?? 3);
const ADMIN = 'bench-admin-token';
const POSTGRES = process.env.BENCH_STORE === 'postgres';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const residentMiB = (pid) =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024);

async function admin(port, path, body) {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/_admin/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await res.json();
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(answer)}`);
  return { answer, ms: performance.now() - started };
}

const dirs = [mkdtempSync(join(tmpdir(), 'b24-portals-')), mkdtempSync(join(tmpdir(), 'b24-one-'))];
const embedded = POSTGRES
  ? await startEmbeddedPostgres({ port: await freePort(), prefix: 'b24-bench-pg-' })
  : undefined;
const storeArgs = async (name) =>
  embedded ? ['--database', await freshDatabase(embedded.url.replace(/\/$/, ''), name)] : [];
const many = await startOurs(dirs[0], ['--admin-token', ADMIN, ...(await storeArgs('bench_many'))]);
const one = await startOurs(dirs[1], ['--admin-token', ADMIN, ...(await storeArgs('bench_one'))]);
const bare = await startBare();
try {
  const created = [];
  for (let i = 0; i < PORTALS; i++) {
    const { ms } = await admin(many.port, 'portals', { name: `p${i}`, webhooks: [`1:portalsecret${i}`] });
    created.push(ms);
  }
  const last = created.slice(-100);
  const resets = [];
  for (let i = 0; i < 50; i++) resets.push((await admin(many.port, `portals/p${i % PORTALS}/reset`)).ms);
  const added = (await admin(many.port, 'portals', { name: 'measured', webhooks: [`1:${SECRET}x`] })).ms;

  // Idle memory: the portals are closed until called; give the process a moment to settle.
  await new Promise((r) => setTimeout(r, 2000));
  const memory = { many: residentMiB(many.child.pid), one: residentMiB(one.child.pid) };

  const portalBase = `http://127.0.0.1:${many.port}/rest/1/${SECRET}x/`;
  const oneBase = `http://127.0.0.1:${one.port}/rest/1/${SECRET}/`;
  const targets = await waitListTargets(portalBase);
  await waitListTargets(oneBase);
  const rows = [];
  for (const [label, method, body] of [targets[0], targets[2]]) {
    await cannedLikeOurs(bare.port, oneBase, method, body);
    const runs = { bare: [], one: [], portal: [] };
    for (let r = 0; r < rounds; r++) {
      runs.bare.push(await requestsPerSecond(`http://127.0.0.1:${bare.port}/${method}`, body, duration));
      runs.one.push(await requestsPerSecond(oneBase + method, body, duration));
      runs.portal.push(await requestsPerSecond(portalBase + method, body, duration));
    }
    rows.push({ label, bare: median(runs.bare), one: median(runs.one), portal: median(runs.portal) });
  }

  console.log(`\nportals on ${POSTGRES ? 'PostgreSQL' : 'SQLite'}, ${PORTALS} portals present; medians`);
  console.log(
    `make a portal (the last 100 of ${PORTALS}): ${median(last).toFixed(1)} ms; one more: ${added.toFixed(1)} ms`,
  );
  console.log(`reset a portal: ${median(resets).toFixed(1)} ms`);
  console.log(
    `idle memory: ${memory.many} MiB with ${PORTALS} portals, ${memory.one} MiB with one (ratio ${(memory.many / memory.one).toFixed(2)})`,
  );
  for (const row of rows) {
    console.log(
      `${row.label}: bare ${Math.round(row.bare)}, one portal ${Math.round(row.one)}, a portal of ${PORTALS} ${Math.round(row.portal)} req/s; ` +
        `cost ratio ${(row.one / row.portal).toFixed(2)} (1.0 = the same)`,
    );
  }
} finally {
  // The servers first: PostgreSQL stopped under them would end their connections mid-query.
  await Promise.all(
    [many, one, bare].map(
      (server) =>
        new Promise((resolve) => {
          server.child.once('exit', resolve);
          server.child.kill('SIGTERM');
        }),
    ),
  );
  await embedded?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
