/**
 * The request journal: per portal, the newest `--journal-size` calls it answered, in memory (no
 * database write per call). Entries are kept as their JSON text's bytes, outside the heap
 * (ring.ts), so a full journal of small calls costs little more than its text and keeping it
 * costs the garbage collector nothing; a read is a join of strings. Ids count up per
 * portal from 1; a batch's entry comes first and its commands follow it, tied by `batchId`.
 */
import type { JournalRecord } from './entry.js';
import { compileFilter, type EntryMatcher, type JournalFilter } from './filter.js';
import { type JournalLine, Ring } from './ring.js';

export type { JournalLine } from './ring.js';

export const DEFAULT_JOURNAL_SIZE = 1000;

/** What a server records calls into and reads them from (in this process, or in the primary's). */
export interface Journal {
  /** Entries kept per portal; 0: the journal is off and records nothing. */
  readonly size: number;
  /** A call and, for a `batch`, its commands (their entries follow the batch's). */
  record(portal: string, call: JournalRecord, commands?: readonly JournalRecord[]): void;
  /** The entries the filter keeps, oldest first. */
  read(portal: string, filter: JournalFilter): Promise<JournalLine[]>;
  clear(portal: string): Promise<void>;
  /** A removed portal: its entries and its count are gone (a new portal of the name starts at 1). */
  drop(portal: string): void;
  /**
   * Calls `listener` with each entry the filter keeps: first those already kept after
   * `filter.since` (when given), then each new one as it is recorded. Returns the unsubscribe.
   */
  follow(portal: string, filter: JournalFilter, listener: (line: JournalLine) => void): () => void;
}

interface Follower {
  matcher: EntryMatcher;
  listener: (line: JournalLine) => void;
}

/** The journal of this process's portals (a single process, or the primary of `--workers`). */
export class LocalJournal implements Journal {
  private readonly rings = new Map<string, Ring>();
  private readonly followers = new Map<string, Set<Follower>>();

  constructor(readonly size: number) {}

  record(portal: string, call: JournalRecord, commands: readonly JournalRecord[] = []): void {
    if (this.size === 0) return;
    let ring = this.rings.get(portal);
    if (ring === undefined) {
      ring = new Ring(this.size);
      this.rings.set(portal, ring);
    }
    const following = this.followers.get(portal);
    const batchId = ring.add(call);
    if (following) this.tell(following, ring);
    for (const command of commands) {
      ring.add(command, batchId);
      if (following) this.tell(following, ring);
    }
  }

  /** The newest entry of `ring` to each follower whose filter keeps it. */
  private tell(following: Set<Follower>, ring: Ring): void {
    for (const { matcher, listener } of following) {
      const line = ring.newest(matcher.matches);
      if (line) listener(line);
    }
  }

  async read(portal: string, filter: JournalFilter): Promise<JournalLine[]> {
    return this.readNow(portal, compileFilter(filter));
  }

  private readNow(portal: string, matcher: EntryMatcher): JournalLine[] {
    return this.rings.get(portal)?.select(matcher) ?? [];
  }

  async clear(portal: string): Promise<void> {
    this.rings.get(portal)?.clear();
  }

  drop(portal: string): void {
    this.rings.delete(portal);
  }

  follow(portal: string, filter: JournalFilter, listener: (line: JournalLine) => void): () => void {
    const matcher = compileFilter(filter);
    if (filter.since !== undefined) for (const line of this.readNow(portal, matcher)) listener(line);
    const follower: Follower = { matcher, listener };
    let following = this.followers.get(portal);
    if (following === undefined) {
      following = new Set();
      this.followers.set(portal, following);
    }
    following.add(follower);
    return () => {
      following.delete(follower);
      if (following.size === 0 && this.followers.get(portal) === following) this.followers.delete(portal);
    };
  }
}
