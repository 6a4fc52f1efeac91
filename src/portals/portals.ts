/**
 * Many isolated Bitrix24 accounts in one server. A portal is a database of its own (a SQLite
 * file under `<data>/portals/<name>/`, a database in memory, or on PostgreSQL a schema of its
 * own in the server's database, see `portalSchema`), with the same tables as the
 * default portal's: its records and id counters, webhooks, users, limits' counters and
 * snapshots cannot meet another portal's, and no query can forget a scope, because there is
 * none to forget. The default portal's database also holds each portal's row (name, member id,
 * settings, clock) and the directory of credentials (directory.ts). A portal's
 * events are delivered by a worker of its own, started only once it has a binding, so idle
 * portals cost nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdjustableClock, CLOCK_RANGE_TEXT, type Clock, isClockTime } from '../clock.js';
import { applySeed } from '../devtools/seed.js';
import { registerApp } from '../oauth/grants.js';
import { ensureUser } from '../platform/users.js';
import { type Credentials, callerKey, hashSecret } from '../rest/auth.js';
import type { Platform } from '../rest/dispatch.js';
import { migrations } from '../store/migrations/index.js';
import { DEFAULT_PORTAL_ROW, type PortalRow } from '../store/repositories/portals.js';
import type { WebhookRow } from '../store/repositories/webhooks.js';
import { copyDatabase, Store, type StoreOptions, sqliteFileOf } from '../store/store.js';
import type { WebhookSpec } from '../webhook-spec.js';
import { CredentialDirectory, CredentialTaken, credentialIndex, credentialKey } from './directory.js';
import type { PortalPeers } from './peers.js';
import { appRequest, isPortalName, PortalError, secretInUse, splitClock, webhookSpecs } from './requests.js';
import { mergeSettings, type PortalSettingsDocument } from './settings.js';

// Imported from here by the transport and the CLI.
export { PortalError };

export const DEFAULT_PORTAL = DEFAULT_PORTAL_ROW;

export interface Portal {
  readonly name: string;
  readonly memberId: string;
  settings: PortalSettingsDocument;
  /** The store, clock, settings and limits every call of this portal runs with. */
  platform: Platform;
  /** The delivery of its events, running while the portal is open and has (had) a binding. */
  delivery?: Stoppable;
}

export interface Stoppable {
  stop(): Promise<void>;
}

/** What a portal runs besides answering calls (src/server.ts). */
export interface PortalServices {
  /** Starts delivering the portal's events to its handlers. */
  startDelivery(portal: Portal): Stoppable;
  /** The portal was removed: what the server keeps of it elsewhere (its journal) goes too. */
  removed?(name: string): void;
}

/** What the admin API answers about a portal. */
export interface PortalInfo {
  name: string;
  /** The server's host; absent where it is not known (an offline command without `--url`). */
  domain?: string;
  memberId: string;
  settings: PortalSettingsDocument;
  /** URLs of the webhooks made or given when the portal was created (secrets are stored hashed). */
  webhookUrls?: string[];
}

export interface CreatePortalRequest {
  name?: unknown;
  /** A seed document (parsed JSON), applied to the new portal before it answers. */
  seed?: unknown;
  settings?: unknown;
  webhooks?: unknown;
}

/** How a portal's platform is put together from its store, clock and settings (src/server.ts). */
export type PlatformBuilder = (store: Store, clock: Clock, settings: PortalSettingsDocument) => Platform;

/**
 * Portal databases kept open at once; past it, those idle longest are closed (and opened again
 * on their next call, in a few milliseconds). An open SQLite portal costs about 0.8 MiB.
 */
const MAX_OPEN = 64;
/** A portal must have been idle this long to be closed, so no call in flight loses its store. */
const IDLE_BEFORE_CLOSE_MS = 30_000;
/**
 * How often the open portals' rows are read again, for settings, clocks and removals changed by
 * another process that shares the database and is not one of this server's workers (those tell
 * each other at once, see PortalPeers).
 */
