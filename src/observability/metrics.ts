/**
 * Prometheus metrics (prom-client): requests by method and status, their latency, the outbox
 * depth, and on SQLite the commits and the writes they held. Each server has its own registry, so several servers in one process (test
 * suites) keep their own counts.
 */
import { Gauge, type Metric, Registry } from 'prom-client';
import type { Store } from '../store/store.js';

export interface RequestRecord {
  /** The REST method as declared (`booking.v1.waitlist.add`), `unknown`, or a non-REST route. */
  method: string;
  status: number;
  durationMs: number;
  userId?: number;
  /** The id of the fault rule that fired on the request (src/faults/). */
  fault?: number;
}

/** Upper bounds of the latency buckets, seconds. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;

/** One method's answers since the start. */
interface MethodTally {
  /** Answers by HTTP status. */
  readonly statuses: Map<number, number>;
  /** Per latency bucket, not cumulative; the last one is above every bound (+Inf). */
  readonly buckets: number[];
  sum: number;
  count: number;
}

/** A metric as prom-client's registry renders it: what its own metrics' `get()` give. */
interface MetricValue {
  metricName: string;
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  value: number;
}

/**
 * A metric of ours in a prom-client registry: rendered by prom-client, counted by us. Its own
 * Counter and Histogram hash and validate their labels on every call, children included, which
 * cost about 0.8 µs a request (measured): a tenth of a small read's whole server time.
 */
function tallied(name: string, help: string, type: 'counter' | 'histogram', values: () => MetricValue[]): Metric {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
    reset: () => {},
  };
  return metric as unknown as Metric;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly tallies = new Map<string, MethodTally>();

  constructor(store: Store) {
    this.registry.registerMetric(
      tallied('b24_requests_total', 'REST requests answered, by method and HTTP status', 'counter', () =>
        this.requestValues(),
      ),
    );
    this.registry.registerMetric(
      tallied(
        'b24_request_duration_seconds',
        'Time from a REST request arriving to its answer, by method',
        'histogram',
        () => this.latencyValues(),
      ),
    );
    const commits = store.commitTally();
    if (commits !== undefined) {
      // Group commit (SQLite): writes over commits is how many writes a commit held on average.
      this.registry.registerMetric(
        tallied('b24_sqlite_commits_total', 'SQLite write transactions committed', 'counter', () => [
          { metricName: 'b24_sqlite_commits_total', labels: {}, value: commits.commits },
        ]),
      );
      this.registry.registerMetric(
        tallied(
          'b24_sqlite_committed_writes_total',
          'Writes committed on SQLite; writes arriving together share one commit',
          'counter',
          () => [{ metricName: 'b24_sqlite_committed_writes_total', labels: {}, value: commits.writes }],
        ),
      );
    }
    new Gauge({
      name: 'b24_outbox_depth',
      help: 'Events recorded and not yet delivered',
      registers: [this.registry],
      async collect() {
        this.set(await store.read(({ outbox }) => outbox.depth()));
      },
    });
  }

  observe(record: RequestRecord): void {
    let tally = this.tallies.get(record.method);
    if (tally === undefined) {
      tally = { statuses: new Map(), buckets: new Array(LATENCY_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      this.tallies.set(record.method, tally);
    }
    tally.statuses.set(record.status, (tally.statuses.get(record.status) ?? 0) + 1);
    const seconds = record.durationMs / 1000;
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > (LATENCY_BUCKETS[bucket] as number)) bucket++;
    tally.buckets[bucket] = (tally.buckets[bucket] as number) + 1;
    tally.sum += seconds;
    tally.count++;
  }

  private requestValues(): MetricValue[] {
    const values: MetricValue[] = [];
    for (const [method, tally] of this.tallies) {
      for (const [status, count] of tally.statuses) {
        values.push({ metricName: 'b24_requests_total', labels: { method, status }, value: count });
      }
    }
    return values;
  }

  /** Cumulative buckets, then sum and count, each method's as prom-client's Histogram lists them. */
  private latencyValues(): MetricValue[] {
    const name = 'b24_request_duration_seconds';
    const values: MetricValue[] = [];
    for (const [method, tally] of this.tallies) {
      const sharedLabels = { method };
      let below = 0;
      LATENCY_BUCKETS.forEach((le, i) => {
        below += tally.buckets[i] as number;
        values.push({ metricName: `${name}_bucket`, labels: { le }, sharedLabels, value: below });
      });
      values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf' }, sharedLabels, value: tally.count });
      values.push({ metricName: `${name}_sum`, labels: {}, sharedLabels, value: tally.sum });
      values.push({ metricName: `${name}_count`, labels: {}, sharedLabels, value: tally.count });
    }
    return values;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
