#!/usr/bin/env node
/**
 * `b24-booking`: serve, and the offline commands that act on a data directory directly.
 * Every flag also reads `B24_<FLAG_IN_UPPER_SNAKE>`; a flag wins over its variable.
 */
import { parseArgs } from 'node:util';
import { isClusterWorker, runPrimary, workerOptions } from './cluster.js';
import { readSeedFile, resetCommand, seedCommand, snapshotCommand } from './devtools/commands.js';
import { HANDLER_MODES } from './events/handler-address.js';
import { journalCommand } from './journal/command.js';
import { createRegistry } from './methods.js';
import { registerApp } from './oauth/grants.js';
import { LOG_LEVELS } from './observability/log.js';
import { portalAdd, portalList, portalRemove, withPortal } from './offline.js';
import { openApiJson } from './openapi/document.js';
import { DEFAULT_PORTAL } from './portals/portals.js';
import { newWebhookSecret } from './rest/auth.js';
import type { Platform } from './rest/dispatch.js';
import { parseOperatingLimit, parseRateLimit } from './rest/limits.js';
import { type Banner, CONNECTION_DEFAULTS, type ServerOptions, startServer, type WebhookInfo } from './server.js';
import type { Store } from './store/store.js';
import { DEFAULT_SCOPES, parseWebhookSpec } from './webhook-spec.js';

const USAGE = `Usage:
  b24-booking serve [--host 127.0.0.1] [--port 8080] [--data ./data | --data :memory:]
                    [--database postgres://user:pass@host/db] [--pool-size 10]
                    [--webhook USERID:SECRET[:scope,scope]]... [--admin-token TOKEN]
                    [--metrics admin|public]
                    [--tls-cert FILE --tls-key FILE | --tls self-signed] [--sync normal|full]
                    [--overbooking on|off] [--booking-deals on|off]
                    [--rate-limit X:Y|cloud|off] [--operating-limit SECONDS|off] [--workers 1]
                    [--clock ISO-8601] [--seed FILE] [--log-level info]
                    [--event-timeout-ms 5000] [--event-tries 5] [--event-backoff-ms 1000]
                    [--event-concurrency 16] [--event-handlers local|public]
                    [--max-connections 1000] [--headers-timeout 10] [--request-timeout 30]
                    [--unauthenticated-memory 64] [--portal-domain NAME] [--journal-size 1000]
  b24-booking webhook add [--user 1] [--secret SECRET] [--scopes booking,crm] [--url BASE]
  b24-booking webhook list
  b24-booking webhook remove ID
  b24-booking app add --name NAME --scopes booking,crm [--handler URL]
  b24-booking reset | snapshot save NAME | snapshot load NAME | snapshot list | seed FILE
  b24-booking events failed     (deliveries given up on, one JSON object a line)
  b24-booking portal add NAME [--overbooking on|off] [--booking-deals on|off]
                    [--rate-limit X:Y|cloud|off] [--operating-limit SECONDS|off] [--seed FILE]
                    [--webhook USERID:SECRET[:scope,scope]]... [--url BASE]
                                (prints the JSON POST /_admin/portals answers)
  b24-booking portal list [--url BASE]  (every portal, default first, one JSON object a line)
  b24-booking portal remove NAME
  b24-booking journal [--portal NAME] [--method GLOB] [--status 200|4xx|5xx] [--since ID]
                    [--limit N] [--follow] [--url http://127.0.0.1:8080] [--admin-token TOKEN]
                                (a running server's journal, one JSON entry a line, oldest
                                 first; --follow goes on with new entries as they come)
  b24-booking openapi           (the OpenAPI 3.1 document of the REST methods, as GET /openapi.json)
  (the offline commands take the same --data or --database as serve, and act on the portal
   --portal NAME, default "default"; --url BASE is where the server answers, e.g.
   http://127.0.0.1:8080: printed webhooks are full URLs on it, without it paths /rest/...)`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  data: { type: 'string' },
  database: { type: 'string' },
  'pool-size': { type: 'string' },
  webhook: { type: 'string', multiple: true },
  'admin-token': { type: 'string' },
  metrics: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  tls: { type: 'string' },
  sync: { type: 'string' },
  overbooking: { type: 'string' },
  'booking-deals': { type: 'string' },
  'rate-limit': { type: 'string' },
  'operating-limit': { type: 'string' },
  workers: { type: 'string' },
  clock: { type: 'string' },
  seed: { type: 'string' },
  'log-level': { type: 'string' },
  'event-timeout-ms': { type: 'string' },
  'event-tries': { type: 'string' },
  'event-backoff-ms': { type: 'string' },
  'event-concurrency': { type: 'string' },
  'max-connections': { type: 'string' },
  'headers-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  'unauthenticated-memory': { type: 'string' },
  'portal-domain': { type: 'string' },
  'journal-size': { type: 'string' },
  method: { type: 'string' },
  status: { type: 'string' },
  since: { type: 'string' },
  limit: { type: 'string' },
  follow: { type: 'boolean' },
  'event-handlers': { type: 'string' },
  name: { type: 'string' },
  handler: { type: 'string' },
  user: { type: 'string' },
  secret: { type: 'string' },
  scopes: { type: 'string' },
  portal: { type: 'string' },
  url: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flag = keyof typeof OPTIONS;