const REFRESH_MS = 1000;
/** How often the directory drops entries of expired tokens. */
const PRUNE_MS = 10 * 60_000;

export class Portals {
  private readonly open = new Map<string, Promise<Portal | undefined>>();
  /** When each open portal was last asked for (performance.now()). */
  private readonly lastUsed = new Map<string, number>();
  /** The migrated empty database new SQLite portals are copied from, made once per process. */
  private template: Promise<string> | undefined;
  /** Which portal each portal platform handed out belongs to (the default portal's is not here). */
  private readonly names = new WeakMap<Platform, string>();
  /** With `--data :memory:`: a directory for this run's portals, removed at close. */
  private scratch: string | undefined;
  private readonly sweeper: NodeJS.Timeout;
  private readonly refresher: NodeJS.Timeout;
  private readonly pruner: NodeJS.Timeout;
  /** The other processes of this server, told of each change so their next call sees it. */
  private peers: PortalPeers | undefined;
  /** Which portal each credential belongs to. */
  private readonly directory = new CredentialDirectory(() => this.control);
  private closed = false;

  constructor(
    private readonly storeOptions: StoreOptions,
    readonly defaultPortal: Portal,
    /** The settings the `serve` flags give; a new portal starts from them. */
    private readonly defaults: PortalSettingsDocument,
    private readonly build: PlatformBuilder,
    /** The server's base URL, where every portal's webhooks are called ('' unknown: URLs are paths). */
    private readonly baseUrl: () => string,
    /** None: no portal but `default` delivers events (the default portal's worker is the server's). */
    private readonly services?: PortalServices,
    /** `--portal-domain`: each portal's domain is `<name>.<this>[:port]`. */
    private readonly portalDomain?: string,
  ) {
    this.sweeper = setInterval(() => void this.closeIdle().catch(() => {}), IDLE_BEFORE_CLOSE_MS / 3);
    this.sweeper.unref();
    this.refresher = setInterval(() => void this.refreshOpen().catch(() => {}), REFRESH_MS);
    this.refresher.unref();
    this.pruner = setInterval(() => void this.directory.pruneExpired().catch(() => {}), PRUNE_MS);
    this.pruner.unref();
  }

  /** From now on, each change made here is announced to these processes before it is answered. */
  connect(peers: PortalPeers): void {
    this.peers = peers;
  }

  private get control(): Store {
    return this.defaultPortal.platform.store;
  }

  info(portal: Pick<Portal, 'name' | 'memberId' | 'settings'>, webhookUrls?: string[]): PortalInfo {
    const info: PortalInfo = {
      name: portal.name,
      // Offline (the CLI without --url) there is no address to name.
      ...(this.baseUrl() === '' ? {} : { domain: this.domainOf(portal.name) }),
      memberId: portal.memberId,
      settings: portal.settings,
    };
    if (webhookUrls) info.webhookUrls = webhookUrls;
    return info;
  }

  /** Where a portal is reached: the server's address, or `<name>.<--portal-domain>` and its port. */
  domainOf(name: string): string {
    const base = new URL(this.baseUrl());
    if (this.portalDomain === undefined) return base.host;
    return `${name}.${this.portalDomain}${base.port === '' ? '' : `:${base.port}`}`;
  }

  /** The portal's base URL: `<protocol>//<domain>`, where its REST calls and OAuth are answered. */
  originOf(name: string): string {
    return `${new URL(this.baseUrl()).protocol}//${this.domainOf(name)}`;
  }

  /**
   * Where a client reaches the portal a platform belongs to, as OAuth answers and redirects name
   * it (`domain`, `client_endpoint`): with `--portal-domain`, `<name>.<that>`; otherwise the host
   * the request came to.
   */
  addressOf(platform: Platform, requested: { origin: string; host: string }): { origin: string; host: string } {
    if (this.portalDomain === undefined) return requested;
    const host = this.domainOf(this.nameOf(platform));
    return { origin: `${new URL(requested.origin).protocol}//${host}`, host };
  }

