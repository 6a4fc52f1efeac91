/**
 * The request journal: per portal, the newest `--journal-size` calls it answered, in memory (no
 * database write per call). Entries are kept as their JSON text, so a full journal of small
 * calls costs little more than its text, and a read is a join of strings. Ids count up per
 * portal from 1; a batch's entry comes first and its commands follow it, tied by `batchId`.
 */
import type { JournalRecord } from './entry.js';
import { compileFilter, type EntryMatcher, type JournalFilter } from './filter.js';

export const DEFAULT_JOURNAL_SIZE = 1000;

/** One entry as read: its id, and the entry as JSON text. */
export interface JournalLine {
  id: number;
  text: string;
}

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

interface Kept extends JournalRecord {
  id: number;
  batchId?: number;
}

/**
 * An entry's JSON text: `id`, `batchId`, `time`, then the rest as the record has it. Written when
 * read (reads are few, calls many).
 */
function textOf(entry: Kept): string {
  const tie = entry.batchId === undefined ? '' : `"batchId":${entry.batchId},`;
  return `{"id":${entry.id},${tie}"time":"${new Date(entry.startedAt).toISOString()}",${entry.members}}`;
}

const lineOf = (entry: Kept): JournalLine => ({ id: entry.id, text: textOf(entry) });

/** The newest `size` entries of one portal, in a ring. */
class Ring {
  private kept: Kept[] = [];
  /** Where the oldest entry is, once the ring is full. */
  private head = 0;
  nextId = 1;

  constructor(private readonly size: number) {}

  add(record: JournalRecord, batchId?: number): Kept {
    const entry: Kept = {
      id: this.nextId++,
      method: record.method,
      status: record.status,
      startedAt: record.startedAt,
      members: flat(record.members),
    };
    if (batchId !== undefined) entry.batchId = batchId;
    if (this.kept.length < this.size) this.kept.push(entry);
    else {
      this.kept[this.head] = entry;
      this.head = (this.head + 1) % this.size;
    }
    return entry;
  }

  select(matcher: EntryMatcher): JournalLine[] {
    const out: Kept[] = [];
    const n = this.kept.length;
    for (let i = 0; i < n; i++) {
      const entry = this.kept[(this.head + i) % n] as Kept;
      if (entry.id > matcher.since && matcher.matches(entry.method, entry.status)) out.push(entry);
    }
    return (matcher.limit === undefined ? out : out.slice(-matcher.limit)).map(lineOf);
  }

  clear(): void {
    this.kept = [];
    this.head = 0;
  }
}

/**
 * Past this many characters an entry is mostly the answer's own result text (a piece of the tree
 * shared with the answer, kept as it is): copying it costs more than the tree's few nodes save.
 */
const FLAT_UP_TO = 2048;

/**
 * The string as one run of characters. V8 keeps a string built by concatenation as a tree of its
 * pieces: a typical entry's tree held 640 bytes for its 240 characters. Slicing flattens it
 * (314 bytes), for about as long as the concatenation took (measured).
 */
function flat(text: string): string {
  return text.length > FLAT_UP_TO ? text : ` ${text}`.slice(1);
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
    const batch = ring.add(call);
    if (following) this.tell(following, batch);
    for (const command of commands) {
      const kept = ring.add(command, batch.id);
      if (following) this.tell(following, kept);
    }
  }

  private tell(following: Set<Follower>, entry: Kept): void {
    for (const { matcher, listener } of following) {
      if (matcher.matches(entry.method, entry.status)) listener(lineOf(entry));
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