/** Flags of one command's own, read from its command line only (no `B24_*` variable). */
type CommandFlag = 'webhook' | 'help' | 'follow' | 'method' | 'status' | 'since' | 'limit';

/** `B24_WEBHOOKS=1:abc:booking,crm,2:def`: an entry starts at `<digits>:`, scopes run on after it. */
export function splitWebhookList(text: string): string[] {
  const out: string[] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (/^\d+:/.test(part) || out.length === 0) out.push(part);
    else out[out.length - 1] += `,${part}`;
  }
  return out;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const flag = (name: Exclude<Flag, CommandFlag>): string | undefined =>
    (values[name] as string | undefined) ?? process.env[envName(name)];
  const data = flag('data') ?? './data';
  const [command, sub, arg] = positionals;

  if (values.help || command === undefined) {
    console.log(USAGE);
    return;
  }
  // Describes the methods only: no store is opened.
  if (command === 'openapi') {
    process.stdout.write(openApiJson(createRegistry().all()));
    return;
  }
  if (command === 'serve') {
    const webhooks = values.webhook ?? splitWebhookList(process.env.B24_WEBHOOKS ?? '');
    return serve(parseWorkers(flag('workers')), {
      host: flag('host'),
      port: flag('port') === undefined ? 8080 : Number(flag('port')),
      data,
      database: flag('database'),
      poolSize: flag('pool-size') === undefined ? undefined : Number(flag('pool-size')),
      webhooks,
      adminToken: flag('admin-token'),
      metrics: oneOf(flag('metrics'), ['admin', 'public'] as const, '--metrics'),
      tlsCert: flag('tls-cert'),
      tlsKey: flag('tls-key'),
      tls: oneOf(flag('tls'), ['self-signed'] as const, '--tls'),
      sync: oneOf(flag('sync'), ['normal', 'full'] as const, '--sync'),
      ...settingFlags(flag),
      ...connectionLimits(flag),
      portalDomain: hostName(flag('portal-domain'), '--portal-domain'),
      journalSize: wholeNumber(flag('journal-size'), '--journal-size'),
      clock: flag('clock'),
      seed: flag('seed'),
      logLevel: oneOf(flag('log-level'), LOG_LEVELS, '--log-level') ?? 'info',
      events: {
        timeoutMs: positive(flag('event-timeout-ms'), '--event-timeout-ms'),
        maxAttempts: positive(flag('event-tries'), '--event-tries'),
        backoffMs: positive(flag('event-backoff-ms'), '--event-backoff-ms'),
        concurrency: positive(flag('event-concurrency'), '--event-concurrency'),
      },
      eventHandlers: oneOf(flag('event-handlers'), HANDLER_MODES, '--event-handlers'),
    });
  }
  if (command === 'journal') {
    const adminToken = flag('admin-token');
    if (adminToken === undefined) throw new Error("journal needs the server's --admin-token (or B24_ADMIN_TOKEN)");
    return journalCommand({
      url: baseUrlFlag(flag) || 'http://127.0.0.1:8080',
      adminToken,
      portal: flag('portal') ?? DEFAULT_PORTAL,
      filter: { method: values.method, status: values.status, since: values.since, limit: values.limit },
      follow: values.follow === true,
    });
  }
  const offline: ServerOptions = { data, database: flag('database') };
  const onPortal = (action: (platform: Platform) => Promise<void>) =>
    withPortal(offline, flag('portal') ?? DEFAULT_PORTAL, (portal) => action(portal.platform));
  if (command === 'reset') return onPortal(resetCommand);
  if (command === 'snapshot') return onPortal((platform) => snapshotCommand(sub, arg, platform));
  if (command === 'seed') {
    const document = readSeedFile(sub);
    return onPortal((platform) => seedCommand(document, platform));
  }
  if (command === 'events' && sub === 'failed') return onPortal(({ store }) => eventsFailed(store));
  if (command === 'app' && sub === 'add') return appAdd(onPortal, flag);
  if (command === 'webhook') return webhookCommand(sub, arg, offline, flag);
  if (command === 'portal')
    return portalCommand(sub, arg, offline, flag, { webhooks: values.webhook, seed: values.seed });
  throw new Error(`unknown command "${command}"\n${USAGE}`);
}