  /** The URL of a webhook of the portal. */
  private webhookUrl(name: string, spec: WebhookSpec): string {
    const path = `/rest/${spec.userId}/${spec.secret}/`;
    // Offline (the CLI without --url) a webhook is printed as its path, as `webhook add` prints it.
    const base = this.baseUrl();
    return base === '' ? path : `${new URL(base).protocol}//${this.domainOf(name)}${path}`;
  }

  async create(request: CreatePortalRequest, now: number): Promise<PortalInfo> {
    const name = request.name === undefined ? `p-${randomBytes(6).toString('hex')}` : request.name;
    if (!isPortalName(name)) {
      throw new PortalError(400, 'INVALID_PORTAL_NAME', 'A portal name is a DNS label: a-z, 0-9 and -, 1 to 63 long');
    }
    if (name === DEFAULT_PORTAL) throw new PortalError(409, 'PORTAL_EXISTS', 'The portal "default" always exists');
    const { clock, settings: given } = splitClock(request.settings);
    const settings = mergeSettings(this.defaults, given);
    const specs = webhookSpecs(request.webhooks);
    const row: PortalRow = {
      name,
      memberId: randomBytes(16).toString('hex'),
      settings: JSON.stringify(settings),
      createdAt: now,
      // A new portal runs on real time until its clock is set.
      clockOffset: clock === undefined ? 0 : clock - Date.now(),
    };
    if (!(await this.control.write(({ portals }) => portals.insert(row)))) {
      throw new PortalError(409, 'PORTAL_EXISTS', `A portal named "${name}" exists`);
    }
    let store: Store | undefined;
    try {
      for (const spec of specs) await this.claimSecret(spec.secret, name);
      // A new portal starts empty, whatever a removal cut short left under its name.
      await this.removeData(name);
      store = await this.openStore(name, true);
      await store.write(async (repos) => {
        // What OAuth answers and event payloads carry as member_id.
        await repos.portal.setting('member_id', () => row.memberId);
        for (const spec of specs) {
          await ensureUser(repos, spec.userId, now);
          await repos.webhooks.upsert(spec.userId, hashSecret(spec.secret), spec.scopes, now);
        }
      });
      if (request.seed !== undefined) await this.seedNew(name, store, settings, row, request.seed);
      // Closed until its first call: a suite that makes a thousand portals holds none of them open.
      await store.close();
      return this.info(
        { name, memberId: row.memberId, settings },
        specs.map((spec) => this.webhookUrl(name, spec)),
      );
    } catch (error) {
      await store?.close();
      await this.control.write(({ portals }) => portals.remove(name));
      await this.removeData(name);
      throw error;
    }
  }

  /** A new portal's seed document; the webhooks it adds are claimed in the directory as it goes. */
  private async seedNew(
    name: string,
    store: Store,
    settings: PortalSettingsDocument,
    row: PortalRow,
    seed: unknown,
  ): Promise<void> {
    await applySeed(this.platformOf(name, store, clockOf(row), settings), seed);
  }

  /** The portal, opening its database on first use; undefined when there is none of that name. */
  async get(name: string): Promise<Portal | undefined> {
    if (name === DEFAULT_PORTAL) return this.defaultPortal;
    let opening = this.open.get(name);
    if (opening === undefined) {
      opening = this.openPortal(name);
      this.open.set(name, opening);
      // A portal that is not there (yet) is asked for again next time.
      opening.then(
        (p) => p ?? this.forget(name),
        () => this.forget(name),
      );
    }
    this.lastUsed.set(name, performance.now());
    return opening;
  }

  /**
   * Reads the rows of the default portal and of every open one again: another process sharing
   * the database may have changed their settings or clocks, or removed them.
   */
  private async refreshOpen(): Promise<void> {
    // The portals open when the rows are read: one opened during the read has no row in it, and
    // would be taken for removed.
    const open = [...this.open];
    const names = [DEFAULT_PORTAL, ...open.map(([name]) => name)];
    const rows = await this.control.read(({ portals }) => portals.findMany(names));
    const byName = new Map(rows.map((row) => [row.name, row]));
    await this.apply(this.defaultPortal, byName.get(DEFAULT_PORTAL));
    for (const [name, opening] of open) {
      const portal = await opening.catch(() => undefined);
      if (portal !== undefined && this.open.get(name) === opening) await this.apply(portal, byName.get(name));
    }
  }

