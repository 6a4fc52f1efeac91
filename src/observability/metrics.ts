/**
 * Prometheus metrics (prom-client): requests by method and status, their latency, and the
 * outbox depth. Each server has its own registry, so several servers in one process (test
 * suites) keep their own counts.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../store/store.js';

export interface RequestRecord {
  /** The REST method as declared (`booking.v1.waitlist.add`), `unknown`, or a non-REST route. */
  method: string;
  status: number;
  durationMs: number;
  userId?: number;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'status'>;
  private readonly latency: Histogram<'method'>;

  constructor(store: Store) {
    this.requests = new Counter({
      name: 'b24_requests_total',
      help: 'REST requests answered, by method and HTTP status',
      labelNames: ['method', 'status'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'b24_request_duration_seconds',
      help: 'Time from a REST request arriving to its answer, by method',
      labelNames: ['method'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    new Gauge({
      name: 'b24_outbox_depth',
      help: 'Events recorded and not yet delivered',
      registers: [this.registry],
      async collect() {
        this.set(await store.read(({ outbox }) => outbox.depth()));
      },
    });
  }

  // Label lookups hash their labels on every call; the children are kept instead.
  private readonly counters = new Map<string, Counter.Internal>();
  private readonly timers = new Map<string, Histogram.Internal<'method'>>();

  observe(record: RequestRecord): void {
    const key = `${record.method} ${record.status}`;
    let counter = this.counters.get(key);
    if (counter === undefined) {
      counter = this.requests.labels(record.method, String(record.status));
      this.counters.set(key, counter);
    }
    counter.inc();
    let timer = this.timers.get(record.method);
    if (timer === undefined) {
      timer = this.latency.labels(record.method);
      this.timers.set(record.method, timer);
    }
    timer.observe(record.durationMs / 1000);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
