/**
 * Many isolated Bitrix24 accounts in one server. A portal is a database of its own (a SQLite
 * file under `<data>/portals/<name>/`, a database in memory, or on PostgreSQL a schema of its
 * own in the server's database, see `portalSchema`), with the same tables as the
 * default portal's: its records and id counters, webhooks, users, limits' counters and
 * snapshots cannot meet another portal's, and no query can forget a scope, because there is
 * none to forget. The default portal's database also holds the directory: each other portal's
 * name, member id and settings, and which portal each webhook secret, application client id and
 * access token belongs to, so a call finds its portal from its credentials alone. A portal's
 * events are delivered by a worker of its own, started only once it has a binding, so idle
 * portals cost nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdjustableClock } from '../clock.js';
import { applySeed } from '../devtools/seed.js';
import { registerApp } from '../oauth/grants.js';
import { ensureUser } from '../platform/users.js';
import {
  type CredentialIndex,
  type CredentialKind,
  type Credentials,
  callerKey,
  hashSecret,
  newWebhookSecret,
} from '../rest/auth.js';
import type { Platform } from '../rest/dispatch.js';
import { migrations } from '../store/migrations/index.js';
import type { PortalRow } from '../store/repositories/portals.js';
import type { WebhookRow } from '../store/repositories/webhooks.js';
import { copyDatabase, Store, type StoreOptions, sqliteFileOf } from '../store/store.js';
import { DEFAULT_SCOPES, parseWebhookSpec, type WebhookSpec } from '../webhook-spec.js';
import { mergeSettings, type PortalSettingsDocument } from './settings.js';

export const DEFAULT_PORTAL = 'default';

/** Portal names are DNS labels, so a portal can be `<name>.<base domain>`. */
const PORTAL_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export class PortalError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

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

/**
 * The directory's key of a client id or an access token (`hash` is hashSecret of it). The kind
 * in front keeps the kinds apart, and apart from webhook secrets, whose key is the bare hash.
 */
export function credentialKey(kind: CredentialKind, hash: string): string {
  // Webhook secrets were the directory's first entries: their key is the bare hash.
  return kind === 'webhook' ? hash : `${kind}:${hash}`;
}

/**
 * Where a portal's client ids and tokens are recorded: the directory in `control`, the default
 * portal's store. Also for commands that act on a portal offline (`app add --portal`).
 */
export function credentialIndex(control: Store, portal: string): CredentialIndex {
  return {
    claim: async (kind, hash) => {
      // The default portal's webhooks are not in the directory: its own table says whose they are.
      const inDefault = kind === 'webhook' && (await control.read(({ webhooks }) => webhooks.findBySecretHash(hash)));
      const claimed =
        !inDefault && (await control.write(({ portals }) => portals.claimSecret(credentialKey(kind, hash), portal)));
      // Client ids and tokens are random: another portal holding the same one means a broken generator.
      if (!claimed) throw new CredentialTaken(kind);
    },
    forget: (kind, hashes) =>
      control.write(({ portals }) =>
        portals.forget(
          hashes.map((h) => credentialKey(kind, h)),
          portal,
        ),
      ),
  };
}

/** A credential of another portal was given for this one (a webhook secret, in practice). */
export class CredentialTaken extends Error {
  constructor(readonly kind: CredentialKind) {
    super(`A ${kind} of another portal has the same value`);
  }
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
export type PlatformBuilder = (store: Store, clock: AdjustableClock, settings: PortalSettingsDocument) => Platform;

/** How long a credential's portal is believed without asking the directory again, ms. */
const RESOLVED_MS = 1000;

/**
 * Portal databases kept open at once; past it, those idle longest are closed (and opened again
 * on their next call, in a few milliseconds). An open SQLite portal costs about 0.8 MiB.
 */
const MAX_OPEN = 64;
/** A portal must have been idle this long to be closed, so no call in flight loses its store. */
const IDLE_BEFORE_CLOSE_MS = 30_000;
/** How often a portal's row is read again for settings changed (or a removal) by another process. */
const REFRESH_MS = 1000;

export class Portals {
  private readonly open = new Map<string, Promise<Portal | undefined>>();
  /** When each open portal was last asked for (performance.now()). */
  private readonly lastUsed = new Map<string, number>();
  /** When each open portal's row was last read. */
  private readonly checkedAt = new Map<string, number>();
  /** Reads of a portal's row in flight. */
  private readonly refreshing = new Map<string, Promise<Portal | undefined>>();
  /** The migrated empty database new SQLite portals are copied from, made once per process. */
  private template: Promise<string> | undefined;
  /** Which portal each portal platform handed out belongs to (the default portal's is not here). */
  private readonly names = new WeakMap<Platform, string>();
  /** With `--data :memory:`: a directory for this run's portals, removed at close. */
  private scratch: string | undefined;
  private readonly sweeper: NodeJS.Timeout;
  /** Credentials whose portal was looked up lately, by kind and value. */
  private readonly resolved = new Map<string, { portal: string; until: number }>();
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