/** The flags that give the default portal's settings (`serve`) or a new portal's (`portal add`). */
function settingFlags(flag: (name: Exclude<Flag, CommandFlag>) => string | undefined) {
  return {
    overbooking: oneOf(flag('overbooking'), ['on', 'off'] as const, '--overbooking') !== 'off',
    bookingDeals: oneOf(flag('booking-deals'), ['on', 'off'] as const, '--booking-deals') !== 'off',
    limits: {
      rate: parseRateLimit(flag('rate-limit')),
      operatingSeconds: parseOperatingLimit(flag('operating-limit')),
    },
  };
}

/** `--url`: where the server answers, for printed webhook URLs ('' when not given: paths). */
function baseUrlFlag(flag: (name: 'url') => string | undefined): string {
  const url = flag('url');
  if (url === undefined) return '';
  if (!isWebUrl(url)) throw new Error(`--url must be an http: or https: URL, e.g. http://127.0.0.1:8080; got "${url}"`);
  return url.replace(/\/+$/, '');
}

function portalCommand(
  sub: string | undefined,
  name: string | undefined,
  offline: ServerOptions,
  flag: (name: Exclude<Flag, CommandFlag>) => string | undefined,
  /** Read from the command line only: B24_SEED and B24_WEBHOOKS are the default portal's. */
  given: { webhooks?: string[]; seed?: string },
): Promise<void> {
  if (sub === 'add') {
    if (!name) throw new Error(`portal add takes the new portal's name\n${USAGE}`);
    const seed = given.seed === undefined ? undefined : readSeedFile(given.seed);
    const settings = settingFlags(flag);
    return portalAdd({ ...offline, ...settings }, { name, webhooks: given.webhooks, seed }, baseUrlFlag(flag));
  }
  if (sub === 'list') return portalList(offline, baseUrlFlag(flag));
  if (sub === 'remove') return portalRemove(offline, name);
  throw new Error(`unknown portal command "${sub ?? ''}"\n${USAGE}`);
}

/** `B24_<FLAG_IN_UPPER_SNAKE>`, except `--database`, whose variable is the customary B24_DATABASE_URL. */
function envName(flag: string): string {
  return flag === 'database' ? 'B24_DATABASE_URL' : `B24_${flag.toUpperCase().replace(/-/g, '_')}`;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${name} must be one of: ${allowed.join(', ')}`);
  return value as T;
}

/** A positive whole number flag, or undefined when not given. */
function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer; got "${value}"`);
  return n;
}

