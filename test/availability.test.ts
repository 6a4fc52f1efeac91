/**
 * The availability engine: overlap is decided on absolute time, whatever the wall clocks do
 * (Europe/Berlin's daylight-saving changes, midnight), periods are half-open (touching ones
 * do not overlap), and overbooking allows one other booking at any moment, never two.
 */
import { describe, expect, it } from 'vitest';
import { type TestServer, useServer } from './support/server.js';
import { zoned } from './support/time.js';

const strict = useServer({ overbooking: false });
const lenient = useServer();
const BERLIN = 'Europe/Berlin';

async function addResource(server: TestServer): Promise<number> {
  const code = `t${Math.random().toString(36).slice(2)}`;
  const type = await server.call('booking.v1.resourceType.add', { fields: { name: 'T', code } });
  const reply = await server.call('booking.v1.resource.add', { fields: { name: 'R', typeId: type.body.result } });
  return reply.body.result;
}

/** Books `resourceId` from one Berlin wall time to another; the reply as it came. */
function book(server: TestServer, resourceId: number, from: number, to: number) {
  return server.call('booking.v1.booking.add', {
    fields: {
      resourceIds: [resourceId],
      datePeriod: { from: { timestamp: from, timezone: BERLIN }, to: { timestamp: to, timezone: BERLIN } },
    },
  });
}

function expectBusy(reply: { status: number; body: unknown }, resourceId: number) {
  expect(reply.status).toBe(400);
  expect(reply.body).toEqual({
    error: '1018',
    error_description: `Some resources are unavailable for the requested time range: ${resourceId}`,
  });
}

describe('without overbooking', () => {
  it('spring forward: 01:30-03:30 on 29 March 2026 lasts one hour, and 03:00-04:00 overlaps it', async () => {
    const r = await addResource(strict());
    const from = zoned(BERLIN, '2026-03-29 01:30');
    const to = zoned(BERLIN, '2026-03-29 03:30');
    expect(to - from).toBe(3600);
    expect((await book(strict(), r, from, to)).status).toBe(200);
    expectBusy(await book(strict(), r, zoned(BERLIN, '2026-03-29 03:00'), zoned(BERLIN, '2026-03-29 04:00')), r);
    // 03:30 local is exactly when the first ends: touching, accepted.
    expect((await book(strict(), r, to, zoned(BERLIN, '2026-03-29 04:30'))).status).toBe(200);
  });

  it('fall back: 02:30 happens twice on 25 October 2026; bookings in either hour are told apart', async () => {
    const r = await addResource(strict());
    const firstHalf = zoned(BERLIN, '2026-10-25 02:30', 0);
    const secondHalf = zoned(BERLIN, '2026-10-25 02:30', 1);
    expect(secondHalf - firstHalf).toBe(3600);
    // 02:00-02:30 in summer time, then 02:00-02:30 in winter time: same wall clock, no overlap.
    const summer = await book(strict(), r, zoned(BERLIN, '2026-10-25 02:00', 0), firstHalf);
    const winter = await book(strict(), r, zoned(BERLIN, '2026-10-25 02:00', 1), secondHalf);
    expect([summer.status, winter.status]).toEqual([200, 200]);
    // 02:15 summer time to 02:15 winter time overlaps the end of one and the start of the other.
    expectBusy(await book(strict(), r, zoned(BERLIN, '2026-10-25 02:15', 0), zoned(BERLIN, '2026-10-25 02:15', 1)), r);
    // The free hour between them (02:30 summer time to 02:00 winter time) touches both: accepted.
    expect((await book(strict(), r, firstHalf, zoned(BERLIN, '2026-10-25 02:00', 1))).status).toBe(200);
  });

  it('a booking over midnight holds both days and shows in a day list of each', async () => {
    const r = await addResource(strict());
    const from = zoned(BERLIN, '2026-07-10 23:00');
    const to = zoned(BERLIN, '2026-07-11 01:00');
    const made = await book(strict(), r, from, to);
    expect(made.status).toBe(200);
    expectBusy(await book(strict(), r, zoned(BERLIN, '2026-07-11 00:30'), zoned(BERLIN, '2026-07-11 02:00')), r);
    expectBusy(await book(strict(), r, zoned(BERLIN, '2026-07-10 22:00'), zoned(BERLIN, '2026-07-10 23:30')), r);
    for (const day of ['2026-07-10', '2026-07-11']) {
      const next = day === '2026-07-10' ? '2026-07-11' : '2026-07-12';
      const listed = await strict().call('booking.v1.booking.list', {
        filter: {
          resourceId: [r],
          within: { dateFrom: zoned(BERLIN, `${day} 00:00`), dateTo: zoned(BERLIN, `${next} 00:00`) },
        },
      });
      expect(
        listed.body.result.booking.map((b: { id: number }) => b.id),
        day,
      ).toEqual([made.body.result]);
    }
    const dayAfter = await strict().call('booking.v1.booking.list', {
      filter: { within: { dateFrom: to, dateTo: zoned(BERLIN, '2026-07-12 00:00') }, resourceId: [r] },
    });
    expect(dayAfter.body.result.booking).toEqual([]);
  });

  it('update moves a booking onto a busy period only where the rule allows, never against itself', async () => {
    const r = await addResource(strict());
    const a = await book(strict(), r, 2_100_000_000, 2_100_003_600);
    const b = await book(strict(), r, 2_100_003_600, 2_100_007_200);
    const move = (from: number, to: number) =>
      strict().call('booking.v1.booking.update', {
        id: b.body.result,
        fields: {
          datePeriod: { from: { timestamp: from, timezone: BERLIN }, to: { timestamp: to, timezone: BERLIN } },
        },
      });
    expectBusy(await move(2_100_003_000, 2_100_007_200), r);
    expect((await move(2_100_003_600, 2_100_009_000)).status).toBe(200);
    expect(a.status).toBe(200);
  });

  it('a deleted booking frees its resource', async () => {
    const r = await addResource(strict());
    const a = await book(strict(), r, 2_200_000_000, 2_200_003_600);
    expectBusy(await book(strict(), r, 2_200_000_000, 2_200_003_600), r);
    await strict().call('booking.v1.booking.delete', { id: a.body.result });
    expect((await book(strict(), r, 2_200_000_000, 2_200_003_600)).status).toBe(200);
  });
});

