/**
 * One portal's newest `size` journal entries, kept outside the JavaScript heap: the facts filters
 * read in typed arrays, each entry's text as UTF-8 in one buffer used as a circular log. An entry
 * lives for the next `size` calls, long enough for V8 to move it out of the young generation and
 * mark it again and again: kept as strings and objects, the journal cost a fifth of a write's
 * throughput (measured: 17,800-20,300 writes/s at the default 1,000 entries, 22,000-24,000 at 10).
 * Here a call allocates nothing that outlives it once the ring has grown.
 */
import type { JournalRecord } from './entry.js';
import type { EntryMatcher } from './filter.js';

/** One entry as read: its id, and the entry as JSON text. */
export interface JournalLine {
  id: number;
  text: string;
}

/** Slots allocated at first; they double up to the ring's size as entries come. */
const FIRST_SLOTS = 64;
/** Bytes of text allocated at first; the buffer grows when the entries kept need more. */
const FIRST_BYTES = 16 * 1024;

/**
 * Method names are few and the same call after call: each kept once, so an entry refers to a
 * string that lives anyway. A client may send any name; past this many, a name is kept as it is.
 */
const INTERNED_NAMES = 4096;
const interned = new Map<string, string>();

function intern(name: string): string {
  const known = interned.get(name);
  if (known !== undefined) return known;
  if (interned.size < INTERNED_NAMES) interned.set(name, name);
  return name;
}

export class Ring {
  private slots = 0;
  private ids = new Float64Array(0);
  /** 0: not a batch command (ids start at 1). */
  private batchIds = new Float64Array(0);
  private statuses = new Int32Array(0);
  private startedAts = new Float64Array(0);
  private offsets = new Uint32Array(0);
  private lengths = new Uint32Array(0);
  private methods: string[] = [];
  private text = Buffer.alloc(0);
  /** Entries kept, and the slot of the oldest. */
  private count = 0;
  private first = 0;
  /** Where the newest entry's text ends. */
  private textEnd = 0;
  nextId = 1;

  constructor(private readonly size: number) {}

  /** Keeps `record` as the newest entry (the oldest goes when the ring is full); its id. */
  add(record: JournalRecord, batchId?: number): number {
    if (this.count === this.size) {
      this.first = (this.first + 1) % this.slots;
      this.count--;
    } else if (this.count === this.slots) {
      this.growSlots();
    }
    const length = Buffer.byteLength(record.members);
    const offset = this.placeFor(length);
    this.text.write(record.members, offset, 'utf8');
    this.textEnd = offset + length;
    const slot = (this.first + this.count) % this.slots;
    const id = this.nextId++;
    this.ids[slot] = id;
    this.batchIds[slot] = batchId ?? 0;
    this.statuses[slot] = record.status;
    this.startedAts[slot] = record.startedAt;
    this.methods[slot] = intern(record.method);
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
    this.count++;
    return id;
  }

  /** The kept entries the matcher keeps, oldest first (the newest `limit` of them). */
  select(matcher: EntryMatcher): JournalLine[] {
    const picked: number[] = [];
    for (let i = 0; i < this.count; i++) {
      const slot = (this.first + i) % this.slots;
      const id = this.ids[slot] as number;
      if (id > matcher.since && matcher.matches(this.methods[slot] as string, this.statuses[slot] as number)) {
        picked.push(slot);
      }
    }
    const kept = matcher.limit === undefined ? picked : picked.slice(-matcher.limit);
    return kept.map((slot) => this.lineAt(slot));
  }

  /** The newest entry, when `matches` keeps it (for those following the journal). */
  newest(matches: (method: string, status: number) => boolean): JournalLine | undefined {
    if (this.count === 0) return undefined;
    const slot = (this.first + this.count - 1) % this.slots;
    return matches(this.methods[slot] as string, this.statuses[slot] as number) ? this.lineAt(slot) : undefined;
  }

  clear(): void {
    this.count = 0;
    this.first = 0;
    this.textEnd = 0;
  }

  /**
   * An entry's JSON text: `id`, `batchId`, `time`, then the rest as recorded. Written when read
   * (reads are few, calls many).
   */
  private lineAt(slot: number): JournalLine {
    const id = this.ids[slot] as number;
    const batchId = this.batchIds[slot] as number;
    const tie = batchId === 0 ? '' : `"batchId":${batchId},`;
    const time = new Date(this.startedAts[slot] as number).toISOString();
    const offset = this.offsets[slot] as number;
    const members = this.text.toString('utf8', offset, offset + (this.lengths[slot] as number));
    return { id, text: `{"id":${id},${tie}"time":"${time}",${members}}` };
  }

  private growSlots(): void {
    const slots = Math.min(this.size, Math.max(FIRST_SLOTS, this.slots * 2));
    // Entries in order from slot 0: the ring is not full yet, so none is past the end.
    const order = Array.from({ length: this.count }, (_, i) => (this.first + i) % Math.max(this.slots, 1));
    const moved = <T extends Float64Array | Int32Array | Uint32Array>(old: T, made: T): T => {
      order.forEach((slot, i) => {
        made[i] = old[slot] as number;
      });
      return made;
    };
    this.ids = moved(this.ids, new Float64Array(slots));
    this.batchIds = moved(this.batchIds, new Float64Array(slots));
    this.statuses = moved(this.statuses, new Int32Array(slots));
    this.startedAts = moved(this.startedAts, new Float64Array(slots));
    this.offsets = moved(this.offsets, new Uint32Array(slots));
    this.lengths = moved(this.lengths, new Uint32Array(slots));
    this.methods = order.map((slot) => this.methods[slot] as string);
    this.first = 0;
    this.slots = slots;
  }

  /**
   * Where `length` bytes of text go: after the newest entry's, or at the start of the buffer when
   * they do not fit before its end and the oldest entry's text starts far enough in. Texts are
   * never split, and live text is never overwritten: when neither place has room, the buffer
   * grows (the live texts copied to the start of a larger one).
   */
  private placeFor(length: number): number {
    if (this.count === 0) {
      if (length > this.text.length) this.text = Buffer.allocUnsafeSlow(Math.max(FIRST_BYTES, length * 2));
      return 0;
    }
    const head = this.offsets[this.first] as number;
    const tail = this.textEnd;
    if (head < tail) {
      // Live text is [head, tail): free after it, then before it.
      if (tail + length <= this.text.length) return tail;
      if (length <= head) return 0;
    } else if (tail + length <= head) {
      // Wrapped: live text is [head, end of the oldest pieces) and [0, tail); free between.
      return tail;
    }
    return this.growText(length);
  }

  /** Copies the live texts in order to the start of a buffer with room for `length` more; where it goes. */
  private growText(length: number): number {
    let live = 0;
    for (let i = 0; i < this.count; i++) live += this.lengths[(this.first + i) % this.slots] as number;
    const grown = Buffer.allocUnsafeSlow(Math.max(FIRST_BYTES, Math.ceil((live + length) * 1.5)));
    let at = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = (this.first + i) % this.slots;
      const offset = this.offsets[slot] as number;
      const size = this.lengths[slot] as number;
      this.text.copy(grown, at, offset, offset + size);
      this.offsets[slot] = at;
      at += size;
    }
    this.text = grown;
    return at;
  }
}
