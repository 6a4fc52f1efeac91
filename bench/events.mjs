#!/usr/bin/env node
/**
 * Benchmark (run by hand, not part of `npm test`): wait-list writes per second with no event
 * handler bound and with 10 bound handlers (fast local HTTP servers), and the ratio of the two;
 * with handlers, also how long the worker takes to deliver the backlog once the writes stop.
 *
 *   npm run build && node bench/events.mjs [--seconds 5] [--clients 16] [--database postgres://...]
 *
 * Each run starts a fresh server (SQLite in a temporary directory unless --database is given).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../dist/index.js';
import { registerApp } from '../dist/oauth/grants.js';
import { postJson } from './support.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    clients: { type: 'string', default: '16' },
    database: { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const SECRET = 'benchsecret0000a';
const ADMIN = 'bench-admin';
const HANDLERS = 10;

const post = (agent, url, body) => postJson(url, body, agent);

async function handlerServers(n) {
  let received = 0;
  const servers = await Promise.all(
    Array.from({ length: n }, async () => {
      const server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          received++;
          res.end('ok');
        });
      });
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
  return {
    urls: servers.map((s) => `http://127.0.0.1:${s.address().port}/`),
    received: () => received,
    close: () => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))),
  };
}

async function appToken(srv) {
  const app = await registerApp(srv.store, { name: 'Bench', scopes: ['booking'] }, Date.now());
  const approve = await fetch(`${srv.url}/oauth/authorize/?client_id=${app.client_id}`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  const { code } = await approve.json();
  const token = await fetch(
    `${srv.url}/oauth/token/?grant_type=authorization_code&client_id=${app.client_id}&client_secret=${app.client_secret}&code=${code}`,
  );
  return (await token.json()).access_token;
}

/** Writes per second over SECONDS with CLIENTS concurrent keep-alive clients. */
async function run(handlerCount) {
  const dir = mkdtempSync(join(tmpdir(), 'b24-bench-events-'));
  const srv = await startServer({
    port: 0,
    data: dir,
    database: values.database,
    webhooks: [`1:${SECRET}:booking`],
    adminToken: ADMIN,
  });
  const handlers = await handlerServers(handlerCount);
  try {
    if (handlerCount > 0) {
      const token = await appToken(srv);
      for (const handler of handlers.urls) {
        const bound = await post(undefined, `${srv.url}/rest/event.bind`, {
          event: 'ONBOOKINGWAITLISTITEMADD',
          handler,
          auth: token,
        });
        if (bound.status !== 200) throw new Error(bound.body);
      }
    }
    const url = `${srv.url}/rest/1/${SECRET}/booking.v1.waitlist.add`;
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    for (let i = 0; i < 200; i++) await post(agent, url, { fields: { note: 'warm-up' } });
    let writes = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (Date.now() < deadline) {
          const reply = await post(agent, url, { fields: { note: 'bench' } });
          if (reply.status !== 200) throw new Error(reply.body);
          writes++;
        }
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    let drainSeconds = 0;
    if (handlerCount > 0) {
      // The backlog: every write of the measured stretch and the warm-up, to every handler.
      const expected = (writes + 200) * handlerCount;
      const stop = Date.now();
      while (handlers.received() < expected && Date.now() - stop < 120_000) await new Promise((r) => setTimeout(r, 20));
      drainSeconds = (Date.now() - stop) / 1000;
      console.log(
        `  delivered ${handlers.received()} of ${expected} POSTs; backlog drained ${drainSeconds.toFixed(2)} s after the writes stopped`,
      );
    }
    agent.destroy();
    return writes / elapsed;
  } finally {
    await srv.close();
    await handlers.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`waitlist.add, ${CLIENTS} clients, ${SECONDS} s each, ${values.database ? 'PostgreSQL' : 'SQLite'}`);
const none = await run(0);
console.log(`  0 handlers: ${none.toFixed(0)} writes/s`);
const ten = await run(HANDLERS);
console.log(`  ${HANDLERS} handlers: ${ten.toFixed(0)} writes/s`);
console.log(`ratio (10 handlers / 0): ${(ten / none).toFixed(2)}`);
