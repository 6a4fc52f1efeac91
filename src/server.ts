/**
 * Putting a server together: the store, the registry, the HTTP(S) listener, and the webhooks
 * given at start-up. `startServer` is what the CLI's `serve` and the package export both run.
 */
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdjustableClock, type Clock, parseClockStart } from './clock.js';
import { applySeed, parseSeed, type SeedResult } from './devtools/seed.js';
import { DEFAULT_DELIVERY, type DeliverySettings, DeliveryWorker, type RequestLoad } from './events/delivery.js';
import { HandlerAddressPolicy, type HandlerMode } from './events/handler-address.js';
import { faultsOf } from './faults/faults.js';
import { graceful } from './http/graceful.js';
import { BodyBudget } from './http/io.js';
import { JournalStreams } from './http/journal.js';
import { createRequestHandler } from './http/server.js';
import { DEFAULT_JOURNAL_SIZE, type Journal, LocalJournal } from './journal/journal.js';
import { createRegistry } from './methods.js';
import { memberId } from './oauth/grants.js';
import { createLogger, type LogLevel, logRequest } from './observability/log.js';
import { Metrics } from './observability/metrics.js';
import { ensureUser } from './platform/users.js';
import { type PortalHandle, portalHandle } from './portals/handle.js';
import { workerPeers } from './portals/peers.js';
import {
  type CreatePortalRequest,
  DEFAULT_PORTAL,
  type Portal,
  type PortalServices,
  Portals,
} from './portals/portals.js';
import { limitsOf, type PortalSettingsDocument } from './portals/settings.js';
import { CallerCache, hashSecret, newWebhookSecret } from './rest/auth.js';
import { AuthThrottle, type AuthThrottleSettings, DEFAULT_AUTH_THROTTLE } from './rest/auth-throttle.js';
import type { Platform } from './rest/dispatch.js';
import type { LimitSettings } from './rest/limits.js';
import { stateIsEmpty } from './store/state.js';
import { Store, type StoreOptions } from './store/store.js';
import { readTlsFiles, selfSignedTls, type TlsFiles } from './tls.js';
import { DEFAULT_SCOPES, parseWebhookSpec, type WebhookSpec } from './webhook-spec.js';

export interface ServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Data directory, or `:memory:` for a store that lives as long as the server. */
  data?: string;
  /** `postgres://user:pass@host/db`: keep everything in PostgreSQL instead of SQLite. */
  database?: string;
  /** Largest number of PostgreSQL connections (default 10). */
  poolSize?: number;
  /** `USERID:SECRET[:scope,scope]` each. */
  webhooks?: string[];
  tlsCert?: string;
  tlsKey?: string;
  /** `self-signed` makes and keeps a development certificate in the data directory. */
  tls?: 'self-signed';
  /** SQLite durability: `normal` (survives kill -9) or `full` (also power loss). */
  sync?: 'normal' | 'full';
  /** Largest request body, bytes. */
  bodyLimit?: number;
  /** Most connections open at once; more are closed as they arrive (default 1000). */
  maxConnections?: number;
  /** Seconds a client may take to send its request headers (default 10). */
  headersTimeout?: number;
  /** Seconds a client may take to send its whole request, body included (default 30). */
  requestTimeout?: number;
  /**
   * MiB that the bodies of requests not yet authenticated may hold, all together (default 64).
   * Webhook calls are authenticated from their path before the body is read and never count.
   */
  unauthenticatedMemory?: number;
  /**
   * A name whose subdomains reach this server (a wildcard DNS entry, or `localhost` for
   * browsers): each portal's domain is then `<name>.<this>[:port]`.
   */
  portalDomain?: string;
  /** How repeated failed authentication from one address is slowed (see AuthThrottle). */
  authThrottle?: Partial<AuthThrottleSettings>;
  adminToken?: string;
  /** Who may read GET /metrics: `admin` (default: with the admin token) or `public` (anyone). */
  metrics?: 'admin' | 'public';
  /** Overbooking as Bitrix24 cloud has it on (default): two bookings may share a resource, never three. */
  overbooking?: boolean;
  /** Deals for bookings (default on, as Bitrix24 since 25.1150): a booking made without a deal gets one. */
  bookingDeals?: boolean;
  /** Rate and operating-time limits; both off unless given (self-hosted Bitrix24's default). */
  limits?: LimitSettings;
  /**
   * The time the server starts at (ISO 8601, e.g. `2025-04-01T09:00:00+02:00`), or a clock of
   * the caller's own. Without one the server runs on real time; either way `POST /_admin/clock`
   * can set or advance it (unless the caller's own clock is given).
   */
  clock?: Clock | string;
  /** A seed document (JSON or YAML file) applied at start when the state is empty. */
  seed?: string;
  /**
   * Calls kept in each portal's journal, newest first out (default 1000); 0 turns the journal
   * off. Kept in memory: at most 16 KiB of parameters and 16 KiB of result an entry.
   */
  journalSize?: number;
  /** A journal of the caller's own to record into (a worker of `--workers` records into its primary's). */
  journal?: Journal;
  /** Request log level; `silent` (default for the library) logs nothing. */
  logLevel?: LogLevel;
  /**
   * Delivery of events to handlers: timeout 5 s, 5 tries, backoff 1 s doubling, 16 POSTs at
   * once, a 50 ms poll unless given.
   */
  events?: Partial<DeliverySettings>;
  /**
   * Where event handlers may point. Never at link-local or metadata addresses or this server
   * itself; `local` (default, development) allows loopback and private addresses, `public` (a
   * server others use) only public ones, checked after DNS at bind time and at each POST.
   */
  eventHandlers?: HandlerMode;
  onUnexpectedError?: (error: unknown) => void;
}