/** A whole number flag from 0, or undefined when not given. */
function wholeNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) throw new Error(`${name} must be a whole number >= 0; got "${value}"`);
  return Number(value);
}

/** A host name flag (letters, digits, `-` and dots), or undefined when not given. */
function hostName(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(value)) throw new Error(`${name} must be a host name; got "${value}"`);
  return value.toLowerCase();
}

/** The flags that bound what slow, many or unauthenticated clients can cost. */
function connectionLimits(flag: (name: Exclude<Flag, CommandFlag>) => string | undefined) {
  const limits = {
    maxConnections: positive(flag('max-connections'), '--max-connections'),
    headersTimeout: positive(flag('headers-timeout'), '--headers-timeout'),
    requestTimeout: positive(flag('request-timeout'), '--request-timeout'),
    unauthenticatedMemory: positive(flag('unauthenticated-memory'), '--unauthenticated-memory'),
  };
  const headers = limits.headersTimeout ?? CONNECTION_DEFAULTS.headersTimeout;
  const request = limits.requestTimeout ?? CONNECTION_DEFAULTS.requestTimeout;
  if (headers > request) throw new Error('--headers-timeout must not be longer than --request-timeout');
  return limits;
}

/** `--workers N`: a whole number from 1 (the default: one process, no cluster). */
function parseWorkers(text: string | undefined): number {
  if (text === undefined) return 1;
  const workers = Number(text);
  if (!(Number.isInteger(workers) && workers >= 1))
    throw new Error(`--workers must be a whole number >= 1; got "${text}"`);
  return workers;
}

function serve(workers: number, options: ServerOptions): Promise<void> {
  if (isClusterWorker()) return serveWorker(workerOptions(options));
  if (workers === 1) return serveOne(options);
  if (options.data === ':memory:' && options.database === undefined) {
    throw new Error('--workers needs a shared store: a data directory or --database, not --data :memory:');
  }
  return runPrimary(options, workers, {
    started: (banner) => printBanner(banner, `${workers} workers`),
    log: (line) => console.log(line),
  });
}

async function serveOne(options: ServerOptions): Promise<void> {
  const server = await startServer({ ...options, onUnexpectedError });
  // Handlers before the banner: a supervisor (or a test) may signal as soon as it has read it.
  stopOnSignals(server.close, (signal) => console.log(`${signal}: finishing requests in flight, then stopping`));
  printBanner(server.banner);
}

/** A worker of `--workers N`: the primary prints for it. */
async function serveWorker(options: ServerOptions): Promise<void> {
  // The primary forwards SIGTERM at any time, also while this worker is still starting.
  const starting = startServer({ ...options, onUnexpectedError });
  stopOnSignals(
    async () => (await starting).close(),
    () => {},
  );
  await starting;
}

function onUnexpectedError(error: unknown): void {
  console.error('unexpected error:', error);
}

function printBanner(banner: Banner, processes?: string): void {
  console.log(`b24-booking-server listening on ${banner.url}${processes ? ` (${processes})` : ''}`);
  console.log(`REST base: ${banner.url}/rest/`);
  for (const url of banner.newWebhookUrls) console.log(`Webhook: ${url}`);
  const webhookLine = (hook: WebhookInfo, note: string) =>
    console.log(`Webhook #${hook.id}: user ${hook.userId}, scopes ${hook.scopes.join(',')} (${note})`);
  for (const hook of banner.givenWebhooks) webhookLine(hook, 'secret as given, not shown');
  for (const hook of banner.storedWebhooks) webhookLine(hook, 'secret stored hashed, not shown');
  if (banner.seeded) console.log(`Seeded: ${JSON.stringify(banner.seeded.counts)}`);
  if (banner.certPath) console.log(`TLS certificate: ${banner.certPath} (trust it with NODE_EXTRA_CA_CERTS)`);
  if (banner.certReplaced) {
    console.log(
      'TLS certificate: the one kept there was a CA certificate (made by an older version); replaced by one for this server only, trust the new one',
    );
  }
  // The sign-in link carries the token only when this start made it (as the line below shows it).
  const signIn = banner.newAdminToken ? `#token=${encodeURIComponent(banner.newAdminToken)}` : '';
  console.log(`Console: ${banner.url}/_console/${signIn}`);
  // The last line: scripts and tests wait for it.
  console.log(`Admin token: ${banner.newAdminToken ?? 'as given (--admin-token or B24_ADMIN_TOKEN)'}`);
}

