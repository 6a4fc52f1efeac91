/**
 * The journal of `serve --workers N`: the primary keeps every portal's ring (one LocalJournal),
 * and each worker sends it the calls it answers and asks it for reads, clears and streams over
 * the cluster's IPC channel. So the journal answers for the calls of every worker, its memory is
 * bounded once (not once a worker), and no call writes to the database for it.
 *
 * A worker sends a call's entry before it writes the answer, and the primary answers a read
 * only after the messages that arrived with it (setImmediate runs after the poll phase that read
 * them): a client that reads the journal after its answer came finds its call, whichever
 * worker it asks.
 */
import cluster, { type Worker } from 'node:cluster';
import type { JournalRecord } from './entry.js';
import type { JournalFilter } from './filter.js';
import type { Journal, JournalLine, LocalJournal } from './journal.js';

/** Marks the journal's messages among whatever else travels on the channel. */
const CHANNEL = 'b24-journal';

type ToPrimary =
  | { channel: typeof CHANNEL; kind: 'record'; portal: string; call: JournalRecord; commands: JournalRecord[] }
  | { channel: typeof CHANNEL; kind: 'read'; ask: number; portal: string; filter: JournalFilter }
  | { channel: typeof CHANNEL; kind: 'clear'; ask: number; portal: string }
  | { channel: typeof CHANNEL; kind: 'drop'; portal: string }
  | { channel: typeof CHANNEL; kind: 'follow'; follow: number; portal: string; filter: JournalFilter }
  | { channel: typeof CHANNEL; kind: 'unfollow'; follow: number };

type ToWorker =
  | { channel: typeof CHANNEL; kind: 'answer'; ask: number; lines: JournalLine[] }
  | { channel: typeof CHANNEL; kind: 'line'; follow: number; line: JournalLine };

const isJournalMessage = (message: unknown): boolean =>
  typeof message === 'object' && message !== null && (message as { channel?: unknown }).channel === CHANNEL;

/** In the primary: keeps `journal` for every worker, answering their messages. */
export function hostJournal(journal: LocalJournal): void {
  const follows = new Map<Worker, Map<number, () => void>>();
  const tell = (worker: Worker, message: ToWorker) => {
    if (worker.isConnected()) worker.send(message);
  };
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isJournalMessage(message)) return;
    const m = message as ToPrimary;
    if (m.kind === 'record') journal.record(m.portal, m.call, m.commands);
    else if (m.kind === 'drop') journal.drop(m.portal);
    else if (m.kind === 'read') {
      // The worker checked the filter; one that still fails answers empty rather than never.
      setImmediate(() =>
        journal.read(m.portal, m.filter).then(
          (lines) => tell(worker, { channel: CHANNEL, kind: 'answer', ask: m.ask, lines }),
          () => tell(worker, { channel: CHANNEL, kind: 'answer', ask: m.ask, lines: [] }),
        ),
      );
    } else if (m.kind === 'clear') {
      setImmediate(() =>
        journal.clear(m.portal).then(() => tell(worker, { channel: CHANNEL, kind: 'answer', ask: m.ask, lines: [] })),
      );
    } else if (m.kind === 'follow') {
      setImmediate(() => {
        const own = follows.get(worker) ?? new Map<number, () => void>();
        follows.set(worker, own);
        own.set(
          m.follow,
          journal.follow(m.portal, m.filter, (line) =>
            tell(worker, { channel: CHANNEL, kind: 'line', follow: m.follow, line }),
          ),
        );
      });
    } else if (m.kind === 'unfollow') {
      setImmediate(() => {
        follows.get(worker)?.get(m.follow)?.();
        follows.get(worker)?.delete(m.follow);
      });
    }
  });
  cluster.on('exit', (worker: Worker) => {
    for (const unfollow of follows.get(worker)?.values() ?? []) unfollow();
    follows.delete(worker);
  });
}

/** In a worker: the primary's journal, over the IPC channel. */
export class WorkerJournal implements Journal {
  private nextAsk = 1;
  private readonly asks = new Map<number, (lines: JournalLine[]) => void>();
  private readonly follows = new Map<number, (line: JournalLine) => void>();

  constructor(readonly size: number) {
    process.on('message', (message: unknown) => {
      if (!isJournalMessage(message)) return;
      const m = message as ToWorker;
      if (m.kind === 'answer') {
        this.asks.get(m.ask)?.(m.lines);
        this.asks.delete(m.ask);
      } else this.follows.get(m.follow)?.(m.line);
    });
  }

  private send(message: ToPrimary): void {
    // A primary that is gone (the worker outlives it for a moment at shutdown) keeps nothing.
    if (process.connected) process.send?.(message);
  }

  private ask(message: (ask: number) => ToPrimary): Promise<JournalLine[]> {
    const ask = this.nextAsk++;
    return new Promise((resolve) => {
      this.asks.set(ask, resolve);
      this.send(message(ask));
      if (!process.connected) resolve([]);
    });
  }

  record(portal: string, call: JournalRecord, commands: readonly JournalRecord[] = []): void {
    if (this.size > 0) this.send({ channel: CHANNEL, kind: 'record', portal, call, commands: [...commands] });
  }

  read(portal: string, filter: JournalFilter): Promise<JournalLine[]> {
    return this.ask((ask) => ({ channel: CHANNEL, kind: 'read', ask, portal, filter }));
  }

  async clear(portal: string): Promise<void> {
    await this.ask((ask) => ({ channel: CHANNEL, kind: 'clear', ask, portal }));
  }

  drop(portal: string): void {
    this.send({ channel: CHANNEL, kind: 'drop', portal });
  }

  follow(portal: string, filter: JournalFilter, listener: (line: JournalLine) => void): () => void {
    const follow = this.nextAsk++;
    this.follows.set(follow, listener);
    this.send({ channel: CHANNEL, kind: 'follow', follow, portal, filter });
    return () => {
      this.follows.delete(follow);
      this.send({ channel: CHANNEL, kind: 'unfollow', follow });
    };
  }
}