export interface RunningServer {
  /** Base URL, e.g. `https://127.0.0.1:8080`. */
  url: string;
  /** Full webhook URLs (`<url>/rest/<user>/<secret>/`) of the webhooks whose secrets are known now. */
  webhookUrls: string[];
  /** Webhooks stored earlier whose secrets cannot be shown (they are kept hashed). */
  storedWebhooks: WebhookInfo[];
  adminToken: string;
  /** What start-up prints (`serve`'s first lines): no secret the caller gave. */
  banner: Banner;
  /** Where the self-signed certificate is, when one is used. */
  certPath?: string;
  /** The kept self-signed certificate was a CA one (an older version's) and was made again. */
  certReplaced?: boolean;
  store: Store;
  /** The clock every time the server uses comes from. */
  clock: Clock;
  /** What the start-up seed added, when one was applied. */
  seeded?: SeedResult;
  /** The portals this server holds (`default` and any made since). */
  portals: Portals;
  /** Makes a portal (as `POST /_admin/portals`): name, settings, webhooks, all optional. */
  createPortal(request?: CreatePortalRequest): Promise<PortalHandle>;
  /** A portal already there, by name (`default` included). */
  portal(name: string): PortalHandle;
  /** Stops taking connections, lets requests in flight finish, closes the database. */
  close(): Promise<void>;
}

/** How long requests in flight may take to finish at shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;

/** What bounds the cost of clients that send slowly, open many connections or never authenticate. */
export const CONNECTION_DEFAULTS = {
  maxConnections: 1000,
  headersTimeout: 10,
  requestTimeout: 30,
  unauthenticatedMemory: 64,
} as const;

/** node:http checks the two timeouts at this interval (its own default is 30 s, longer than either). */
const TIMEOUT_CHECK_MS = 1000;

export function storeOptionsOf(options: ServerOptions): StoreOptions {
  return { data: options.data ?? './data', database: options.database, poolSize: options.poolSize, sync: options.sync };
}

/** The server's clock: the caller's own, or an adjustable one starting at `--clock` (or now). */
function clockOf(options: ServerOptions): Clock {
  if (typeof options.clock === 'object') return options.clock;
  return new AdjustableClock(options.clock === undefined ? undefined : parseClockStart(options.clock));
}

/** What every portal's platform shares: the method registry, the handler rule, the throttle. */
interface SharedPlatform {
  registry: Platform['registry'];
  handlerUrls: HandlerAddressPolicy;
  authThrottle: AuthThrottle;
}

function sharedPlatform(options: ServerOptions, handlerUrls = new HandlerAddressPolicy(options.eventHandlers)) {
  return {
    registry: createRegistry(),
    handlerUrls,
    authThrottle: new AuthThrottle({ ...DEFAULT_AUTH_THROTTLE, ...definedOnly(options.authThrottle ?? {}) }),
  };
}

/** A portal's platform: its own store, clock, settings and limits, over what all portals share. */
function portalPlatform(
  shared: SharedPlatform,
  store: Store,
  clock: Clock,
  settings: PortalSettingsDocument,
): Platform {
  return {
    ...shared,
    store,
    clock,
    settings: {
      overbooking: settings.overbooking,
      dealForBooking: settings.bookingDeals,
      bookingEnabled: settings.bookingEnabled,
    },
    limits: limitsOf(settings),
    callers: new CallerCache(),
    faults: faultsOf(store),
  };
}

