// Where the time goes, without HTTP: CPU microseconds per call of the platform step (auth,
// binding, domain code, SQL) for the benchmark's three methods, on the built dist/.
//   node bench/cpu-per-call.mjs [DATA_DIR | :memory:]

import { startInProcess } from './support.mjs';

const { srv, call } = await startInProcess(process.argv[2] ?? ':memory:');

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
