/**
 * What the offline commands act on: one portal of the store given by `--data` / `--database`,
 * reached through the same Portals a running server uses (src/server.ts `openPortals`), so
 * names, settings, secrets and refusals follow the same code. No server needs to run.
 */
import { AdjustableClock } from './clock.js';
import { applySeed } from './devtools/seed.js';
import { DEFAULT_PORTAL, type Portal, type Portals } from './portals/portals.js';
import { openPortals, type ServerOptions, storeOptionsOf } from './server.js';
import { Store } from './store/store.js';

/**
 * Runs `action` on the portal named `name` (unknown: `No portal named ...`), then closes every
 * store it opened. `baseUrl` is where the server answers, for the URLs printed ('' unknown).
 */
export async function withPortal<T>(
  options: ServerOptions,
  name: string,
  action: (portal: Portal, portals: Portals) => Promise<T>,
  baseUrl = '',
): Promise<T> {
  const store = await Store.open(storeOptionsOf(options));
  try {
    const portals = await openPortals(store, options, new AdjustableClock(), () => baseUrl);
    try {
      return await action(await portals.require(name), portals);
    } finally {
      await portals.close();
    }
  } finally {
    await store.close();
  }
}

export interface PortalAdd {
  name: string;
  /** `USERID:SECRET[:scope,scope]` each; none: one is made for user 1. */
  webhooks?: string[];
  /** A parsed seed document applied to the new portal; refused: the portal is removed again. */
  seed?: unknown;
}

/** `portal add`: the settings are `options`' (the `serve` flags'), as a new portal's defaults are. */
export function portalAdd(options: ServerOptions, request: PortalAdd, baseUrl: string): Promise<void> {
  return withPortal(
    options,
    DEFAULT_PORTAL,
    async (_default, portals) => {
      const info = await portals.create({ name: request.name, webhooks: request.webhooks }, Date.now());
      if (request.seed !== undefined) {
        try {
          await applySeed((await portals.require(info.name)).platform, request.seed);
        } catch (error) {
          await portals.remove(info.name);
          throw error;
        }
      }
      console.log(JSON.stringify(info));
    },
    baseUrl,
  );
}

/** `portal list`: every portal, `default` first, one JSON object a line. */
export function portalList(options: ServerOptions, baseUrl: string): Promise<void> {
  return withPortal(
    options,
    DEFAULT_PORTAL,
    async (_default, portals) => {
      for (const info of await portals.list()) console.log(JSON.stringify(info));
    },
    baseUrl,
  );
}

export function portalRemove(options: ServerOptions, name: string | undefined): Promise<void> {
  if (!name) throw new Error('portal remove takes the portal name (see portal list)');
  return withPortal(options, DEFAULT_PORTAL, async (_default, portals) => {
    await portals.remove(name);
    console.log(`removed portal "${name}"`);
  });
}