/** The default portal's settings, from the `serve` flags; new portals start from them too. */
function settingsOf(options: ServerOptions): PortalSettingsDocument {
  const rate = options.limits?.rate;
  const operating = options.limits?.operatingSeconds;
  return {
    overbooking: options.overbooking ?? true,
    bookingDeals: options.bookingDeals ?? true,
    bookingEnabled: true,
    rateLimit: rate ? `${rate.threshold}:${rate.drainPerSecond}` : 'off',
    operatingLimit: operating ?? 'off',
  };
}

function platformOf(
  store: Store,
  clock: Clock,
  options: ServerOptions,
  handlerUrls = new HandlerAddressPolicy(options.eventHandlers),
): Platform {
  return portalPlatform(sharedPlatform(options, handlerUrls), store, clock, settingsOf(options));
}

/**
 * The portals of a server: `default` over `store` (with the `serve` flags' settings, which new
 * portals start from too), the others opened from the directory on first use. `serve` and the
 * offline commands both act through this, so names, settings and secrets follow one set of rules.
 * `baseUrl` is where the server answers (empty when unknown: webhook URLs are then paths).
 */
export async function openPortals(
  store: Store,
  options: ServerOptions,
  clock: Clock,
  baseUrl: () => string,
  handlerUrls = new HandlerAddressPolicy(options.eventHandlers),
  services?: PortalServices,
): Promise<Portals> {
  const shared = sharedPlatform(options, handlerUrls);
  const defaults = settingsOf(options);
  const defaultPortal: Portal = {
    name: DEFAULT_PORTAL,
    memberId: await store.write((repos) => memberId(repos)),
    settings: defaults,
    platform: portalPlatform(shared, store, clock, defaults),
  };
  const portals = new Portals(
    storeOptionsOf(options),
    defaultPortal,
    defaults,
    (portalStore, portalClock, settings) => portalPlatform(shared, portalStore, portalClock, settings),
    baseUrl,
    services,
    options.portalDomain,
  );
  // The default portal as its row has it: changed since the start, through this server's admin API.
  await portals.reload(DEFAULT_PORTAL);
  return portals;
}

/**
 * The default portal's row, as this start sets it: the flags' settings and the `--clock` time.
 * With `--workers` only the primary writes it, before any worker starts: a worker started again
 * later must not undo what was changed since.
 */
async function recordDefaultPortal(store: Store, options: ServerOptions, clock: Clock): Promise<void> {
  if (cluster.isWorker) return;
  await store.write(async (repos) =>
    repos.portals.putDefault({
      name: DEFAULT_PORTAL,
      memberId: await memberId(repos),
      settings: JSON.stringify(settingsOf(options)),
      createdAt: clock.now(),
      clockOffset: clock instanceof AdjustableClock ? clock.offsetMs : 0,
    }),
  );
}

export interface WebhookInfo {
  id: number;
  userId: number;
  scopes: string[];
}

/**
 * What a start prints: where to call, the webhooks, the admin token, what was seeded. Start-up
 * lines end up in logs and terminals that others read, so a secret is printed only when the
 * server has just made it (no one knows it yet); what the caller gave is named, not shown.
 */
export interface Banner {
  url: string;
  /** Full URLs of the webhooks the server has just made (the one place their secrets appear). */
  newWebhookUrls: string[];
  /** Webhooks given by option, flag or environment: id, user and scopes. */
  givenWebhooks: WebhookInfo[];
  storedWebhooks: WebhookInfo[];
  /** The admin token when the server made it; undefined when it was given. */
  newAdminToken?: string;
  certPath?: string;
  certReplaced?: boolean;
  seeded?: SeedResult;
}

/**
 * What a start settles once, before listening: webhooks, the TLS files, the admin token, the
 * seed. With `--workers` the primary does it, so it happens once for all the workers.
 */
export interface Startup {
  /** The start-up webhooks: those given, or the one made on a first start (`made`). */
  known: (WebhookSpec & { id: number; made: boolean })[];
  storedWebhooks: WebhookInfo[];
  tls?: TlsFiles;
  /** A directory made for this run alone (a `:memory:` server's certificate), removed on close. */
  scratchDir?: string;
  adminToken: string;
  adminTokenMade: boolean;
  seeded?: SeedResult;
}

