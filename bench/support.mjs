// What the benchmark scripts share: starting the servers they measure, and a JSON POST on a
// keep-alive agent.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import pg from 'pg';

export const ROOT = new URL('..', import.meta.url).pathname;
export const SECRET = 'benchsecret00000';

/** A port free on loopback now (for servers that take no port 0). */
export function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts `node <args>` in the project and resolves once its output matches `readyPattern`. */
export function startProcess(args, readyPattern) {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const match = readyPattern.exec(out);
      if (match) {
        // Stop collecting, keep draining: a server that logs must never block on a full pipe.
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve({ child, port: Number(match[1]) });
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

/** The bare node:http baseline (bench/bare-server.mjs) on a free port. */
export const startBare = () => startProcess(['bench/bare-server.mjs', '0'], /listening on (\d+)/);

/**
 * The storage ceiling (bench/raw-sqlite-server.mjs) on the SQLite file of our server's data
 * directory `data`: start ours first, it creates the file.
 */
export const startCeiling = (data, sync = 'normal') =>
  startProcess(['bench/raw-sqlite-server.mjs', data, sync, '0'], /listening on (\d+)/);

/**
 * Our built server with the bench webhook, request log off; `extra` are more serve flags,
 * `nodeFlags` flags of node itself (`--cpu-prof`).
 */
export function startOurs(data, extra = [], nodeFlags = []) {
  return startProcess(
    [
      ...nodeFlags,
      'dist/cli.js',
      'serve',
      '--port',
      '0',
      '--data',
      data,
      '--webhook',
      `1:${SECRET}:booking,crm`,
      '--log-level',
      'warn',
      ...extra,
    ],
    /listening on https?:\/\/[^:]+:(\d+)/,
  );
}

/** Peak resident memory of a process so far (Linux VmHWM), in MiB. */
export function peakMemoryMiB(pid) {
  try {
    return Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024);
  } catch {
    return Number.NaN;
  }
}

/** POSTs a JSON body (an object, or a string sent as it is); resolves with status and text. */
export function postJson(url, body, agent) {
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** POSTs a JSON text to `url` with fetch; resolves with the answer's text. */
export const fetchText = async (url, body) =>
  (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text();

/**
 * Fills our server (webhook base URL `base`) with a list page of 50 real wait-list entries and
 * more, and gives the methods every benchmark measures: `[label, method, JSON body]`, the write
 * and the get on the last entry.
 */
export async function waitListTargets(base) {
  let id = 0;
  for (let i = 0; i < 60; i++) {
    const body = JSON.stringify({ fields: { note: `entry ${i}` } });
    id = JSON.parse(await fetchText(`${base}booking.v1.waitlist.add`, body)).result;
  }
  const link = { waitListId: id, externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: '1' }] };
  return [
    ['waitlist.externalData.set (write)', 'booking.v1.waitlist.externalData.set', JSON.stringify(link)],
    ['waitlist.list (read, 50 items)', 'booking.v1.waitlist.list', '{}'],
    ['waitlist.get (read)', 'booking.v1.waitlist.get', JSON.stringify({ id })],
  ];
}

/** Makes the bare baseline on `barePort` answer `method` with the bytes ours (at `base`) answers it with. */
export async function cannedLikeOurs(barePort, base, method, body) {
  const answer = await fetchText(base + method, body);
  await fetch(`http://127.0.0.1:${barePort}/_canned/${method}`, { method: 'POST', body: answer });
  return answer;
}

/** An answer's text without its `time` object, which differs on every call. */
export function withoutTime(text) {
  const { time, ...rest } = JSON.parse(text);
  return JSON.stringify(rest);
}

const TICK_US = 1e6 / 100; // USER_HZ

/** CPU a process has used so far (user + system), µs. */
export function cpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

/**
 * The server process's CPU µs per request over `amount` POSTs of `body` to `url` (after 2000 to
 * warm up): unlike req/s on a shared machine, it hardly moves with what else runs.
 */
export async function cpuPerRequest(pid, url, body, amount) {
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

/** Requests a second over `seconds` of POSTs of `body` to `url` on 50 connections; any failure throws. */
export async function requestsPerSecond(url, body, seconds) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: 50,
    duration: seconds,
  });
  if (result.non2xx + result.errors > 0) throw new Error(`${url}: ${result.non2xx + result.errors} failed`);
  return result.requests.average;
}