  /** Drops the directory's entries of access tokens that expired long ago. */
  pruneExpired(now?: number): Promise<void> {
    return this.directory.pruneExpired(now);
  }

  /**
   * Reads what this process keeps of a portal again now (its row, its fault rules): another
   * process of this server changed it (PortalPeers).
   */
  async reload(name: string): Promise<void> {
    if (name === DEFAULT_PORTAL) {
      this.defaultPortal.platform.faults?.changed();
      await this.apply(this.defaultPortal, await this.control.read(({ portals }) => portals.find(name)));
      return;
    }
    this.directory.forgetPortal(name);
    const opening = this.open.get(name);
    const portal = await opening?.catch(() => undefined);
    if (portal === undefined) return;
    portal.platform.faults?.changed();
    const row = await this.control.read(({ portals }) => portals.find(name));
    if (this.open.get(name) === opening) await this.apply(portal, row);
  }

  /** Tells this server's other workers that the portal changed (fault rules, say), before it is answered. */
  async announce(name: string): Promise<void> {
    await this.peers?.announce(name);
  }

  /**
   * Brings a portal in line with its row: its settings and clock as stored. A portal whose row
   * is gone (or is another portal's, made again under the same name) is closed; its next call
   * opens it afresh, or finds none.
   */
  private async apply(portal: Portal, row: PortalRow | undefined): Promise<void> {
    if (portal === this.defaultPortal) {
      // No row: an offline command's store, or one that no `serve` has started on yet.
      if (row !== undefined) this.applyRow(portal, row);
      return;
    }
    if (row === undefined || row.memberId !== portal.memberId) {
      this.directory.forgetPortal(portal.name);
      await this.close1(portal.name);
      return;
    }
    this.applyRow(portal, row);
  }

  private applyRow(portal: Portal, row: PortalRow): void {
    const clock = portal.platform.clock;
    if (clock instanceof AdjustableClock && clock.offsetMs !== row.clockOffset) clock.setOffset(row.clockOffset);
    if (row.settings === JSON.stringify(portal.settings)) return;
    this.changeSettings(portal, mergeSettings(this.defaults, JSON.parse(row.settings)));
  }

  private changeSettings(portal: Portal, settings: PortalSettingsDocument): void {
    portal.settings = settings;
    portal.platform = this.platformOf(portal.name, portal.platform.store, portal.platform.clock, settings);
  }

  private forget(name: string): void {
    this.open.delete(name);
    this.lastUsed.delete(name);
  }

  /** Closes one open portal's database (it opens again on its next call). */
  private async close1(name: string): Promise<void> {
    const opening = this.open.get(name);
    this.forget(name);
    const portal = await opening?.catch(() => undefined);
    if (portal === undefined) return;
    await stopDelivery(portal);
    await portal.platform.store.close();
  }

  /** Past MAX_OPEN, closes the portals idle longest (and at least IDLE_BEFORE_CLOSE_MS). */
  private async closeIdle(): Promise<void> {
    const excess = this.open.size - MAX_OPEN;
    if (excess <= 0) return;
    const now = performance.now();
    // A portal that delivers events stays open: its worker needs its database.
    const delivering = new Set<string>();
    for (const [name, opening] of this.open) if ((await opening.catch(() => undefined))?.delivery) delivering.add(name);
    const idle = [...this.lastUsed]
      .filter(([name, at]) => now - at >= IDLE_BEFORE_CLOSE_MS && !delivering.has(name))
      .sort((a, b) => a[1] - b[1])
      .slice(0, excess);
    for (const [name] of idle) await this.close1(name);
  }

  async list(): Promise<PortalInfo[]> {
    const rows = await this.control.read(({ portals }) => portals.list());
    const others: PortalInfo[] = [];
    for (const row of rows) {
      const portal = await this.get(row.name);
      if (portal) others.push(this.info(portal));
    }
    return [this.info(this.defaultPortal), ...others];
  }

