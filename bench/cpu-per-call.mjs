// Where the time goes, without HTTP: CPU microseconds per call of the platform step (auth,
// binding, domain code, SQL) for the benchmark's three methods, on the built dist/.
//   node bench/cpu-per-call.mjs [DATA_DIR | :memory:]

import { startServer } from '../dist/index.js';
import { createRegistry } from '../dist/methods.js';
import { CallerCache } from '../dist/rest/auth.js';
import { dispatch } from '../dist/rest/dispatch.js';
import { NO_LIMITS } from '../dist/rest/limits.js';

const SECRET = 'benchsecret00000';
const srv = await startServer({ port: 0, data: process.argv[2] ?? ':memory:', webhooks: [`1:${SECRET}:booking,crm`] });
// As the server builds it (src/server.ts platformOf), found webhooks remembered.
const platform = {
  registry: createRegistry(),
  store: srv.store,
  clock: srv.clock,
  limits: NO_LIMITS,
  callers: new CallerCache(),
};
const credentials = { webhook: { userId: '1', secret: SECRET } };
const call = (method, params) => dispatch(platform, { method, params, credentials });

for (let i = 0; i < 60; i++) await call('booking.v1.waitlist.add', { fields: { note: `entry ${i}` } });
const link = [{ moduleId: 'crm', entityTypeId: 'DEAL', value: '1' }];
const cases = [
  ['waitlist.externalData.set', 'booking.v1.waitlist.externalData.set', { waitListId: 1, externalData: link }],
  ['waitlist.list (50 items)', 'booking.v1.waitlist.list', {}],
  ['waitlist.get', 'booking.v1.waitlist.get', { id: 1 }],
];
const N = 3000;
console.log('| method | CPU µs/call | wall µs/call |');
console.log('|---|---|---|');
for (const [name, method, params] of cases) {
  for (let i = 0; i < 500; i++) await call(method, params);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) await call(method, params);
  const cpu = process.cpuUsage(c0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e3 / N;
  console.log(`| ${name} | ${((cpu.user + cpu.system) / N).toFixed(1)} | ${wall.toFixed(1)} |`);
}
await srv.close();
