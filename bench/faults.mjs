// What the fault check costs a call when the portal has no rules, and when it has one that
// matches nothing: CPU microseconds per `waitlist.get` through the platform step (no HTTP),
// with and without the portal's fault rules, in alternating rounds, on the built dist/.
//   node bench/faults.mjs [DATA_DIR]   (a temporary SQLite directory unless given)

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faultsOf } from '../dist/faults/faults.js';
import { startServer } from '../dist/index.js';
import { createRegistry } from '../dist/methods.js';
import { CallerCache } from '../dist/rest/auth.js';
import { dispatch } from '../dist/rest/dispatch.js';
import { NO_LIMITS } from '../dist/rest/limits.js';

const SECRET = 'benchsecret00000';
const data = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'b24-bench-faults-'));
const srv = await startServer({ port: 0, data, webhooks: [`1:${SECRET}:booking,crm`] });
// As the server builds it (src/server.ts portalPlatform), found webhooks remembered.
const bare = {
  registry: createRegistry(),
  store: srv.store,
  clock: srv.clock,
  limits: NO_LIMITS,
  callers: new CallerCache(),
};
const checked = { ...bare, faults: faultsOf(srv.store) };
const credentials = { webhook: { userId: '1', secret: SECRET } };
const call = (platform, method, params) => dispatch(platform, { method, params, credentials });
await call(bare, 'booking.v1.waitlist.add', { fields: { note: 'x' } });

const N = 20_000;
const ROUNDS = 4;
async function cpuPerCall(platform) {
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) await call(platform, 'booking.v1.waitlist.get', { id: 1 });
  const cpu = process.cpuUsage(c0);
  return (cpu.user + cpu.system) / N;
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)].toFixed(2);

async function compare(label) {
  const without = [];
  const withFaults = [];
  for (let round = 0; round < ROUNDS; round++) {
    without.push(await cpuPerCall(bare));
    withFaults.push(await cpuPerCall(checked));
  }
  console.log(`| ${label} | ${median(without)} | ${median(withFaults)} |`);
}

console.log('| rules | CPU µs/call without the check | with it |');
console.log('|---|---|---|');
await compare('none');
await srv.portal('default').faults.add({ method: 'crm.*', error: 'INTERNAL_SERVER_ERROR' });
await compare('one, matching other methods');
await srv.close();