  /**
   * Changes some of a portal's settings (`clock` among them: an ISO 8601 time), stored so other
   * processes run with them too, and told to this server's other workers before it answers.
   */
  async updateSettings(name: string, given: unknown): Promise<PortalInfo> {
    const portal = await this.require(name);
    const { clock, settings: changes } = splitClock(given);
    const settings = mergeSettings(portal.settings, changes);
    if (clock !== undefined) adjustable(portal.platform.clock);
    await this.control.write(async ({ portals }) => {
      await portals.updateSettings(name, JSON.stringify(settings));
      if (clock !== undefined) await portals.setClockOffset(name, clock - Date.now());
    });
    if (clock !== undefined) adjustable(portal.platform.clock).set(clock);
    this.changeSettings(portal, settings);
    await this.peers?.announce(name);
    return this.info(portal);
  }

  /**
   * Sets (`at`, ms since the epoch) or moves on (`advanceMs`) a portal's clock, for every process
   * that shares the database; a time outside the years 1-9999 is refused and nothing changes.
   * Answers the portal's time after the change.
   */
  async setClock(name: string, change: { at: number } | { advanceMs: number }): Promise<number> {
    const portal = await this.require(name);
    const clock = adjustable(portal.platform.clock);
    const target = 'at' in change ? change.at : clock.now() + change.advanceMs;
    if (!Number.isFinite(target) || !isClockTime(target)) throw new PortalError(400, 'INVALID_CLOCK', CLOCK_RANGE_TEXT);
    const offset = target - Date.now();
    await this.control.write(({ portals }) => portals.setClockOffset(name, offset));
    clock.setOffset(offset);
    await this.peers?.announce(name);
    return clock.now();
  }

  async remove(name: string): Promise<void> {
    if (name === DEFAULT_PORTAL) {
      throw new PortalError(400, 'PORTAL_REQUIRED', 'The portal "default" cannot be removed');
    }
    await this.require(name);
    await this.control.write(({ portals }) => portals.remove(name));
    this.directory.forgetPortal(name);
    await this.close1(name);
    await this.removeData(name);
    await this.peers?.announce(name);
    this.services?.removed?.(name);
  }

  /**
   * Registers an OAuth application in the portal (`POST /_admin/portals/NAME/apps`); answers
   * what `b24-booking app add` prints, the only time the client secret is seen.
   */
  async addApp(name: string, request: unknown): Promise<Awaited<ReturnType<typeof registerApp>>> {
    const app = appRequest(request);
    const { platform } = await this.require(name);
    return registerApp(platform.store, app, platform.clock.now(), platform.credentialIndex);
  }

  async require(name: string): Promise<Portal> {
    const portal = await this.get(name);
    if (!portal) throw new PortalError(404, 'PORTAL_NOT_FOUND', `No portal named "${name}"`);
    return portal;
  }

  /**
   * Adds a webhook to the portal (or changes the user and scopes of the one with this secret).
   * The secret is claimed in the directory first, so a call with it reaches this portal and the
   * secret cannot be given to another one.
   */
  async addWebhook(name: string, spec: WebhookSpec, now: number): Promise<WebhookRow> {
    const portal = await this.require(name);
    if (name === DEFAULT_PORTAL) {
      const owner = await this.control.read(({ portals }) => portals.portalOf(hashSecret(spec.secret)));
      if (owner !== undefined) throw secretInUse();
    } else {
      await this.claimSecret(spec.secret, name);
    }
    return portal.platform.store.write(async (repos) => {
      await ensureUser(repos, spec.userId, now);
      return repos.webhooks.upsert(spec.userId, hashSecret(spec.secret), spec.scopes, now);
    });
  }