export async function prepareStartup(store: Store, options: ServerOptions, clock = clockOf(options)): Promise<Startup> {
  const known = await registerWebhooks(store, (options.webhooks ?? []).map(parseWebhookSpec), clock);
  await recordDefaultPortal(store, options, clock);
  const { tls, scratchDir } = await resolveTls(options, options.data ?? './data');
  const adminToken = options.adminToken ?? randomBytes(24).toString('base64url');
  const seeded =
    options.seed === undefined ? undefined : await seedIfEmpty(platformOf(store, clock, options), options.seed);
  const knownIds = new Set(known.map((k) => k.id));
  const stored = (await store.read(({ webhooks }) => webhooks.list())).filter((w) => !knownIds.has(w.id));
  return {
    known,
    storedWebhooks: stored.map(({ id, userId, scopes }) => ({ id, userId, scopes })),
    tls,
    scratchDir,
    adminToken,
    adminTokenMade: options.adminToken === undefined,
    seeded,
  };
}

function baseUrl(startup: Startup, host: string, port: number): string {
  return `${startup.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

const hookUrl = (url: string, hook: WebhookSpec) => `${url}/rest/${hook.userId}/${hook.secret}/`;

export function bannerOf(startup: Startup, host: string, port: number): Banner {
  const url = baseUrl(startup, host, port);
  return {
    url,
    newWebhookUrls: startup.known.filter((k) => k.made).map((k) => hookUrl(url, k)),
    givenWebhooks: startup.known.filter((k) => !k.made).map(({ id, userId, scopes }) => ({ id, userId, scopes })),
    storedWebhooks: startup.storedWebhooks,
    newAdminToken: startup.adminTokenMade ? startup.adminToken : undefined,
    certPath: startup.tls?.certPath,
    certReplaced: startup.tls?.replaced,
    seeded: startup.seeded,
  };
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const clock = clockOf(options);
  const store = await Store.open(storeOptionsOf(options));
  let startup: Startup | undefined;
  try {
    startup = await prepareStartup(store, options, clock);
    const handlerUrls = new HandlerAddressPolicy(options.eventHandlers);
    let url = '';
    const deliverySettings = { ...DEFAULT_DELIVERY, ...definedOnly(options.events ?? {}) };
    // The requests, once the request handler is made: delivery yields to them.
    let requests: RequestLoad | undefined;
    const requestLoad: RequestLoad = {
      inFlight: () => requests?.inFlight() ?? 0,
      received: () => requests?.received() ?? 0,
    };
    const deliveryOf = (on: Platform, origin = url) => {
      const worker = new DeliveryWorker(
        on.store,
        on.clock,
        origin,
        deliverySettings,
        handlerUrls,
        options.onUnexpectedError,
        on.credentialIndex,
        requestLoad,
      );
      worker.start();
      return worker;
    };
    const journal = options.journal ?? new LocalJournal(journalSizeOf(options));
    const journalStreams = new JournalStreams();
    // Other portals' workers start with their first binding (or when opened with one).
    const portals = await openPortals(store, options, clock, () => url, handlerUrls, {
      // With --portal-domain, what handlers are sent names the portal's own domain.
      startDelivery: (portal) => deliveryOf(portal.platform, portals.originOf(portal.name)),
      removed: (name) => journal.drop(name),
    });
    const peers = workerPeers((name) => portals.reload(name));
    if (peers) portals.connect(peers);
    const platform = portals.defaultPortal.platform;
    const metrics = new Metrics(store);
    const logger = createLogger(options.logLevel ?? 'silent');
    const handling = graceful(
      createRequestHandler({
        bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
        unauthenticatedBodies: new BodyBudget(
          (options.unauthenticatedMemory ?? CONNECTION_DEFAULTS.unauthenticatedMemory) * 1024 * 1024,
        ),
        onUnexpectedError: options.onUnexpectedError,
        adminToken: startup.adminToken,
        onRequest: (record) => {
          metrics.observe(record);
          logRequest(logger, record);
        },
        metrics: async () => ({ contentType: metrics.contentType, body: await metrics.render() }),
        metricsPublic: options.metrics === 'public',
        portals,
        journal,
        journalStreams,
      }),
    );
    requests = handling;
    const { tls, scratchDir } = startup;
    const timeouts = {
      headersTimeout: (options.headersTimeout ?? CONNECTION_DEFAULTS.headersTimeout) * 1000,
      requestTimeout: (options.requestTimeout ?? CONNECTION_DEFAULTS.requestTimeout) * 1000,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    };
    const server: Server = tls
      ? createHttpsServer({ cert: tls.cert, key: tls.key, ...timeouts }, handling.handler)
      : createHttpServer(timeouts, handling.handler);
    server.maxConnections = options.maxConnections ?? CONNECTION_DEFAULTS.maxConnections;
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8080, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    // Before any handler is bound or any POST made: handlers pointing back here are refused.
    await handlerUrls.listening(host, port);
    const banner = bannerOf(startup, host, port);
    url = banner.url;
    // The default portal delivers from the start, as a single-portal server always has; so do
    // the portals that have had bindings.
    const delivery = deliveryOf(platform, portals.originOf(DEFAULT_PORTAL));
    await portals.resumeDelivery();
    return {
      url: banner.url,
      // The caller gave these secrets (or may read them here): every known one, as a URL.
      webhookUrls: startup.known.map((k) => hookUrl(banner.url, k)),
      storedWebhooks: startup.storedWebhooks,
      adminToken: startup.adminToken,
      certPath: banner.certPath,
      certReplaced: banner.certReplaced,
      seeded: banner.seeded,
      banner,
      store,
      clock,
      portals,
      createPortal: async (request = {}) => {
        const info = await portals.create(request, clock.now());
        return portalHandle(portals, journal, info.name, info.webhookUrls?.[0]);
      },
      portal: (name) => portalHandle(portals, journal, name),
      close: async () => {
        // Streams never end on their own: ended first, so the requests in flight can finish.
        journalStreams.closeAll();
        await handling.shutdown(server, SHUTDOWN_GRACE_MS);
        await delivery.stop();
        await portals.close();
        await store.close();
        removeScratch(scratchDir);
      },
    };
  } catch (error) {
    await store.close();
    removeScratch(startup?.scratchDir);
    throw error;
  }
}

/** `journalSize` checked: a whole number from 0 (0: off). */
export function journalSizeOf(options: ServerOptions): number {
  const size = options.journalSize ?? DEFAULT_JOURNAL_SIZE;
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`journalSize must be a whole number >= 0; got ${size}`);
  return size;
}

/** `serve --seed`: applied on a first start (empty state), skipped on later ones. */
async function seedIfEmpty(platform: Platform, file: string): Promise<SeedResult | undefined> {
  if (!(await stateIsEmpty(platform.store))) return undefined;
  return applySeed(platform, parseSeed(readFileSync(file, 'utf8')));
}

/**
 * Registers the webhooks given at start-up. With none given and none stored, the first start
 * makes one for user 1 with scopes booking and crm, so a new user has a URL to call at once.
 */
async function registerWebhooks(store: Store, specs: WebhookSpec[], clock: Clock): Promise<Startup['known']> {
  return store.write(async (repos) => {
    const { webhooks } = repos;
    // Several processes starting together on one empty store make one first webhook, not one each.
    await repos.portal.lockStartup();
    const made = specs.length === 0 && (await webhooks.count()) === 0;
    if (made) specs = [{ userId: 1, secret: newWebhookSecret(), scopes: DEFAULT_SCOPES }];
    const out: Startup['known'] = [];
    for (const spec of specs) {
      const row = await webhooks.upsert(spec.userId, hashSecret(spec.secret), spec.scopes, clock.now());
      await ensureUser(repos, spec.userId, clock.now());
      out.push({ ...spec, id: row.id, made });
    }
    return out;
  });
}

/** Settings given as undefined (an unset CLI flag) keep their default. */
function definedOnly<T extends object>(settings: T): Partial<T> {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function resolveTls(options: ServerOptions, data: string): Promise<{ tls?: TlsFiles; scratchDir?: string }> {
  if (options.tlsCert && options.tlsKey) return { tls: readTlsFiles(options.tlsCert, options.tlsKey) };
  if (options.tlsCert || options.tlsKey) throw new Error('--tls-cert and --tls-key go together');
  if (options.tls !== 'self-signed') return {};
  if (data !== ':memory:') return { tls: await selfSignedTls(data) };
  const scratchDir = mkdtempSync(join(tmpdir(), 'b24-booking-tls-'));
  try {
    return { tls: await selfSignedTls(scratchDir), scratchDir };
  } catch (error) {
    removeScratch(scratchDir);
    throw error;
  }
}

function removeScratch(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}
