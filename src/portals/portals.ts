/**
 * Many isolated Bitrix24 accounts in one server. A portal is a database of its own (a SQLite
 * file under `<data>/portals/<name>/`, a database in memory, or on PostgreSQL a schema of its
 * own in the server's database, see `portalSchema`), with the same tables as the
 * default portal's: its records and id counters, webhooks, users, limits' counters and
 * snapshots cannot meet another portal's, and no query can forget a scope, because there is
 * none to forget. The default portal's database also holds the directory: each other portal's
 * name, member id and settings, and which portal each webhook secret belongs to, so a call
 * finds its portal from its credentials alone.
 */
import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { AdjustableClock } from '../clock.js';
import { ensureUser } from '../platform/users.js';
import { type Credentials, hashSecret, newWebhookSecret } from '../rest/auth.js';
import type { Platform } from '../rest/dispatch.js';
import type { PortalRow } from '../store/repositories/portals.js';
import { Store, type StoreOptions } from '../store/store.js';
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
}

/** What the admin API answers about a portal. */
export interface PortalInfo {
  name: string;
  domain: string;
  memberId: string;
  settings: PortalSettingsDocument;
  /** URLs of the webhooks made or given when the portal was created (secrets are stored hashed). */
  webhookUrls?: string[];
}

export interface CreatePortalRequest {
  name?: unknown;
  settings?: unknown;
  webhooks?: unknown;
}

/** How a portal's platform is put together from its store, clock and settings (src/server.ts). */
export type PlatformBuilder = (store: Store, clock: AdjustableClock, settings: PortalSettingsDocument) => Platform;

/** How long a credential's portal is believed without asking the directory again, ms. */
const RESOLVED_MS = 1000;

export class Portals {
  private readonly open = new Map<string, Promise<Portal | undefined>>();
  /** Credentials whose portal was looked up lately: key as the caller cache keys them. */
  private readonly resolved = new Map<string, { portal: string; until: number }>();

  constructor(
    private readonly storeOptions: StoreOptions,
    readonly defaultPortal: Portal,
    /** The settings the `serve` flags give; a new portal starts from them. */
    private readonly defaults: PortalSettingsDocument,
    private readonly build: PlatformBuilder,
    /** The server's base URL, where every portal's webhooks are called. */
    private readonly baseUrl: () => string,
  ) {}

  private get control(): Store {
    return this.defaultPortal.platform.store;
  }