  /**
   * The platform of the portal the credentials belong to. A webhook secret or an access token of
   * another portal is in the directory; anything else (and anything unknown) is the default
   * portal's to judge.
   */
  async platformFor(credentials: Credentials, address?: string): Promise<Platform> {
    // Cached under the caller cache's own keys, so the default portal's cache answers for it too.
    const cacheKey = callerKey(credentials);
    if (cacheKey === undefined) return this.defaultPortal.platform;
    const secret = credentials.webhook?.secret;
    if (secret !== undefined) return this.platformOfKey(cacheKey, () => hashSecret(secret), address);
    return this.platformOfKey(cacheKey, () => credentialKey('token', hashSecret(credentials.token as string)), address);
  }

  /** The platform of the portal an application's client id belongs to (`/oauth/authorize`, `/oauth/token`). */
  platformForClient(clientId: string): Promise<Platform> {
    return this.platformOfKey(`client\u0000${clientId}`, () => credentialKey('client', hashSecret(clientId)));
  }

  async close(): Promise<void> {
    // A portal that finishes opening from here on starts no worker.
    this.closed = true;
    clearInterval(this.sweeper);
    clearInterval(this.refresher);
    clearInterval(this.pruner);
    for (const name of [...this.open.keys()]) await this.close1(name);
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
  }

  private async platformOfKey(cacheKey: string, directoryKey: () => string, address?: string): Promise<Platform> {
    const name = await this.directory.find(this.defaultPortal.platform, cacheKey, directoryKey, address);
    if (name === undefined) return this.defaultPortal.platform;
    // A portal removed by another process: its credentials match nothing.
    return ((await this.get(name)) ?? this.defaultPortal).platform;
  }

  private async openPortal(name: string): Promise<Portal | undefined> {
    const row = await this.control.read(({ portals }) => portals.find(name));
    if (row === undefined) return undefined;
    const store = await this.openStore(name, false);
    const portal = this.portalOf(row, store);
    // Bindings made before (another run, another process): their events are delivered from now.
    if (await store.read(({ eventHandlers }) => eventHandlers.any())) this.startDelivery(portal);
    return portal;
  }

  /**
   * A portal's database; a new SQLite one starts as a copy of the migrated template. On
   * PostgreSQL the portal's store draws on the default portal's connections (store.ts).
   */
  private async openStore(name: string, isNew: boolean): Promise<Store> {
    const options = this.storeOptionsOf(name);
    if (isNew && options.database === undefined) copyDatabase(await this.templateDir(), options.data);
    return Store.open(options, this.control);
  }

  private templateDir(): Promise<string> {
    this.template ??= (async () => {
      // Named by the migrations it has, so a newer version makes a new one.
      const dir = join(this.portalsDir(), `.template-${Object.keys(migrations).length}`);
      if (!existsSync(sqliteFileOf(dir))) {
        const building = `${dir}.${process.pid}`;
        // Closed before it is copied: closing moves everything from the WAL into the file.
        await (await Store.open({ ...this.storeOptions, data: building })).close();
        // Several processes may build one at once: each renames its own whole file into place.
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        renameSync(sqliteFileOf(building), sqliteFileOf(dir));
        rmSync(building, { recursive: true, force: true });
      }
      return dir;
    })();
    return this.template;
  }

  /** Where the portals' databases live: `<data>/portals/`, or this run's scratch directory. */
  private portalsDir(): string {
    if (this.storeOptions.data !== ':memory:') return join(this.storeOptions.data, 'portals');
    this.scratch ??= mkdtempSync(join(tmpdir(), 'b24-portals-'));
    return this.scratch;
  }

  private portalOf(row: PortalRow, store: Store): Portal {
    const settings = mergeSettings(this.defaults, JSON.parse(row.settings));
    return {
      name: row.name,
      memberId: row.memberId,
      settings,
      platform: this.platformOf(row.name, store, clockOf(row), settings),
    };
  }

  /** A portal's platform: the server's, plus where its credentials are recorded and who starts its worker. */
  private platformOf(name: string, store: Store, clock: Clock, settings: PortalSettingsDocument): Platform {
    const built = this.build(store, clock, settings);
    if (name === DEFAULT_PORTAL) return built;
    const platform = {
      ...built,
      credentialIndex: credentialIndex(this.control, name),
      bindingsChanged: () => this.bindingAdded(name),
    };
    this.names.set(platform, name);
    return platform;
  }