/**
 * The median time of `calls` sequential POSTs on one keep-alive connection (`agent`), after
 * `warmup` unmeasured ones; any status but 200 fails the run.
 */
export async function medianPostMs(url, body, agent, calls, warmup = 10) {
  const post = async () => {
    const res = await postJson(url, body, agent);
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  };
  for (let i = 0; i < warmup; i++) await post();
  const times = [];
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    await post();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

/** Prints the medians of each case at 1,000 and 1,000,000 records and their ratio, as a table. */
export function printScalingTable(rows, what, calls, bareMs) {
  console.log(
    `\nmedian of ${calls} sequential calls on one keep-alive connection; bare node:http ${bareMs.toFixed(3)} ms\n`,
  );
  console.log(`| case | 1,000 ${what} ms | 1,000,000 ${what} ms | ratio 1M / 1k |`);
  console.log('|---|---|---|---|');
  for (const name of [...new Set(rows.map((r) => r.name))]) {
    const [small, large] = [1_000, 1_000_000].map((c) => rows.find((r) => r.count === c && r.name === name).ms);
    console.log(`| ${name} | ${small.toFixed(3)} | ${large.toFixed(3)} | ${(large / small).toFixed(2)} |`);
  }
}

/**
 * A server in this process (the built dist/) and `call(method, params)` on its platform step,
 * without HTTP: auth, binding, domain code and SQL, as the server builds it (src/server.ts).
 */
export async function startInProcess(data = ':memory:') {
  const { startServer } = await import('../dist/index.js');
  const { createRegistry } = await import('../dist/methods.js');
  const { CallerCache } = await import('../dist/rest/auth.js');
  const { dispatch } = await import('../dist/rest/dispatch.js');
  const { NO_LIMITS } = await import('../dist/rest/limits.js');
  const srv = await startServer({ port: 0, data, webhooks: [`1:${SECRET}:booking,crm`] });
  // Found webhooks are remembered, as in the server.
  const platform = {
    registry: createRegistry(),
    store: srv.store,
    clock: srv.clock,
    limits: NO_LIMITS,
    callers: new CallerCache(),
  };
  const credentials = { webhook: { userId: '1', secret: SECRET } };
  return { srv, call: (method, params) => dispatch(platform, { method, params, credentials }) };
}

/** POSTs `params` to `base + method` and gives the answer's `result`; any status but 200 throws. */
export async function call(base, method, params) {
  const res = await fetch(base + method, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${method}: ${res.status} ${JSON.stringify(body)}`);
  return body.result;
}

/** A new database `name` on the PostgreSQL at `base`; `settings` (`synchronous_commit = off`) apply to every connection to it. */
export async function freshDatabase(base, name, settings = []) {
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    for (const setting of settings) await admin.query(`ALTER DATABASE ${name} SET ${setting}`);
  } finally {
    await admin.end();
  }
  return `${base}/${name}`;
}

/**
 * The SQL statements one `waitlist.externalData.set` (two links) and one `waitlist.get` send to
 * PostgreSQL `database`, counted at the driver (pg.Client#query, which the pool's clients run),
 * from a server of `dist/` in this process: BEGIN and COMMIT included.
 */
export async function statementsPerRequest(database) {
  const { startServer } = await import('../dist/index.js');
  const counted = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...args) {
    counted.push(typeof args[0] === 'string' ? args[0] : args[0]?.text);
    return query.apply(this, args);
  };
  const server = await startServer({ port: 0, database, webhooks: [`1:${SECRET}:booking,crm`] });
  try {
    const base = `${server.url}/rest/1/${SECRET}/`;
    const id = await call(base, 'booking.v1.waitlist.add', { fields: { note: 'count' } });
    const links = [
      { moduleId: 'crm', entityTypeId: 'DEAL', value: '1' },
      { moduleId: 'crm', entityTypeId: 'CONTACT', value: '2' },
    ];
    const per = async (method, params) => {
      await call(base, method, params);
      counted.length = 0;
      await call(base, method, params);
      return [...counted];
    };
    return {
      write: await per('booking.v1.waitlist.externalData.set', { waitListId: id, externalData: links }),
      read: await per('booking.v1.waitlist.get', { id }),
    };
  } finally {
    await server.close();
    pg.Client.prototype.query = query;
  }
}
