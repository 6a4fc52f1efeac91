/**
 * The processes of one server (`serve --workers N`) share one database, and each keeps its open
 * portals' settings and clocks in memory. A change made through one worker (a PATCH, the clock,
 * a removal) is written to the directory, then announced: the primary asks every other worker to
 * read that portal's row again, and the change is answered only once they all have, so the next
 * call sees it whichever worker takes it. Processes that are not this server's workers (another
 * `serve` on the same database) see it when they next read the rows (src/portals/portals.ts).
 */
import cluster, { type Worker } from 'node:cluster';

export interface PortalPeers {
  /** Resolves once every other process has read the portal's row again (or gave no answer in time). */
  announce(name: string): Promise<void>;
}

/** Worker to primary: a portal changed. */
const CHANGED = 'b24:portal-changed';
/** Primary to the other workers: read the portal's row again. */
const RELOAD = 'b24:portal-reload';
/** Worker to primary: done. */
const RELOADED = 'b24:portal-reloaded';
/** Primary to the worker that changed it: every other worker has it. */
const ANNOUNCED = 'b24:portal-announced';

/**
 * How long an announcement waits for the other workers at most: one that is stuck (or starting)
 * must not hold up the change; it reads the rows again within a second anyway.
 */
const ANNOUNCE_TIMEOUT_MS = 2000;

interface PeerMessage {
  type: string;
  id: number;
  name?: string;
}

function isPeerMessage(message: unknown): message is PeerMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as PeerMessage).type === 'string' &&
    (message as PeerMessage).type.startsWith('b24:portal-') &&
    typeof (message as PeerMessage).id === 'number'
  );
}

/** In a worker of `--workers`: the other workers, reached through the primary; none otherwise. */
export function workerPeers(reload: (name: string) => Promise<void>): PortalPeers | undefined {
  if (!cluster.isWorker || process.send === undefined) return undefined;
  const send = (message: PeerMessage) => process.send?.(message);
  const waiting = new Map<number, () => void>();
  let last = 0;
  process.on('message', (message: unknown) => {
    if (!isPeerMessage(message)) return;
    if (message.type === RELOAD && message.name !== undefined) {
      void reload(message.name)
        .catch(() => {})
        .finally(() => send({ type: RELOADED, id: message.id }));
    } else if (message.type === ANNOUNCED) {
      waiting.get(message.id)?.();
    }
  });
  return {
    announce: (name) =>
      new Promise<void>((resolve) => {
        const id = ++last;
        const done = () => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve();
        };
        const timer = setTimeout(done, ANNOUNCE_TIMEOUT_MS + 500);
        waiting.set(id, done);
        send({ type: CHANGED, id, name });
      }),
  };
}

/** In the primary of `--workers`: passes each worker's announcements to the others. */
export function relayPortalChanges(): void {
  const pending = new Map<number, { waitingFor: Set<Worker>; finish: () => void }>();
  let last = 0;
  const answered = (id: number, worker: Worker) => {
    const entry = pending.get(id);
    if (entry === undefined) return;
    entry.waitingFor.delete(worker);
    if (entry.waitingFor.size === 0) entry.finish();
  };
  cluster.on('message', (from: Worker, message: unknown) => {
    if (!isPeerMessage(message)) return;
    if (message.type === RELOADED) {
      answered(message.id, from);
      return;
    }
    if (message.type !== CHANGED || message.name === undefined) return;
    const others = Object.values(cluster.workers ?? {}).filter(
      (w): w is Worker => w !== undefined && w !== from && w.isConnected(),
    );
    const id = ++last;
    const finish = () => {
      clearTimeout(timer);
      pending.delete(id);
      if (from.isConnected()) from.send({ type: ANNOUNCED, id: message.id } satisfies PeerMessage);
    };
    const timer = setTimeout(finish, ANNOUNCE_TIMEOUT_MS);
    pending.set(id, { waitingFor: new Set(others), finish });
    if (others.length === 0) finish();
    for (const worker of others) worker.send({ type: RELOAD, id, name: message.name } satisfies PeerMessage);
  });
  // A worker that dies owes no answer.
  cluster.on('exit', (worker) => {
    for (const id of [...pending.keys()]) answered(id, worker);
  });
}
