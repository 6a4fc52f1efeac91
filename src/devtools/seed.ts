/**
 * Seed documents: a readable file of the state a test or a demo starts from (resource types,
 * resources with slots, bookings, wait-list entries with clients and links, CRM records,
 * webhooks). Every item goes through the same REST method a client would call, so it meets the
 * same rules; the whole document is one transaction, and a refused document changes nothing.
 *
 * Each item holds the `fields` of its `add` method, plus `key` (a name other items refer to as
 * "$key") and its section's extras (`slots`, `clients`, `externalData`).
 */
import { parse as parseYaml } from 'yaml';
import { assertNoNul } from '../http/request-params.js';
import { seedUser } from '../platform/users.js';
import { type Caller, type CredentialIndex, hashSecret } from '../rest/auth.js';
import { type Platform, runAs } from '../rest/dispatch.js';
import { RestError } from '../rest/errors.js';
import { NO_LIMITS } from '../rest/limits.js';
import type { Store } from '../store/store.js';
import { parseWebhookSpec } from '../webhook-spec.js';

/** An extra of an item: the method that sets it, and the parameter names it takes. */
interface Extra {
  method: string;
  idParam: string;
  valueParam: string;
}

interface Section {
  add: string;
  extras: ReadonlyMap<string, Extra>;
}

// Maps, not object literals: section and field names come from the document, and a name such
// as "constructor" must find nothing rather than Object's own member.
const SECTIONS: ReadonlyMap<string, Section> = new Map([
  ...['lead', 'deal', 'contact', 'company'].map((name): [string, Section] => [
    `crm.${name}UserFields`,
    { add: `crm.${name}.userfield.add`, extras: new Map() },
  ]),
  ['crm.leads', { add: 'crm.lead.add', extras: new Map() }],
  ['crm.contacts', { add: 'crm.contact.add', extras: new Map() }],
  ['crm.companies', { add: 'crm.company.add', extras: new Map() }],
  ['crm.deals', { add: 'crm.deal.add', extras: new Map() }],
  ['resourceTypes', { add: 'booking.v1.resourceType.add', extras: new Map() }],
  [
    'resources',
    {
      add: 'booking.v1.resource.add',
      extras: new Map([
        ['slots', { method: 'booking.v1.resource.slots.set', idParam: 'resourceId', valueParam: 'slots' }],
      ]),
    },
  ],
  [
    'bookings',
    {
      add: 'booking.v1.booking.add',
      extras: new Map([
        ['clients', { method: 'booking.v1.booking.client.set', idParam: 'bookingId', valueParam: 'clients' }],
        [
          'externalData',
          { method: 'booking.v1.booking.externalData.set', idParam: 'bookingId', valueParam: 'externalData' },
        ],
      ]),
    },
  ],
  [
    'waitList',
    {
      add: 'booking.v1.waitlist.add',
      extras: new Map([
        ['clients', { method: 'booking.v1.waitlist.client.set', idParam: 'waitListId', valueParam: 'clients' }],
        [
          'externalData',
          { method: 'booking.v1.waitlist.externalData.set', idParam: 'waitListId', valueParam: 'externalData' },
        ],
      ]),
    },
  ],
]);

/**
 * In the order items may refer to each other: users first (CRM records name them), then CRM,
 * bookings after what they book. `users` and `webhooks` are written to the store directly.
 */
const ORDER = [
  'users',
  'crm.leadUserFields',
  'crm.dealUserFields',
  'crm.contactUserFields',
  'crm.companyUserFields',
  'crm.leads',
  'crm.contacts',
  'crm.companies',
  'crm.deals',
  'resourceTypes',
  'resources',
  'bookings',
  'waitList',
];

export class SeedError extends Error {
  override name = 'SeedError';
}

/** Reads a seed document, JSON or YAML (JSON is YAML too). */
export function parseSeed(text: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new SeedError(`the seed document is neither JSON nor YAML: ${(error as Error).message}`);
  }
}

type Item = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lists each section's items, refusing unknown sections and malformed items. */
function sectionsOf(document: unknown): { name: string; items: Item[] }[] {
  if (!isObject(document)) throw new SeedError('a seed document is an object of sections');
  const found = new Map<string, unknown>();
  for (const [name, value] of Object.entries(document)) {
    if (name === 'crm') {
      if (!isObject(value))
        throw new SeedError('"crm" holds "leads", "contacts", "companies", "deals" and their "...UserFields"');
      for (const [sub, items] of Object.entries(value)) found.set(`crm.${sub}`, items);
    } else {
      found.set(name, value);
    }
  }
  for (const name of found.keys()) {
    if (name !== 'webhooks' && name !== 'users' && !SECTIONS.has(name)) {
      throw new SeedError(`unknown section "${name}" (known: ${[...ORDER, 'webhooks'].join(', ')})`);
    }
  }
  return [...ORDER, 'webhooks']
    .filter((name) => found.has(name))
    .map((name) => {
      const items = found.get(name);
      if (!Array.isArray(items) || !items.every(isObject)) throw new SeedError(`"${name}" is a list of objects`);
      return { name, items: items as Item[] };
    });
}