  info(portal: Portal, webhookUrls?: string[]): PortalInfo {
    const info: PortalInfo = {
      name: portal.name,
      domain: new URL(this.baseUrl()).host,
      memberId: portal.memberId,
      settings: portal.settings,
    };
    if (webhookUrls) info.webhookUrls = webhookUrls;
    return info;
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
      store = await this.openStore(name);
      const opened = store;
      await store.write(async (repos) => {
        // What OAuth answers and event payloads carry as member_id.
        await repos.portal.setting('member_id', () => row.memberId);
        for (const spec of specs) {
          await ensureUser(repos, spec.userId, now);
          await repos.webhooks.upsert(spec.userId, hashSecret(spec.secret), spec.scopes, now);
        }
      });
      const portal = this.portalOf(row, opened);
      this.open.set(name, Promise.resolve(portal));
      return this.info(
        portal,
        specs.map((s) => `${this.baseUrl()}/rest/${s.userId}/${s.secret}/`),
      );
    } catch (error) {
      await store?.close();
      await this.control.write(({ portals }) => portals.remove(name));
      await this.removeData(name);
      throw error;
    }
  }

  /** The portal, opening its database on first use; undefined when there is none of that name. */
  get(name: string): Promise<Portal | undefined> {
    if (name === DEFAULT_PORTAL) return Promise.resolve(this.defaultPortal);
    let opening = this.open.get(name);
    if (opening === undefined) {
      opening = this.openPortal(name);
      this.open.set(name, opening);
      // A portal that is not there (yet) is asked for again next time.
      opening.then(
        (p) => p ?? this.open.delete(name),
        () => this.open.delete(name),
      );
    }
    return opening;
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
    portal.platform = this.build(portal.platform.store, portal.platform.clock as AdjustableClock, settings);
    return this.info(portal);
  }

  async remove(name: string): Promise<void> {
    if (name === DEFAULT_PORTAL) {
      throw new PortalError(400, 'PORTAL_REQUIRED', 'The portal "default" cannot be removed');
    }
    const portal = await this.require(name);
    await this.control.write(({ portals }) => portals.remove(name));
    this.open.delete(name);
    for (const [key, entry] of this.resolved) if (entry.portal === name) this.resolved.delete(key);
    await portal.platform.store.close();
    await this.removeData(name);
  }

  async require(name: string): Promise<Portal> {
    const portal = await this.get(name);
    if (!portal) throw new PortalError(404, 'PORTAL_NOT_FOUND', `No portal named "${name}"`);
    return portal;
  }

  /**
   * The platform of the portal the credentials belong to. A webhook secret of another portal is
   * in the directory; anything else (and anything unknown) is the default portal's to judge.
   */
  async platformFor(credentials: Credentials): Promise<Platform> {
    const secret = credentials.webhook?.secret;
    if (secret === undefined) return this.defaultPortal.platform;
    const now = performance.now();
    const known = this.resolved.get(secret);
    let name = known !== undefined && known.until > now ? known.portal : undefined;
    if (name === undefined) {
      name = (await this.control.read(({ portals }) => portals.portalOf(hashSecret(secret)))) ?? DEFAULT_PORTAL;
      if (this.resolved.size >= 10_000) this.resolved.clear();
      this.resolved.set(secret, { portal: name, until: now + RESOLVED_MS });
    }
    // A portal removed by another process: its credentials match nothing.
    return ((await this.get(name)) ?? this.defaultPortal).platform;
  }

  async close(): Promise<void> {
    const portals = await Promise.all(this.open.values());
    this.open.clear();
    for (const portal of portals) if (portal) await portal.platform.store.close();
  }

  private async openPortal(name: string): Promise<Portal | undefined> {
    const row = await this.control.read(({ portals }) => portals.find(name));
    if (row === undefined) return undefined;
    return this.portalOf(row, await this.openStore(name));
  }

  private portalOf(row: PortalRow, store: Store): Portal {
    const settings = mergeSettings(this.defaults, JSON.parse(row.settings));
    return {
      name: row.name,
      memberId: row.memberId,
      settings,
      platform: this.build(store, new AdjustableClock(), settings),
    };
  }

  /** A secret is one portal's: a call with it must reach that portal and no other. */
  private async claimSecret(secret: string, portal: string): Promise<void> {
    const hash = hashSecret(secret);
    const inDefault = await this.control.read(({ webhooks }) => webhooks.findBySecretHash(hash));
    const claimed =
      inDefault === undefined && (await this.control.write(({ portals }) => portals.claimSecret(hash, portal)));
    if (!claimed) throw new PortalError(409, 'SECRET_IN_USE', 'A webhook secret of another portal was given');
  }

  /** On PostgreSQL the portal's store draws on the default portal's connections (store.ts). */
  private openStore(name: string): Promise<Store> {
    return Store.open(this.storeOptionsOf(name), this.control);
  }

  private storeOptionsOf(name: string): StoreOptions {
    if (this.storeOptions.database !== undefined) return { ...this.storeOptions, schema: portalSchema(name) };
    const data = this.storeOptions.data === ':memory:' ? ':memory:' : join(this.storeOptions.data, 'portals', name);
    return { ...this.storeOptions, data };
  }

  /** The portal's records, gone: its schema on PostgreSQL, its directory on SQLite. */
  private async removeData(name: string): Promise<void> {
    if (this.storeOptions.database !== undefined) {
      await this.control.dropSchema(portalSchema(name));
      return;
    }
    if (this.storeOptions.data === ':memory:') return;
    rmSync(join(this.storeOptions.data, 'portals', name), { recursive: true, force: true });
  }
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