function stopOnSignals(close: () => Promise<void>, announce: (signal: string) => void): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    announce(signal);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function webhookCommand(
  sub: string | undefined,
  arg: string | undefined,
  offline: ServerOptions,
  flag: (name: 'user' | 'secret' | 'scopes' | 'url' | 'portal') => string | undefined,
): Promise<void> {
  // Checked before any store is opened.
  const base = sub === 'add' ? baseUrlFlag(flag) : '';
  return withPortal(offline, flag('portal') ?? DEFAULT_PORTAL, async (portal, portals) => {
    const { store } = portal.platform;
    if (sub === 'add') {
      const secret = flag('secret') ?? newWebhookSecret();
      const spec = parseWebhookSpec(`${flag('user') ?? '1'}:${secret}:${flag('scopes') ?? DEFAULT_SCOPES.join(',')}`);
      // Through the directory: a call with this secret reaches this portal and no other.
      const row = await portals.addWebhook(portal.name, spec, Date.now());
      const path = `/rest/${spec.userId}/${secret}/`;
      console.log(
        JSON.stringify({
          id: row.id,
          userId: spec.userId,
          secret,
          scopes: spec.scopes,
          path,
          ...(base === '' ? {} : { url: `${base}${path}` }),
        }),
      );
    } else if (sub === 'list') {
      for (const hook of await store.read(({ webhooks }) => webhooks.list())) {
        console.log(
          `#${hook.id} user ${hook.userId} scopes ${hook.scopes.join(',')} created ${new Date(hook.createdAt).toISOString()}`,
        );
      }
    } else if (sub === 'remove') {
      const id = Number(arg);
      if (!Number.isSafeInteger(id)) throw new Error('webhook remove takes the webhook id (see webhook list)');
      if (!(await store.write(({ webhooks }) => webhooks.remove(id)))) throw new Error(`no webhook #${id}`);
      console.log(`removed webhook #${id}`);
    } else {
      throw new Error(`unknown webhook command "${sub ?? ''}"\n${USAGE}`);
    }
  });
}

/** `events failed`: the deliveries given up on, oldest first, one JSON object a line. */
async function eventsFailed(store: Store): Promise<void> {
  for (const failed of await store.read(({ eventDeliveries }) => eventDeliveries.failed())) {
    console.log(JSON.stringify({ ...failed, failedAt: new Date(failed.failedAt).toISOString() }));
  }
}

/** The authorization step redirects the browser to the handler: a web page, never `javascript:` or `file:`. */
function isWebUrl(text: string): boolean {
  return URL.canParse(text) && ['http:', 'https:'].includes(new URL(text).protocol);
}

/** `app add`: registers a local OAuth application and prints its keys once, as JSON. */
async function appAdd(
  onPortal: (action: (platform: Platform) => Promise<void>) => Promise<void>,
  flag: (name: 'name' | 'scopes' | 'handler') => string | undefined,
): Promise<void> {
  const name = flag('name');
  if (!name) throw new Error(`app add needs --name\n${USAGE}`);
  const scopes = (flag('scopes') ?? DEFAULT_SCOPES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const handler = flag('handler');
  if (handler !== undefined && !isWebUrl(handler)) {
    throw new Error(`--handler must be an http: or https: URL; got "${handler}"`);
  }
  await onPortal(async ({ store, credentialIndex }) => {
    const app = { name, scopes, handlerUrl: handler };
    console.log(JSON.stringify(await registerApp(store, app, Date.now(), credentialIndex)));
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`b24-booking: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
