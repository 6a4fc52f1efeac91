/**
 * The delivery worker, in the server process and off the request path: it polls the database
 * (every `pollMs`, at once again while tries run or a full batch waits), fans new outbox entries out to
 * their handlers, and POSTs due deliveries, at most `concurrency` at a time and `perHandler` to
 * one handler (one that never answers holds only its share), in Bitrix24's
 * form encoding. Every try is counted in the database before it is made and leased for the
 * timeout, so a crash or `kill -9` delays a delivery but never drops it; several processes on
 * one PostgreSQL claim disjoint rows (`FOR UPDATE SKIP LOCKED`). A failed try is due again
 * after `backoffMs`, doubling, until `maxAttempts` tries: then it is given up on and listed by
 * `b24-booking events failed`.
 */
import { setMaxListeners } from 'node:events';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Clock } from '../clock.js';
import { phpHttpBuildQuery } from '../rest/php.js';
import type { ClaimedDelivery } from '../store/repositories/event-deliveries.js';
import type { Store } from '../store/store.js';
import { eventScope } from './catalog.js';
import { FAN_OUT_BATCH, fanOut } from './fan-out.js';
import { HandlerAuth } from './handler-auth.js';

export interface DeliverySettings {
  /** How long a handler may take to answer, ms. */
  timeoutMs: number;
  /** Tries before a delivery is given up on. */
  maxAttempts: number;
  /** Wait before the second try, ms; it doubles for each try after. */
  backoffMs: number;
  /** POSTs in flight at once. */
  concurrency: number;
  /** POSTs in flight at once to one handler, so one that hangs holds only its share. */
  perHandler: number;
  /** How often an idle worker looks for work, ms. */
  pollMs: number;
}

export const DEFAULT_DELIVERY: DeliverySettings = {
  timeoutMs: 5000,
  maxAttempts: 5,
  backoffMs: 1000,
  concurrency: 16,
  perHandler: 4,
  pollMs: 50,
};

/** A lease outlives the timeout by this much, so a slow try is never taken twice at once. */
const LEASE_MARGIN_MS = 2000;

/** The wait after the `attempt`-th failed try. */
export function backoff(settings: DeliverySettings, attempt: number): number {
  return settings.backoffMs * 2 ** (attempt - 1);
}

interface Outcome {
  ok: boolean;
  error: string;
}

/** A finished try waiting to be written, with the next pass's other outcomes, in one transaction. */
interface Finished {
  delivery: ClaimedDelivery;
  outcome: Outcome;
}

