// What the deal's pipeline and stage check costs a write: CPU microseconds per call, without
// HTTP, of booking.add (which adds a deal for the booking, running the check) and of
// crm.deal.add, on a new portal (its lists are the defaults, not yet rows) and after a first
// change with 20 deal pipelines (160 stage rows more to read); and of the check alone,
// inside an otherwise empty write.
//   npm run build; node bench/crm-stage-check.mjs [CALLS=2000]
import { pipelineCheck } from '../dist/crm/reference/pipeline.js';
import { startInProcess } from './support.mjs';

const N = Number(process.argv[2] ?? 2000);
const inProcess = await startInProcess();
const { srv } = inProcess;
async function call(method, params) {
  const answer = await inProcess.call(method, params);
  if (answer.error) throw new Error(`${method}: ${JSON.stringify(answer)}`);
  return answer;
}

const type = (await call('booking.v1.resourceType.add', { fields: { name: 'Room', code: 'room' } })).result;
const resourceIds = [];
for (let i = 0; i < 50; i++) {
  resourceIds.push((await call('booking.v1.resource.add', { fields: { name: `R${i}`, typeId: type } })).result);
}
const minute = Date.UTC(2030, 0, 1) / 1000;
const bookingParams = (i) => {
  const from = minute + Math.floor(i / resourceIds.length) * 60;
  return {
    fields: {
      resourceIds: [resourceIds[i % resourceIds.length]],
      datePeriod: { from: { timestamp: from, timezone: 'UTC' }, to: { timestamp: from + 60, timezone: 'UTC' } },
    },
  };
};
const check = pipelineCheck(2);
const columns = () => ({ title: 'x', category_id: 0, stage_id: 'PREPARATION', modify_by_id: 1, date_modify: 1 });

/** CPU and wall µs per run of `step` (after a warm-up of a tenth as many). */
async function measure(step) {
  for (let i = 0; i < N / 10; i++) await step(i);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) await step(i);
  const cpu = process.cpuUsage(c0);
  return { cpu: (cpu.user + cpu.system) / N, wall: Number(process.hrtime.bigint() - t0) / 1e3 / N };
}

let booked = 0;
const cases = [
  ['booking.add (adds its deal)', () => call('booking.v1.booking.add', bookingParams(booked++))],
  ['crm.deal.add', () => call('crm.deal.add', { fields: { TITLE: 'Deal', STAGE_ID: 'PREPARATION' } })],
  ['an empty write', () => srv.store.write(async () => {})],
  [
    'a write running the check alone',
    () => srv.store.write((repos) => check(repos, columns(), { face: 'classic', isNew: true })),
  ],
];
console.log(`CPU and wall µs per call, ${N} calls each, SQLite :memory:`);
console.log('| case | portal | CPU µs | wall µs |');
console.log('|---|---|---|---|');
for (const portal of ['new (default lists)', 'after a change, 21 deal pipelines']) {
  if (portal !== 'new (default lists)') {
    for (let i = 1; i <= 20; i++) await call('crm.category.add', { entityTypeId: 2, fields: { name: `P${i}` } });
  }
  for (const [name, step] of cases) {
    const { cpu, wall } = await measure(step);
    console.log(`| ${name} | ${portal} | ${cpu.toFixed(1)} | ${wall.toFixed(1)} |`);
  }
}
await srv.close();
