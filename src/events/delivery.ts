/**
 * The delivery worker, in the server process and off the request path: it polls the database
 * (every `pollMs`, at once again while tries run or a full batch waits), fans new outbox entries
 * out to their handlers, and POSTs due deliveries in Bitrix24's form encoding: at most
 * `concurrency` at a time, `perApp` for one application's handlers and `perHandler` to one
 * handler, the applications taking turns, so handlers that never answer hold only their
 * application's share. A handler whose try fails is backed off as a whole: its other waiting
 * deliveries wait as long, and then one try at a time goes to it until one succeeds, so a dead
 * handler holds one slot instead of one per queued event. Requests go first: while the server
 * is saturated with them (requests in flight or received since the last pass, and the event
 * loop busy most of the time since), a pass fans out and starts at most `whileBusy` entries and
 * tries and the next waits `pollMs`, so a stream of writes that each call for ten POSTs is not
 * slowed to the speed of the POSTs, nor by writing ten delivery rows each; the backlog waits in
 * the outbox and drains when the load drops. Every try is counted in the database
 * before it is made and leased for the timeout, so a crash or `kill -9` delays a delivery but
 * never drops it; several processes on one PostgreSQL claim disjoint rows (`FOR UPDATE SKIP
 * LOCKED`). A failed try is due again after `backoffMs`, doubling, until `maxAttempts` tries:
 * then it is given up on and listed by `b24-booking events failed`. Each POST connects only to
 * an address the handler rule allows (handler-address.ts), checked when it connects.
 */
import { setMaxListeners } from 'node:events';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import type { Clock } from '../clock.js';
import type { CredentialIndex } from '../rest/auth.js';
import { phpHttpBuildQuery } from '../rest/php.js';
import type { ClaimedDelivery } from '../store/repositories/event-deliveries.js';
import type { Store } from '../store/store.js';
import { eventScope } from './catalog.js';
import { pickFairly } from './fair-claim.js';
import { FAN_OUT_BATCH, fanOut } from './fan-out.js';
import type { HandlerAddressPolicy } from './handler-address.js';
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
  /**
   * POSTs in flight at once for one application's handlers, so one whose handlers hang leaves
   * slots to the others. Default: the larger of half of `concurrency` and all of it but one
   * handler's share (12 of 16: another application's handler always finds its full share, and
   * one application alone still drains its backlog with most of the slots).
   */
  perApp?: number;
  /** How often an idle worker looks for work, ms. */
  pollMs: number;
  /** Tries a pass may start while the server is saturated with requests (one pass every `pollMs`). */
  whileBusy: number;
}

export const DEFAULT_DELIVERY: DeliverySettings = {
  timeoutMs: 5000,
  maxAttempts: 5,
  backoffMs: 1000,
  concurrency: 16,
  perHandler: 4,
  pollMs: 50,
  whileBusy: 2,
};

/** The event loop's share of busy time above which requests mean the server is saturated. */
const SATURATED = 0.8;

/** What the worker sees of the server's requests. */
export interface RequestLoad {
  /** Requests being answered now. */
  inFlight(): number;
  /** Requests received since the server started. */
  received(): number;
}

const NO_REQUESTS: RequestLoad = { inFlight: () => 0, received: () => 0 };

/** A lease outlives the timeout by this much, so a slow try is never taken twice at once. */
const LEASE_MARGIN_MS = 2000;

/** The wait after the `attempt`-th failed try. */
export function backoff(settings: DeliverySettings, attempt: number): number {
  return settings.backoffMs * 2 ** (attempt - 1);
}