  /** The name of the portal a platform (from platformFor) belongs to. */
  nameOf(platform: Platform): string {
    return this.names.get(platform) ?? DEFAULT_PORTAL;
  }

  /**
   * The portal a request's Host names: `<name>.localhost`, or `<name>.<--portal-domain>`; none
   * for any other host (an IP address, the server's own name).
   */
  namedByHost(host: string | undefined): string | undefined {
    if (host === undefined) return undefined;
    const hostname = host.replace(/:\d+$/, '').toLowerCase();
    for (const base of [this.portalDomain, 'localhost']) {
      if (base === undefined || !hostname.endsWith(`.${base}`)) continue;
      const label = hostname.slice(0, -base.length - 1);
      if (isPortalName(label)) return label;
    }
    return undefined;
  }

  /**
   * Opens the portals that have had event bindings, so what they still owe their handlers is
   * delivered from the start, not from their next call.
   */
  async resumeDelivery(): Promise<void> {
    const names = await this.control.read(({ portals }) => portals.delivering());
    for (const name of names) await this.get(name);
  }

  /** event.bind added a binding in the portal: it needs a worker, if it has none yet. */
  private bindingAdded(name: string): void {
    void this.control.write(({ portals }) => portals.markDelivering(name)).catch(() => {});
    // Not reopened: a portal removed meanwhile is gone from `open`, and stays without a worker.
    this.open.get(name)?.then(
      (portal) => portal && this.startDelivery(portal),
      () => {},
    );
  }

  private startDelivery(portal: Portal): void {
    if (portal.delivery !== undefined || this.closed || this.services === undefined) return;
    portal.delivery = this.services.startDelivery(portal);
  }

  /** A secret is one portal's: a call with it must reach that portal and no other. */
  private async claimSecret(secret: string, portal: string): Promise<void> {
    try {
      await credentialIndex(this.control, portal).claim('webhook', hashSecret(secret));
    } catch (error) {
      throw error instanceof CredentialTaken ? secretInUse() : error;
    }
  }

  private storeOptionsOf(name: string): StoreOptions {
    if (this.storeOptions.database !== undefined) return { ...this.storeOptions, schema: portalSchema(name) };
    return { ...this.storeOptions, data: join(this.portalsDir(), name) };
  }

  /** The portal's records, gone: its schema on PostgreSQL, its directory on SQLite. */
  private async removeData(name: string): Promise<void> {
    if (this.storeOptions.database !== undefined) {
      await this.control.dropSchema(portalSchema(name));
      return;
    }
    rmSync(join(this.portalsDir(), name), { recursive: true, force: true });
  }
}

/** A portal's clock as its row keeps it: real time shifted by the stored offset. */
function clockOf(row: PortalRow): AdjustableClock {
  const clock = new AdjustableClock();
  clock.setOffset(row.clockOffset);
  return clock;
}

/** The portal's clock, if it can be set: a server started with a clock of its caller's own keeps that one. */
function adjustable(clock: Clock): AdjustableClock {
  if (clock instanceof AdjustableClock) return clock;
  throw new PortalError(400, 'INVALID_CLOCK', 'This server runs on a clock it was given; it cannot be set');
}

async function stopDelivery(portal: Portal): Promise<void> {
  const delivery = portal.delivery;
  portal.delivery = undefined;
  await delivery?.stop();
}

/**
 * The PostgreSQL schema of a portal: `portal_` and its name, `-` as `_` (names have no `_`, so
 * no two names meet). PostgreSQL cuts identifiers at 63 bytes, so a name too long for that
 * keeps its first 40 characters and a hash of the whole name after a `#`, a character the
 * short form never has.
 */
export function portalSchema(name: string): string {
  const schema = `portal_${name.replaceAll('-', '_')}`;
  if (schema.length <= 63) return schema;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 15);
  return `${schema.slice(0, 47)}#${hash}`;
}
