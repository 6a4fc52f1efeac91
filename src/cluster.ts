/**
 * `serve --workers N`: N worker processes (node:cluster) share the listening port, each with its
 * own store (its own PostgreSQL pool, or its own connection to the SQLite file). The primary
 * settles what must happen once before any worker starts (migrations, the start-up webhooks, the
 * admin token, the self-signed certificate), prints the start-up lines once, restarts a worker
 * that dies, and on SIGTERM or SIGINT lets every worker finish its requests in flight.
 */
import cluster, { type Worker } from 'node:cluster';
import { hostJournal, WorkerJournal } from './journal/cluster.js';
import { LocalJournal } from './journal/journal.js';
import { relayPortalChanges } from './portals/peers.js';
import { type Banner, bannerOf, journalSizeOf, prepareStartup, type ServerOptions, storeOptionsOf } from './server.js';
import { Store } from './store/store.js';

/** What the primary settled, handed to each worker in its environment. */
const SETUP_VARIABLE = 'B24_CLUSTER_WORKER_SETUP';

interface WorkerSetup {
  adminToken: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** A worker that dies sooner than this after its start is restarted after this long instead of at once. */
const RESTART_BACKOFF_MS = 1000;

export const isClusterWorker = (): boolean => cluster.isWorker;

/** In a worker: the options the primary settled, over the flags both processes read. */
export function workerOptions(options: ServerOptions): ServerOptions {
  const setup = JSON.parse(process.env[SETUP_VARIABLE] ?? '{}') as WorkerSetup;
  return {
    ...options,
    // The primary registered them (and made the first webhook when none was stored).
    webhooks: [],
    adminToken: setup.adminToken,
    tls: undefined,
    tlsCert: setup.tlsCert,
    tlsKey: setup.tlsKey,
    // The primary keeps the journal of every worker's calls.
    journal: new WorkerJournal(journalSizeOf(options)),
  };
}

export interface ClusterEvents {
  /** The start-up lines, once every worker listens. */
  started(banner: Banner): void;
  log(line: string): void;
}

/** In the primary: starts `workers` workers and keeps them running until a signal stops them. */
export async function runPrimary(options: ServerOptions, workers: number, events: ClusterEvents): Promise<void> {
  const store = await Store.open(storeOptionsOf(options));
  let startup: Awaited<ReturnType<typeof prepareStartup>>;
  try {
    startup = await prepareStartup(store, options);
  } finally {
    await store.close();
  }
  const setup: WorkerSetup = {
    adminToken: startup.adminToken,
    tlsCert: startup.tls?.certPath,
    tlsKey: startup.tls?.keyPath,
  };
  relayPortalChanges();
  hostJournal(new LocalJournal(journalSizeOf(options)));
  const startedAt = new Map<Worker, number>();
  const fork = () => startedAt.set(cluster.fork({ [SETUP_VARIABLE]: JSON.stringify(setup) }), Date.now());

  const port = await new Promise<number>((resolve, reject) => {
    let listening = 0;
    const onListening = (_worker: Worker, address: { port: number }) => {
      if (++listening < workers) return;
      cluster.off('exit', onEarlyExit);
      resolve(address.port);
    };
    const onEarlyExit = (worker: Worker, code: number | null, signal: string | null) => {
      cluster.off('listening', onListening);
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      reject(new Error(`worker ${worker.process.pid} exited during start-up (${signal ?? `code ${code}`})`));
    };
    cluster.on('listening', onListening);
    cluster.once('exit', onEarlyExit);
    for (let i = 0; i < workers; i++) fork();
  });
  events.started(bannerOf(startup, options.host ?? '127.0.0.1', port));

  const listening = new Set<Worker>(Object.values(cluster.workers ?? {}).filter((w) => w !== undefined));
  cluster.on('listening', (worker) => listening.add(worker));
  let stopping = false;
  let failed = false;
  cluster.on('exit', (worker, code, signal) => {
    const uptime = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) {
      // A worker still starting has nothing in flight; the signal may end it before it can listen.
      if (listening.has(worker) && code !== 0) failed = true;
      listening.delete(worker);
      if (startedAt.size === 0) process.exit(failed ? 1 : 0);
      return;
    }
    listening.delete(worker);
    events.log(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
    setTimeout(() => stopping || fork(), uptime < RESTART_BACKOFF_MS ? RESTART_BACKOFF_MS : 0);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    events.log(`${signal}: finishing requests in flight, then stopping`);
    for (const worker of startedAt.keys()) worker.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
