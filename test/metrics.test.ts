/**
 * The request metrics are counted by the server and rendered by prom-client: the text must be
 * what prom-client's own Counter and Histogram give for the same requests, line for line.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS, Metrics, type RequestRecord } from '../src/observability/metrics.js';
import type { Store } from '../src/store/store.js';

const records: RequestRecord[] = [
  { method: 'booking.v1.waitlist.add', status: 200, durationMs: 0.4 },
  { method: 'booking.v1.waitlist.add', status: 200, durationMs: 1 },
  { method: 'booking.v1.waitlist.add', status: 400, durationMs: 2.5 },
  { method: 'booking.v1.waitlist.get', status: 200, durationMs: 7.3 },
  { method: 'booking.v1.waitlist.get', status: 401, durationMs: 3000 },
  { method: 'unknown', status: 404, durationMs: 0.02 },
];

async function promClientText(): Promise<string> {
  const registry = new Registry();
  const requests = new Counter({
    name: 'b24_requests_total',
    help: 'REST requests answered, by method and HTTP status',
    labelNames: ['method', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'b24_request_duration_seconds',
    help: 'Time from a REST request arriving to its answer, by method',
    labelNames: ['method'],
    buckets: [...LATENCY_BUCKETS],
    registers: [registry],
  });
  for (const r of records) {
    requests.labels(r.method, String(r.status)).inc();
    latency.labels(r.method).observe(r.durationMs / 1000);
  }
  return registry.metrics();
}

describe('request metrics', () => {
  it("render as prom-client's own Counter and Histogram would, bucket bounds included", async () => {
    const store = { read: async () => 0, commitTally: () => undefined } as unknown as Store;
    const metrics = new Metrics(store);
    for (const r of records) metrics.observe(r);
    const ours = (await metrics.render()).split('\n').filter((line) => !line.includes('b24_outbox_depth'));
    const theirs = (await promClientText()).split('\n');
    expect(ours.filter(Boolean)).toEqual(theirs.filter(Boolean));
    // A request exactly on a bound counts in that bucket (le: less than or equal).
    expect(ours).toContain('b24_request_duration_seconds_bucket{le="0.001",method="booking.v1.waitlist.add"} 2');
    expect(ours).toContain('b24_request_duration_seconds_bucket{le="2.5",method="booking.v1.waitlist.get"} 1');
    expect(ours).toContain('b24_request_duration_seconds_bucket{le="+Inf",method="booking.v1.waitlist.get"} 2');
  });
});
