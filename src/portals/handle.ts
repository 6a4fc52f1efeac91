/**
 * A portal as a test suite holds it from `startServer()`: the admin API's per-portal routes as
 * methods (reset, snapshots, seed, clock, settings, applications, fault rules, remove), acting on the portal
 * directly.
 */
import { applySeed, type SeedResult } from '../devtools/seed.js';
import { type FaultRuleView, faultsOf } from '../faults/faults.js';
import { parseFaultRule } from '../faults/rules.js';
import type { JournalEntry } from '../journal/entry.js';
import type { JournalFilter } from '../journal/filter.js';
import type { Journal } from '../journal/journal.js';
import { loadSnapshot, resetState, saveSnapshot } from '../store/state.js';
import type { Portal, PortalInfo, Portals } from './portals.js';

export interface PortalHandle {
  readonly name: string;
  /** The URL of the webhook made or given first when the portal was created (unknown otherwise). */
  readonly webhookUrl: string | undefined;
  reset(): Promise<void>;
  snapshot(name: string): Promise<void>;
  /** Returns to a saved snapshot; false when there is none of that name. */
  load(name: string): Promise<boolean>;
  /** A seed document, as `POST /_admin/portals/NAME/seed` takes it (already parsed). */
  seed(document: unknown): Promise<SeedResult>;
  readonly clock: { set(iso: string): Promise<void>; advance(seconds: number): Promise<void> };
  settings(changes: Record<string, unknown>): Promise<PortalInfo>;
  /**
   * Registers an OAuth application in the portal, as `POST /_admin/portals/NAME/apps`: what
   * `b24-booking app add` prints (client id and secret, application token).
   */
  addApp(app: { name: string; scopes?: string[]; handler?: string }): ReturnType<Portals['addApp']>;
  /** The portal's fault rules, as `/_admin/portals/NAME/faults` (a refused rule throws, and nothing is stored). */
  readonly faults: {
    add(rule: Record<string, unknown>): Promise<FaultRuleView>;
    list(): Promise<FaultRuleView[]>;
    remove(id: number): Promise<void>;
    /** Removes every rule; how many there were. */
    clear(): Promise<number>;
  };
  remove(): Promise<void>;
  /**
   * The portal's journal, oldest first, as `GET /_admin/portals/NAME/journal` answers it: the
   * filter's `method` is a glob, `status` a status or a class (`4xx`), `since` an id (exclusive),
   * `limit` the newest N. A malformed filter throws a FilterError.
   */
  journal(filter?: JournalFilter): Promise<JournalEntry[]>;
  /** Empties the portal's journal (ids go on counting). */
  clearJournal(): Promise<void>;
}

export function portalHandle(portals: Portals, journal: Journal, name: string, webhookUrl?: string): PortalHandle {
  const portal = () => portals.require(name);
  const store = async (p?: Portal) => (p ?? (await portal())).platform.store;
  return {
    name,
    webhookUrl,
    reset: async () => resetState(await store()),
    snapshot: async (snapshot) => {
      const p = await portal();
      await saveSnapshot(p.platform.store, snapshot, p.platform.clock.now());
    },
    load: async (snapshot) => loadSnapshot(await store(), snapshot),
    seed: async (document) => applySeed((await portal()).platform, document),
    clock: {
      set: async (iso) => {
        await portals.setClock(name, { at: Date.parse(iso) });
      },
      advance: async (seconds) => {
        await portals.setClock(name, { advanceMs: seconds * 1000 });
      },
    },
    settings: (changes) => portals.updateSettings(name, changes),
    addApp: (app) => portals.addApp(name, app),
    faults: {
      add: async (rule) => {
        const parsed = parseFaultRule(rule);
        const { platform } = await portal();
        return faultsOf(platform.store).add(parsed, platform.clock.now());
      },
      list: async () => faultsOf(await store()).list(),
      remove: async (id) => faultsOf(await store()).remove(id),
      clear: async () => faultsOf(await store()).clear(),
    },
    remove: () => portals.remove(name),
    journal: async (filter = {}) => {
      await portal();
      return (await journal.read(name, filter)).map((line) => JSON.parse(line.text) as JournalEntry);
    },
    clearJournal: async () => {
      await portal();
      await journal.clear(name);
    },
  };
}