describe('with overbooking (the default)', () => {
  it('accepts a second overlapping booking and refuses a third', async () => {
    const r = await addResource(lenient());
    expect((await book(lenient(), r, 2_300_000_000, 2_300_003_600)).status).toBe(200);
    expect((await book(lenient(), r, 2_300_001_800, 2_300_005_400)).status).toBe(200);
    expectBusy(await book(lenient(), r, 2_300_002_000, 2_300_002_100), r);
    // Where only one of the two is held, a further booking fits.
    expect((await book(lenient(), r, 2_300_003_600, 2_300_007_200)).status).toBe(200);
  });

  it('counts the bookings held at the same moment, not every booking the period touches', async () => {
    const r = await addResource(lenient());
    // A [0, 2h) and B [1h, 3h); C [2h, 4h) meets only B at any moment.
    const t = 2_400_000_000;
    expect((await book(lenient(), r, t, t + 7200)).status).toBe(200);
    expect((await book(lenient(), r, t + 3600, t + 10800)).status).toBe(200);
    expect((await book(lenient(), r, t + 7200, t + 14400)).status).toBe(200);
    expectBusy(await book(lenient(), r, t + 7000, t + 7300), r);
  });

  it('names every unavailable resource of a multi-resource booking', async () => {
    const [r1, r2, r3] = [await addResource(lenient()), await addResource(lenient()), await addResource(lenient())];
    const t = 2_500_000_000;
    const fields = (ids: number[]) => ({
      resourceIds: ids,
      datePeriod: { from: { timestamp: t, timezone: 'UTC' }, to: { timestamp: t + 60, timezone: 'UTC' } },
    });
    await lenient().call('booking.v1.booking.add', { fields: fields([r1, r2, r3]) });
    await lenient().call('booking.v1.booking.add', { fields: fields([r1, r3]) });
    const reply = await lenient().call('booking.v1.booking.add', { fields: fields([r1, r2, r3]) });
    expect(reply.body).toEqual({
      error: '1018',
      error_description: `Some resources are unavailable for the requested time range: ${r1},${r3}`,
    });
  });
});

describe('concurrency', () => {
  async function race(server: TestServer): Promise<number> {
    const r = await addResource(server);
    const t = 2_600_000_000;
    const replies = await Promise.all(Array.from({ length: 50 }, () => book(server, r, t, t + 1800)));
    for (const reply of replies) if (reply.status !== 200) expectBusy(reply, r);
    const listed = await server.call('booking.v1.booking.list', { filter: { resourceId: [r] } });
    const successes = replies.filter((reply) => reply.status === 200).length;
    expect(listed.body.result.booking).toHaveLength(successes);
    return successes;
  }

  it('50 parallel booking.add for one free slot: exactly 2 succeed with overbooking', async () => {
    expect(await race(lenient())).toBe(2);
  });

  it('50 parallel booking.add for one free slot: exactly 1 succeeds without overbooking', async () => {
    expect(await race(strict())).toBe(1);
  });
});
