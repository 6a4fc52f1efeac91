/** The rate limit and the operating-time limit (limits.md), driven by a clock the test moves. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freshPostgresDatabase,
  SECRET,
  startTestServer,
  TEST_DATABASE,
  type TestServer,
  tempDir,
} from './support/server.js';

class TestClock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

const OTHER_SECRET = 'othersecret00000';

describe('rate limit (leaky bucket, X 5, Y 2 per second)', () => {
  const clock = new TestClock(Date.UTC(2026, 4, 14, 10, 0, 0));
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({
      clock,
      limits: { rate: { threshold: 5, drainPerSecond: 2 } },
      webhooks: ['1:testsecret0000ab:booking,crm', `2:${OTHER_SECRET}:booking`],
    });
  });
  afterAll(() => srv.server.close());

  const statuses = async (n: number, url = `${srv.hook}server.time`) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await srv.request(url, {})).status);
    return out;
  };

  it('answers a burst over the threshold with 503 QUERY_LIMIT_EXCEEDED, then recovers at Y per second', async () => {
    expect(await statuses(5)).toEqual([200, 200, 200, 200, 200]);
    const over = await srv.call('server.time');
    expect(over.status).toBe(503);
    expect(over.body).toEqual({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
    // Refused requests do not fill the bucket: it drains as if they never came.
    clock.advance(500);
    expect(await statuses(2)).toEqual([200, 503]);
    clock.advance(1000);
    expect(await statuses(3)).toEqual([200, 200, 503]);
    clock.advance(10_000);
    expect(await statuses(6)).toEqual([200, 200, 200, 200, 200, 503]);
  });

  it('keeps a bucket per client: another webhook is not limited by the first', async () => {
    expect((await srv.call('server.time')).status).toBe(503);
    const other = await srv.request(`${srv.url}/rest/2/${OTHER_SECRET}/server.time`, {});
    expect(other.status).toBe(200);
  });

  it('admits exactly the threshold of a concurrent burst (one atomic statement per check)', async () => {
    clock.advance(60_000);
    const replies = await Promise.all(Array.from({ length: 20 }, () => srv.call('server.time')));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(5);
    expect(replies.filter((r) => r.status === 503)).toHaveLength(15);
  });

  it('counts a batch of many commands as one request', async () => {
    clock.advance(60_000);
    const cmd = Array.from({ length: 20 }, () => 'server.time');
    const reply = await srv.call('batch', { cmd });
    expect(reply.status).toBe(200);
    expect(reply.body.result.result).toHaveLength(20);
    expect(await statuses(4)).toEqual([200, 200, 200, 200]);
    expect((await srv.call('server.time')).status).toBe(503);
  });
});

describe('operating-time limit', () => {
  const clock = new TestClock(Date.UTC(2026, 4, 14, 10, 5, 20));
  let srv: TestServer;
  // Any measurable processing time exceeds this: the first call passes, the next is blocked.
  const LIMIT = 0.000001;
  beforeAll(async () => {
    srv = await startTestServer({ clock, limits: { operatingSeconds: LIMIT } });
  });
  afterAll(() => srv.server.close());

  it('blocks a method over its limit with 429 OPERATION_TIME_LIMIT but not another method', async () => {
    const first = await srv.call('booking.v1.waitlist.add', { fields: { note: 'a' } });
    expect(first.status).toBe(200);
    expect(first.body.time.operating).toBeGreaterThan(LIMIT);
    expect(first.body.time.operating_reset_at).toBe(Math.floor(clock.ms / 1000) + 600);

    const blocked = await srv.call('booking.v1.waitlist.add', { fields: { note: 'b' } });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({
      error: 'OPERATION_TIME_LIMIT',
      error_description: 'Method is blocked due to operation time limit.',
    });
    const other = await srv.call('booking.v1.waitlist.get', { id: first.body.result });
    expect(other.status).toBe(200);
    expect(other.body.time.operating).toBeGreaterThan(0);
  });

  it('checks each command of a batch against its own limit and does not count batch itself', async () => {
    const reply = await srv.call('batch', {
      halt: 0,
      cmd: { add: 'booking.v1.waitlist.add?fields%5Bnote%5D=c', time: 'server.time' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.result.result_error.add.error).toBe('OPERATION_TIME_LIMIT');
    expect(typeof reply.body.result.result.time).toBe('string');
    expect((await srv.call('batch', { cmd: ['server.time'] })).status).toBe(200);
  });

  it('frees the method once its basket is out of the ten-minute window', async () => {
    expect((await srv.call('booking.v1.waitlist.add', { fields: { note: 'd' } })).status).toBe(429);
    clock.advance(600_000);
    const again = await srv.call('booking.v1.waitlist.add', { fields: { note: 'd' } });
    expect(again.status).toBe(200);
  });
});

describe('operating counter in time', () => {
  const clock = new TestClock(Date.UTC(2026, 4, 14, 10, 5, 20));
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ clock, limits: { operatingSeconds: 480 } });
  });
  afterAll(() => srv.server.close());

  it('sums the baskets of ten minutes and resets ten minutes after the oldest basket started', async () => {
    const startedAt = clock.ms;
    const first = await srv.call('booking.v1.waitlist.list', {});
    clock.advance(90_000);
    const second = await srv.call('booking.v1.waitlist.list', {});
    expect(second.body.time.operating_reset_at).toBe(Math.floor(startedAt / 1000) + 600);
    expect(second.body.time.operating).toBeGreaterThan(first.body.time.operating);
    clock.advance(600_000 - 90_000);
    const third = await srv.call('booking.v1.waitlist.list', {});
    // The first basket has left the window: the second one is now the oldest.
    expect(third.body.time.operating_reset_at).toBe(Math.floor((startedAt + 90_000) / 1000) + 600);
  });

  it("gives each batch command's result_time the method's counter, as the call's own time carries it", async () => {
    const alone = await srv.call('booking.v1.resourcetype.list', {});
    const reply = await srv.call('batch', {
      cmd: { types: 'booking.v1.resourcetype.list', entries: 'booking.v1.waitlist.list' },
    });
    const { types, entries } = reply.body.result.result_time;
    // The counter is per method: the second call of resourcetype.list counts the first one too.
    expect(types.operating).toBeGreaterThan(alone.body.time.operating);
    expect(types.operating_reset_at).toBe(alone.body.time.operating_reset_at);
    expect(entries.operating).toBeGreaterThan(0);
    expect(typeof entries.operating_reset_at).toBe('number');
  });
});

describe('limits shared by two servers on one database', () => {
  const clock = new TestClock(Date.UTC(2026, 4, 14, 11, 0, 0));
  const servers: TestServer[] = [];
  beforeAll(async () => {
    const data = tempDir();
    const database = TEST_DATABASE === 'postgres' ? await freshPostgresDatabase() : undefined;
    const options = { data, database, clock, limits: { rate: { threshold: 6, drainPerSecond: 1 } } };
    servers.push(await startTestServer(options), await startTestServer(options));
  });
  afterAll(async () => {
    for (const s of servers) await s.server.close();
  });

  it('fills one bucket whichever server answers', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const srv = servers[i % 2] as TestServer;
      statuses.push((await srv.request(`${srv.url}/rest/1/${SECRET}/server.time`, {})).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 503, 503]);
  });
});

describe('limits off (the default)', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(() => srv.server.close());

  it('never answers 503 or 429 and keeps no counters', async () => {
    const replies = await Promise.all(Array.from({ length: 80 }, () => srv.call('server.time')));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const db = srv.server.store.db;
    expect(await db.selectFrom('rate_bucket').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('operating_basket').selectAll().execute()).toEqual([]);
  });
});