interface Outcome {
  ok: boolean;
  error: string;
  /** The handler's answer's status; absent when no answer came. */
  status?: number;
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
  private readonly perApp = new Map<number, number>();
  /** Handlers whose last try failed: none of theirs is tried before `until`, then one at a time. */
  private readonly failing = new Map<number, { until: number }>();
  private readonly appShare: number;
  private finished: Finished[] = [];
  private readonly stopping = new AbortController();
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** A try finished while a pass ran: the next pass comes at once. */
  private wokenWhileRunning = false;
  /** The event loop's times at the last pass, to see how busy it was since. */
  private loopAtLastPass: EventLoopUtilization = performance.eventLoopUtilization();
  /** Whether the last pass found the server saturated with requests. */
  private yielding = false;
  /** Requests received by the last pass. */
  private requestsAtLastPass = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    baseUrl: string,
    private readonly settings: DeliverySettings,
    private readonly handlerUrls: HandlerAddressPolicy,
    private readonly onError: (error: unknown) => void = () => {},
    /** A portal other than `default`: where the tokens its handlers get are recorded. */
    credentialIndex?: CredentialIndex,
    /** The server's requests (none: the worker never yields to them). */
    private readonly requests: RequestLoad = NO_REQUESTS,
  ) {
    this.auth = new HandlerAuth(store, baseUrl, credentialIndex);
    this.appShare =
      settings.perApp ?? Math.max(1, Math.ceil(settings.concurrency / 2), settings.concurrency - settings.perHandler);
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

  /**
   * Runs a pass now, unless requests go first; while one runs, the next comes at once after it. A
   * pass spans turns of the event loop (its writes are answered at their group's commit,
   * src/store/sqlite-direct.ts), so tries finish during it; left to the poll, each of those would
   * cost a wait of `pollMs`.
   */
  private wake(): void {
    if (this.running === undefined && !this.yielding) this.schedule(0);
    else if (this.running !== undefined) this.wokenWhileRunning = true;
  }

  /**
   * Whether requests came since the last pass (or are in flight) and the event loop was busy most
   * of the time since. Requests received count, not only those in flight: under a steady stream
   * of writes, passes run between one group's answers and the next requests' bytes, when none is
   * in flight (measured: 0 in flight at nearly every pass of 16 clients writing flat out).
   */
  private saturated(): boolean {
    const now = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(now, this.loopAtLastPass);
    this.loopAtLastPass = now;
    const received = this.requests.received();
    const came = received !== this.requestsAtLastPass;
    this.requestsAtLastPass = received;
    return (came || this.requests.inFlight() > 0) && since.utilization > SATURATED;
  }

  /**
   * One pass. The next comes at once only while work is known to wait (a full batch of entries,
   * deliveries started or finished); otherwise after `pollMs`. Under a stream of writes without
   * handlers, passes back to back cost two write transactions each for a few entries (measured:
   * about 40 µs of server CPU per write, a sixth of a wait-list write); at `pollMs` one pass
   * marks them all.
   */
  private async tick(): Promise<void> {
    this.wokenWhileRunning = false;
    let busy = false;
    this.yielding = this.saturated();
    try {
      const wall = Date.now();
      busy = (await this.record(wall)) > 0;
      // While requests go first, only as many entries as the tries a pass may start: the rest
      // wait in the outbox, one row each, instead of becoming a delivery row per handler now.
      const batch = this.yielding ? this.settings.whileBusy : FAN_OUT_BATCH;
      busy = (await fanOut(this.store, wall, batch)) === batch || busy;
      busy = (await this.claim(wall)) > 0 || busy;
    } catch (error) {
      if (!this.stopping.signal.aborted) this.onError(error);
    }
    this.schedule((busy || this.wokenWhileRunning) && !this.yielding ? 0 : this.settings.pollMs);
  }

  /** How many more tries may go to this handler now. */
  private handlerRoom(handlerId: number, wall: number): number {
    const inFlight = this.perHandler.get(handlerId) ?? 0;
    const failing = this.failing.get(handlerId);
    if (failing === undefined) return this.settings.perHandler - inFlight;
    return failing.until > wall ? 0 : 1 - inFlight;
  }

  private appRoom(appId: number): number {
    return this.appShare - (this.perApp.get(appId) ?? 0);
  }

  /** Claims as many due deliveries as there are free slots and starts them. */
  private async claim(wall: number): Promise<number> {
    const slots = this.settings.concurrency - this.inFlight.size;
    const free = this.yielding ? Math.min(slots, this.settings.whileBusy) : slots;
    if (free <= 0 || this.stopping.signal.aborted) return 0;
    const lease = wall + this.settings.timeoutMs + LEASE_MARGIN_MS;
    // A read first: the write transaction (the write lock, on SQLite) only when a try is due.
    if (!(await this.store.read(({ eventDeliveries }) => eventDeliveries.anyDue(wall)))) return 0;
    const skip = {
      handlers: [...new Set([...this.perHandler.keys(), ...this.failing.keys()])].filter(
        (id) => this.handlerRoom(id, wall) <= 0,
      ),
      apps: [...this.perApp.keys()].filter((id) => this.appRoom(id) <= 0),
    };
    const claimed = await this.store.write(({ eventDeliveries }) =>
      // Candidates beyond the free slots, so a handler at its share leaves room for the others.
      eventDeliveries.claimDue(wall, free * 4, lease, skip, (due) =>
        pickFairly(due, free, {
          handler: (id) => this.handlerRoom(id, wall),
          app: (id) => this.appRoom(id),
        }),
      ),
    );
    for (const delivery of claimed) {
      const { handlerId, appId } = delivery;
      count(this.perHandler, handlerId, 1);
      count(this.perApp, appId, 1);
      const running: Promise<void> = this.deliver(delivery)
        .catch((error: unknown) => {
          if (!this.stopping.signal.aborted) this.onError(error);
        })
        .finally(() => {
          this.inFlight.delete(running);
          count(this.perHandler, handlerId, -1);
          count(this.perApp, appId, -1);
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
    if (this.stopping.signal.aborted) return;
    // At once, not when the outcome is written: no further try of this handler is claimed meanwhile.
    if (outcome.ok) this.failing.delete(delivery.handlerId);
    else this.failing.set(delivery.handlerId, { until: Date.now() + backoff(this.settings, delivery.attempt) });
    this.finished.push({ delivery, outcome });
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
        finished.filter((f) => f.outcome.ok).map((f) => ({ id: f.delivery.id, status: f.outcome.status ?? 200 })),
        wall,
      );
      for (const { delivery, outcome } of finished) {
        if (outcome.ok) continue;
        const last = delivery.attempt >= this.settings.maxAttempts;
        const retryAt = wall + backoff(this.settings, delivery.attempt);
        const failure = { error: outcome.error, status: outcome.status };
        await eventDeliveries.failedTry(delivery.id, failure, wall, last ? undefined : retryAt);
        // In the database too, for the other processes and so that waiting rows are not due.
        await eventDeliveries.postponeHandler(delivery.handlerId, retryAt, wall);
      }
    });
    return finished.length;
  }

  /** One POST; any 2xx answer within the timeout is a delivery. */
  private post(url: string, body: string): Promise<Outcome> {
    const target = new URL(url);
    // Checked again at each POST: the rule may have changed since the bind, or the name's answer.
    const refusal = this.handlerUrls.refusalBeforeConnect(target);
    if (refusal !== undefined) return Promise.resolve({ ok: false, error: `handler address refused: ${refusal}` });
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
          lookup: this.handlerUrls.connectLookup(target),
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            resolve({ ok: status >= 200 && status < 300, error: `HTTP ${status}`, status });
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

/** Adds `delta` to a tally, dropping it at zero. */
function count(tally: Map<number, number>, key: number, delta: number): void {
  const n = (tally.get(key) ?? 0) + delta;
  if (n > 0) tally.set(key, n);
  else tally.delete(key);
}