/** Replaces every "$key" string, however deep, by the id of the item with that key. */
function resolveKeys(value: unknown, ids: Map<string, number>, where: string): unknown {
  if (typeof value === 'string' && value.startsWith('$')) {
    const id = ids.get(value.slice(1));
    if (id === undefined) throw new SeedError(`${where}: no item has the key "${value.slice(1)}"`);
    return id;
  }
  if (Array.isArray(value)) return value.map((v) => resolveKeys(v, ids, where));
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveKeys(v, ids, where)]));
  return value;
}

export interface SeedResult {
  /** The id each keyed item got. */
  ids: Record<string, number>;
  /** How many items each section added. */
  counts: Record<string, number>;
}

/** Applies a seed document in one transaction, as user `userId`. */
export async function applySeed(platform: Platform, document: unknown, userId = 1): Promise<SeedResult> {
  const sections = sectionsOf(document);
  const ids = new Map<string, number>();
  const counts: Record<string, number> = {};
  await platform.store.transaction(async (store) => {
    // The seed acts as a user with every scope, unlimited and without faults, inside the seed's transaction.
    const inside: Platform = { ...platform, store, limits: NO_LIMITS, faults: undefined };
    const caller: Caller = { userId, scopes: scopesOf(platform), clientKey: 'seed' };
    const call = async (method: string, params: Record<string, unknown>, where: string) => {
      if (!platform.registry.find(method)) throw new SeedError(`${where}: this server has no method ${method}`);
      try {
        // What a request's transport checks; the seed's text reaches the methods without it.
        assertNoNul(params);
        return (await runAs(inside, caller, method, params)).result;
      } catch (error) {
        if (error instanceof RestError)
          throw new SeedError(`${where}: ${method} refused it: ${error.code} ${error.description}`);
        throw error;
      }
    };
    for (const { name, items } of sections) {
      counts[name] = items.length;
      for (const [index, raw] of items.entries()) {
        const where = `${name}[${index}]`;
        if (name === 'webhooks') {
          await seedWebhook(store, raw, where, platform.clock.now(), platform.credentialIndex);
          continue;
        }
        const { key, ...rest } = raw;
        const remember = (id: number) => {
          if (key === undefined) return;
          if (typeof key !== 'string' || ids.has(key))
            throw new SeedError(`${where}: "key" must be a new, unique string`);
          ids.set(key, id);
        };
        if (name === 'users') {
          remember(await seedPortalUser(store, rest, where, platform.clock.now()));
          continue;
        }
        const section = SECTIONS.get(name) as Section;
        const extras: [Extra, unknown][] = [];
        const fields: [string, unknown][] = [];
        for (const [field, value] of Object.entries(rest)) {
          const extra = section.extras.get(field);
          if (extra) extras.push([extra, value]);
          else fields.push([field, value]);
        }
        const id = await call(section.add, { fields: resolveKeys(Object.fromEntries(fields), ids, where) }, where);
        if (typeof id !== 'number') throw new SeedError(`${where}: ${section.add} gave no id`);
        remember(id);
        for (const [extra, value] of extras) {
          await call(extra.method, { [extra.idParam]: id, [extra.valueParam]: resolveKeys(value, ids, where) }, where);
        }
      }
    }
  });
  // A seeded webhook may re-scope one the server has just seen.
  platform.callers?.clear();
  return { ids: Object.fromEntries(ids), counts };
}

function scopesOf(platform: Platform): string[] {
  return [...new Set(platform.registry.all().map((m) => m.scope))];
}

/** A seeded user: its `ID`, or the next free one. */
async function seedPortalUser(store: Store, item: Item, where: string, now: number): Promise<number> {
  return store.write(async ({ portal }) => {
    const next = Math.max(0, ...(await portal.users()).map((u) => u.id)) + 1;
    let user: ReturnType<typeof seedUser>;
    try {
      user = seedUser(item, next);
    } catch (error) {
      throw new SeedError(`${where}: ${(error as RestError).description}`);
    }
    await portal.putUser(user, now);
    return user.id;
  });
}

/** A seeded webhook; in a portal other than `default`, its secret is claimed in the directory first. */
async function seedWebhook(store: Store, item: Item, where: string, now: number, index?: CredentialIndex) {
  const spec = typeof item.spec === 'string' ? item.spec : undefined;
  if (!spec) throw new SeedError(`${where}: a webhook is {"spec": "USERID:SECRET[:scope,scope]"}`);
  let parsed: ReturnType<typeof parseWebhookSpec>;
  try {
    parsed = parseWebhookSpec(spec);
  } catch (error) {
    throw new SeedError(`${where}: ${(error as Error).message}`);
  }
  const hash = hashSecret(parsed.secret);
  try {
    await index?.claim('webhook', hash);
  } catch {
    throw new SeedError(`${where}: the secret belongs to another portal`);
  }
  await store.write(({ webhooks }) => webhooks.upsert(parsed.userId, hash, parsed.scopes, now));
}