  /** The URL of a webhook of the portal. */
  private webhookUrl(name: string, spec: WebhookSpec): string {
    const path = `/rest/${spec.userId}/${spec.secret}/`;
    // Offline (the CLI without --url) a webhook is printed as its path, as `webhook add` prints it.
    const base = this.baseUrl();
    return base === '' ? path : `${new URL(base).protocol}//${this.domainOf(name)}${path}`;
  }

  async create(request: CreatePortalRequest, now: number): Promise<PortalInfo> {
    const name = request.name === undefined ? `p-${randomBytes(6).toString('hex')}` : request.name;
    if (typeof name !== 'string' || !PORTAL_NAME.test(name)) {
      throw new PortalError(400, 'INVALID_PORTAL_NAME', 'A portal name is a DNS label: a-z, 0-9 and -, 1 to 63 long');
    }
    if (name === DEFAULT_PORTAL) throw new PortalError(409, 'PORTAL_EXISTS', 'The portal "default" always exists');
    const settings = mergeSettings(this.defaults, request.settings);
    const specs = webhookSpecs(request.webhooks);
    const row: PortalRow = {
      name,
      memberId: randomBytes(16).toString('hex'),
      settings: JSON.stringify(settings),
      createdAt: now,
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
      if (request.seed !== undefined) await this.seedNew(name, store, settings, request.seed);
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
  private async seedNew(name: string, store: Store, settings: PortalSettingsDocument, seed: unknown): Promise<void> {
    await applySeed(this.platformOf(name, store, new AdjustableClock(), settings), seed);
  }

  /** The portal, opening its database on first use; undefined when there is none of that name. */
  async get(name: string): Promise<Portal | undefined> {
    if (name === DEFAULT_PORTAL) return this.defaultPortal;
    let opening = this.open.get(name);
    if (opening === undefined) {
      opening = this.openPortal(name);
      this.open.set(name, opening);
      this.checkedAt.set(name, performance.now());
      // A portal that is not there (yet) is asked for again next time.
      opening.then(
        (p) => p ?? this.forget(name),
        () => this.forget(name),
      );
    }
    const now = performance.now();
    this.lastUsed.set(name, now);
    const portal = await opening;
    if (portal === undefined) return undefined;
    // Calls that come while the row is being read wait for it, so none runs on settings it replaces.
    const refreshing = this.refreshing.get(name);
    if (refreshing) return refreshing;
    if (now - (this.checkedAt.get(name) ?? 0) > REFRESH_MS) {
      const refreshed = this.refresh(portal, now).finally(() => this.refreshing.delete(name));
      this.refreshing.set(name, refreshed);
      return refreshed;
    }
    return portal;
  }

  /**
   * Another process sharing the database may have changed the portal's settings or removed it:
   * its row says so, read at most once a second.
   */
  private async refresh(portal: Portal, now: number): Promise<Portal | undefined> {
    this.checkedAt.set(portal.name, now);
    const row = await this.control.read(({ portals }) => portals.find(portal.name));
    if (row === undefined || row.memberId !== portal.memberId) {
      await this.close1(portal.name);
      if (row === undefined) return undefined;
      // Made again under the same name elsewhere: opened afresh (this read is over).
      this.refreshing.delete(portal.name);
      return this.get(portal.name);
    }
    if (row.settings !== JSON.stringify(portal.settings)) {
      portal.settings = mergeSettings(this.defaults, JSON.parse(row.settings));
      portal.platform = this.platformOf(
        portal.name,
        portal.platform.store,
        portal.platform.clock as AdjustableClock,
        portal.settings,
      );
    }
    return portal;
  }

  private forget(name: string): void {
    this.open.delete(name);
    this.lastUsed.delete(name);
    this.checkedAt.delete(name);
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

  async updateSettings(name: string, given: unknown): Promise<PortalInfo> {
    const portal = await this.require(name);
    const settings = mergeSettings(portal.settings, given);
    if (name !== DEFAULT_PORTAL) {
      await this.control.write(({ portals }) => portals.updateSettings(name, JSON.stringify(settings)));
    }
    portal.settings = settings;
    portal.platform = this.platformOf(name, portal.platform.store, portal.platform.clock as AdjustableClock, settings);
    return this.info(portal);
  }

  async remove(name: string): Promise<void> {
    if (name === DEFAULT_PORTAL) {
      throw new PortalError(400, 'PORTAL_REQUIRED', 'The portal "default" cannot be removed');
    }
    await this.require(name);
    await this.control.write(({ portals }) => portals.remove(name));
    for (const [key, entry] of this.resolved) if (entry.portal === name) this.resolved.delete(key);
    await this.close1(name);
    await this.removeData(name);
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
  async platformFor(credentials: Credentials): Promise<Platform> {
    // Cached under the caller cache's own keys, so the default portal's cache answers for it too.
    const cacheKey = callerKey(credentials);
    if (cacheKey === undefined) return this.defaultPortal.platform;
    const secret = credentials.webhook?.secret;
    if (secret !== undefined) return this.platformOfKey(cacheKey, () => hashSecret(secret));
    return this.platformOfKey(cacheKey, () => credentialKey('token', hashSecret(credentials.token as string)));
  }

  /** The platform of the portal an application's client id belongs to (`/oauth/authorize`, `/oauth/token`). */
  platformForClient(clientId: string): Promise<Platform> {
    return this.platformOfKey(`client\u0000${clientId}`, () => credentialKey('client', hashSecret(clientId)));
  }

  async close(): Promise<void> {
    // A portal that finishes opening from here on starts no worker.
    this.closed = true;
    clearInterval(this.sweeper);
    for (const name of [...this.open.keys()]) await this.close1(name);
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
  }

  private async platformOfKey(cacheKey: string, directoryKey: () => string): Promise<Platform> {
    const now = performance.now();
    const known = this.resolved.get(cacheKey);
    let name = known !== undefined && known.until > now ? known.portal : undefined;
    if (name === undefined) {
      // Credentials the default portal found lately are its own: no other portal can hold them
      // (a portal's credentials are claimed in the directory, one portal each).
      if (this.defaultPortal.platform.callers?.get(cacheKey)) return this.defaultPortal.platform;
      // Anything else is asked of the directory every time it is not known, so a portal made
      // by another process answers at once.
      const key = directoryKey();
      name = await this.control.read(({ portals }) => portals.portalOf(key));
      if (name === undefined) return this.defaultPortal.platform;
      if (this.resolved.size >= 10_000) this.resolved.clear();
      this.resolved.set(cacheKey, { portal: name, until: now + RESOLVED_MS });
    }
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
      platform: this.platformOf(row.name, store, new AdjustableClock(), settings),
    };
  }

  /** A portal's platform: the server's, plus where its credentials are recorded and who starts its worker. */
  private platformOf(name: string, store: Store, clock: AdjustableClock, settings: PortalSettingsDocument): Platform {
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
      if (PORTAL_NAME.test(label)) return label;
    }
    return undefined;
  }

  /** event.bind added a binding in the portal: it needs a worker, if it has none yet. */
  private bindingAdded(name: string): void {
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

async function stopDelivery(portal: Portal): Promise<void> {
  const delivery = portal.delivery;
  portal.delivery = undefined;
  await delivery?.stop();
}

const INVALID_APP = (text: string) => new PortalError(400, 'INVALID_APP', text);

/** `{"name", "scopes"?, "handler"?}` of `POST /_admin/portals/NAME/apps`, as `app add` takes them. */
function appRequest(given: unknown): { name: string; scopes: string[]; handlerUrl?: string } {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw INVALID_APP('The body is {"name": "...", "scopes": ["booking", "crm"], "handler"?: "https://..."}');
  }
  const { name, scopes, handler } = given as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim() === '') throw INVALID_APP('"name" is a string that is not empty');
  if (
    scopes !== undefined &&
    (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || !/^[a-z0-9_.]+$/.test(s)))
  ) {
    throw INVALID_APP('"scopes" is a list of scope names, e.g. ["booking", "crm"]');
  }
  if (
    handler !== undefined &&
    (typeof handler !== 'string' || !URL.canParse(handler) || !/^https?:$/.test(new URL(handler).protocol))
  ) {
    throw INVALID_APP('"handler" is an http: or https: URL');
  }
  return {
    name: name.trim(),
    scopes: (scopes as string[] | undefined) ?? [...DEFAULT_SCOPES],
    ...(handler === undefined ? {} : { handlerUrl: handler as string }),
  };
}

const secretInUse = () => new PortalError(409, 'SECRET_IN_USE', 'A webhook secret of another portal was given');

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

/** The `webhooks` of a create request; none given: one for user 1, as a first start makes. */
function webhookSpecs(given: unknown): WebhookSpec[] {
  if (given === undefined) return [{ userId: 1, secret: newWebhookSecret(), scopes: DEFAULT_SCOPES }];
  if (!Array.isArray(given) || given.some((w) => typeof w !== 'string')) {
    throw new PortalError(400, 'INVALID_WEBHOOKS', '"webhooks" is a list of "USERID:SECRET[:scope,scope]" strings');
  }
  try {
    return (given as string[]).map(parseWebhookSpec);
  } catch (error) {
    throw new PortalError(400, 'INVALID_WEBHOOKS', (error as Error).message);
  }
}
