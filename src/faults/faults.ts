/**
 * A portal's fault rules at work: which rule a call meets, and what meeting it does to the call.
 * The rules live in the portal's database (every process sharing it sees them, and their
 * counters); each process keeps them in memory and reads them again only when they may have
 * changed, so a portal without rules costs a call nothing but a look at that copy.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { RestError } from '../rest/errors.js';
import type { MethodOutcome } from '../rest/registry.js';
import type { FaultRuleRow } from '../store/repositories/faults.js';
import type { Store } from '../store/store.js';
import { type FaultRule, FaultRuleError, faultError, globPattern, seededDraw } from './rules.js';

/** A rule as the admin API answers it: its id, the rule, how often it fired. */
export type FaultRuleView = { id: number } & FaultRule & { fired: number };

/** A rule that fired on a call. */
export interface FiredFault {
  readonly id: number;
  readonly rule: FaultRule;
}

/**
 * A call whose fault is a dropped connection: the transport closes it without an answer. Not a
 * RestError, so nothing on the way (a `batch` command) turns it into one.
 */
export class ConnectionDropped extends Error {
  constructor(readonly fault: number) {
    super(`Fault rule ${fault} dropped the connection`);
  }
}

/**
 * How often a process looks for rules changed by another process. SQLite: its `data_version`,
 * each millisecond at most (read on every call it cost a quarter of a small read's platform
 * step, 2.7 of 8.5 µs); a change is seen within that millisecond. PostgreSQL has no such sign:
 * the rules are read again each second.
 */
const CHECK_SQLITE_MS = 1;
const CHECK_POSTGRES_MS = 1000;

interface LoadedRule extends FiredFault {
  readonly pattern: RegExp;
  /** False once the rule is known to be spent or removed: it is passed over from then on. */
  live: boolean;
}

const rulesOfStore = new WeakMap<Store, PortalFaults>();

/** The fault rules of the portal whose store this is: one copy per store, whatever holds it. */
export function faultsOf(store: Store): PortalFaults {
  let faults = rulesOfStore.get(store);
  if (faults === undefined) {
    faults = new PortalFaults(store);
    rulesOfStore.set(store, faults);
  }
  return faults;
}

export class PortalFaults {
  private rules: LoadedRule[] = [];
  /** Moves with every change this process makes; the copy is good while it holds the same. */
  private generation = 0;
  private loadedGeneration = -1;
  /** SQLite: the data_version the copy was read at. */
  private loadedVersion: number | undefined;
  /** When another process's change was last looked for (performance.now()). */
  private checkedAt = Number.NEGATIVE_INFINITY;
  /** Another process may have changed the rules since the copy was read. */
  private outdated = true;
  private readonly checkEveryMs: number;
  private loading: Promise<void> | undefined;

  constructor(private readonly store: Store) {
    this.checkEveryMs = store.othersCommitted() === undefined ? CHECK_POSTGRES_MS : CHECK_SQLITE_MS;
  }

  /** Whether a rule may fire on a call of `method`; false, at no cost, while the portal has none. */
  mayFire(method: string): boolean {
    if (this.stale()) return true;
    for (const rule of this.rules) if (rule.live && rule.pattern.test(method)) return true;
    return false;
  }

  /** The first rule (oldest first) that matches `method` and fires, counted as fired. */
  async fire(method: string): Promise<FiredFault | undefined> {
    if (this.stale()) await this.load();
    for (const rule of this.rules) {
      if (rule.live && rule.pattern.test(method) && (await this.tryFire(rule))) return rule;
    }
    return undefined;
  }

  async list(): Promise<FaultRuleView[]> {
    const rows = await this.store.read(({ faultRules }) => faultRules.list());
    return rows.map(viewOf);
  }

  async get(id: number): Promise<FaultRuleView> {
    const row = (await this.list()).find((rule) => rule.id === id);
    if (row === undefined) throw unknownRule(id);
    return row;
  }

  async add(rule: FaultRule, now: number): Promise<FaultRuleView> {
    const row = await this.store.write(({ faultRules }) =>
      faultRules.insert(JSON.stringify(rule), rule.times ?? null, now),
    );
    this.changed();
    return viewOf(row);
  }

  async remove(id: number): Promise<void> {
    const removed = await this.store.write(({ faultRules }) => faultRules.remove(id));
    this.changed();
    if (!removed) throw unknownRule(id);
  }

  /** Removes every rule; how many there were. */
  async clear(): Promise<number> {
    const removed = await this.store.write(({ faultRules }) => faultRules.clear());
    this.changed();
    return removed;
  }