export class DeliveryWorker {
  private readonly auth: HandlerAuth;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly perHandler = new Map<number, number>();
  private finished: Finished[] = [];
  private readonly stopping = new AbortController();
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    baseUrl: string,
    private readonly settings: DeliverySettings,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.auth = new HandlerAuth(store, baseUrl);
    // Every POST in flight listens to it.
    setMaxListeners(0, this.stopping.signal);
  }

  start(): void {
    this.schedule(0);
  }

  /** Stops polling, cuts the tries in flight (they are due again after their lease), and waits. */
  async stop(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await Promise.allSettled([...this.inFlight]);
    // Tries that finished before the stop are written, so a clean restart does not repeat them.
    await this.record(Date.now()).catch(this.onError);
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private schedule(delay: number): void {
    if (this.stopping.signal.aborted) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, delay);
  }

  /** Runs a pass now, unless one is running (it schedules the next itself). */
  private wake(): void {
    if (this.running === undefined) this.schedule(0);
  }

  /**
   * One pass. The next comes at once only while work is known to wait (a full batch of entries,
   * deliveries started or finished); otherwise after `pollMs`. Under a stream of writes without
   * handlers, passes back to back cost two write transactions each for a few entries (measured:
   * about 40 µs of server CPU per write, a sixth of a wait-list write); at `pollMs` one pass
   * marks them all.
   */
  private async tick(): Promise<void> {
    let busy = false;
    try {
      const wall = Date.now();
      busy = (await this.record(wall)) > 0;
      busy = (await fanOut(this.store, wall)) === FAN_OUT_BATCH || busy;
      busy = (await this.claim(wall)) > 0 || busy;
    } catch (error) {
      if (!this.stopping.signal.aborted) this.onError(error);
    }
    this.schedule(busy ? 0 : this.settings.pollMs);
  }

  /** Claims as many due deliveries as there are free slots and starts them. */
  private async claim(wall: number): Promise<number> {
    const free = this.settings.concurrency - this.inFlight.size;
    if (free <= 0 || this.stopping.signal.aborted) return 0;
    const lease = wall + this.settings.timeoutMs + LEASE_MARGIN_MS;
    const room = (handlerId: number) => this.settings.perHandler - (this.perHandler.get(handlerId) ?? 0);
    // A read first: the write transaction (the write lock, on SQLite) only when a try is due.
    if (!(await this.store.read(({ eventDeliveries }) => eventDeliveries.anyDue(wall)))) return 0;
    const claimed = await this.store.write(({ eventDeliveries }) => eventDeliveries.claimDue(wall, free, lease, room));
    for (const delivery of claimed) {
      const handlerId = delivery.handlerId;
      this.perHandler.set(handlerId, (this.perHandler.get(handlerId) ?? 0) + 1);
      const running: Promise<void> = this.deliver(delivery)
        .catch((error: unknown) => {
          if (!this.stopping.signal.aborted) this.onError(error);
        })
        .finally(() => {
          this.inFlight.delete(running);
          const left = (this.perHandler.get(handlerId) ?? 1) - 1;
          if (left > 0) this.perHandler.set(handlerId, left);
          else this.perHandler.delete(handlerId);
          this.wake();
        });
      this.inFlight.add(running);
    }
    return claimed.length;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const now = this.clock.now();
    const event = delivery.event.toUpperCase();
    const body = phpHttpBuildQuery({
      event,
      event_handler_id: delivery.handlerId,
      data: delivery.data,
      ts: Math.floor(now / 1000),
      auth: await this.auth.block(delivery.appId, delivery.userId, eventScope(event) ?? '', now),
    });
    const outcome = await this.post(delivery.handler, body);
    // A try cut by shutdown is not counted as failed: its lease runs out and it is tried again.
    if (!this.stopping.signal.aborted) this.finished.push({ delivery, outcome });
  }

  /**
   * Writes the outcomes of the tries finished since the last pass, in one transaction. One not
   * written before a crash is tried again when its lease ends (at least once, never lost).
   */
  private async record(wall: number): Promise<number> {
    const finished = this.finished;
    if (finished.length === 0) return 0;
    this.finished = [];
    await this.store.write(async ({ eventDeliveries }) => {
      await eventDeliveries.delivered(
        finished.filter((f) => f.outcome.ok).map((f) => f.delivery.id),
        wall,
      );
      for (const { delivery, outcome } of finished) {
        if (outcome.ok) continue;
        const last = delivery.attempt >= this.settings.maxAttempts;
        await eventDeliveries.failedTry(
          delivery.id,
          outcome.error,
          wall,
          last ? undefined : wall + backoff(this.settings, delivery.attempt),
        );
      }
    });
    return finished.length;
  }

  /** One POST; any 2xx answer within the timeout is a delivery. */
  private post(url: string, body: string): Promise<Outcome> {
    const target = new URL(url);
    const https = target.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    return new Promise<Outcome>((resolve) => {
      const req = send(
        target,
        {
          method: 'POST',
          agent: https ? this.agents.https : this.agents.http,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'Bitrix24 Webhook Engine',
          },
          timeout: this.settings.timeoutMs,
          signal: this.stopping.signal,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            resolve({ ok: status >= 200 && status < 300, error: `HTTP ${status}` });
          });
          res.on('error', (error) => resolve({ ok: false, error: error.message }));
        },
      );
      // `timeout` is idle time on the socket; the whole exchange gets the same bound.
      const deadline = setTimeout(
        () => req.destroy(new Error(`no answer within ${this.settings.timeoutMs} ms`)),
        this.settings.timeoutMs,
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.settings.timeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, error: error.code ?? error.message }));
      req.on('close', () => clearTimeout(deadline));
      req.end(body);
    });
  }
}