  private changed(): void {
    this.generation++;
    this.loading = undefined;
  }

  private stale(): boolean {
    if (this.outdated || this.loadedGeneration !== this.generation) return true;
    const now = performance.now();
    if (now - this.checkedAt < this.checkEveryMs) return false;
    this.checkedAt = now;
    const version = this.store.othersCommitted();
    this.outdated = version === undefined || version !== this.loadedVersion;
    return this.outdated;
  }

  private load(): Promise<void> {
    if (this.loading === undefined) {
      const loading = this.read().finally(() => {
        // A change meanwhile may have started a newer read: that one stays.
        if (this.loading === loading) this.loading = undefined;
      });
      this.loading = loading;
    }
    return this.loading;
  }

  private async read(): Promise<void> {
    const generation = this.generation;
    // Taken before the read: a commit that lands during it makes the copy stale again.
    const version = this.store.othersCommitted();
    const at = performance.now();
    const rows = await this.store.read(({ faultRules }) => faultRules.list());
    // A change made meanwhile by this process is read by the next call.
    if (generation !== this.generation) return;
    this.rules = rows.map((row) => {
      const rule = JSON.parse(row.rule) as FaultRule;
      return { id: row.id, rule, pattern: globPattern(rule.method), live: row.times === null || row.fired < row.times };
    });
    this.loadedGeneration = generation;
    this.loadedVersion = version;
    this.checkedAt = at;
    this.outdated = false;
  }

  /**
   * Draws the rule's chance (the next number of its seeded sequence, when it has a seed) and
   * counts the firing; each in one atomic statement that finds nothing once the rule is spent
   * or removed, by this process or another.
   */
  private async tryFire(rule: LoadedRule): Promise<boolean> {
    const { probability, seed, times } = rule.rule;
    if (probability < 1) {
      const draw = await this.store.autocommit(({ faultRules }) => faultRules.draw(rule.id));
      if (draw === undefined) return this.spent(rule);
      const chance = seed === undefined ? Math.random() : seededDraw(seed, draw - 1);
      if (chance >= probability) return false;
    }
    const fired = await this.store.autocommit(({ faultRules }) => faultRules.fire(rule.id));
    if (fired === undefined) return this.spent(rule);
    if (times !== undefined && fired >= times) rule.live = false;
    return true;
  }

  private spent(rule: LoadedRule): false {
    rule.live = false;
    return false;
  }
}

function viewOf(row: FaultRuleRow): FaultRuleView {
  return { id: row.id, ...(JSON.parse(row.rule) as FaultRule), fired: row.fired };
}

const unknownRule = (id: number | string) =>
  new FaultRuleError(404, 'FAULT_NOT_FOUND', `No fault rule with id ${JSON.stringify(id)}`);

/** A rule id as a path gives it (`/faults/ID`); anything but a rule id's digits names no rule. */
export function ruleIdOf(text: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(text)) throw unknownRule(text);
  return Number(text);
}

/**
 * Runs a call under the fault that fired on it. Before the method (the default): the delay,
 * then the error or the dropped connection in place of running it, so nothing changes; a rule
 * with only a delay lets the method run after it. With `after: "commit"`: the method runs (and
 * commits) first, then the delay, then its answer, whatever it was, is replaced.
 */
export async function underFault(fault: FiredFault, run: () => Promise<MethodOutcome>): Promise<MethodOutcome> {
  const { rule } = fault;
  // After the commit: the method's answer, its own refusal included, is what the fault replaces.
  const answer = rule.after === 'commit' ? await settle(run) : undefined;
  if (rule.latencyMs !== undefined) await sleep(rule.latencyMs);
  if (rule.error !== undefined) throw marked(faultError(rule.error), fault);
  if (rule.drop) throw new ConnectionDropped(fault.id);
  const settled = answer ?? (await settle(run));
  if ('refusal' in settled) throw marked(settled.refusal, fault);
  settled.outcome.fault = fault.id;
  return settled.outcome;
}

/** A method's answer or its refusal (a RestError); anything else is a failure, thrown on. */
async function settle(run: () => Promise<MethodOutcome>): Promise<{ outcome: MethodOutcome } | { refusal: RestError }> {
  try {
    return { outcome: await run() };
  } catch (error) {
    if (error instanceof RestError) return { refusal: error };
    throw error;
  }
}

function marked(error: RestError, fault: FiredFault): RestError {
  error.fault = fault.id;
  return error;
}
