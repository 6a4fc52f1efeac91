/**
 * Which events have a binding (online or offline), kept in memory on SQLite. Every write records
 * an event, and one nothing is bound to is recorded as fanned out already (outbox.ts), so every
 * write asked the binding table first: the dearest statement of a wait-list write (measured:
 * 3.75 µs of the 17.5 its statements take, at 50 connections).
 *
 * The set is exact, never a guess: it is read again after this process changed a binding
 * (`forget`, from the binding repository), after any rollback (a binding added or removed in
 * what was rolled back may have been read into it), and when another connection (another
 * process on the same file) has committed since it was read: SQLite's `data_version`. That
 * check is made once a write group, not once a write: the group holds the file's write lock
 * from its BEGIN IMMEDIATE, so no other connection commits while it runs.
 */
import { prepared } from './prepared.js';
import type { Executor } from './store.js';

const boundEventNames = prepared((db) => db.selectFrom('event_handler').select('event').distinct());

export interface WriteGroups {
  /** The write group running now, by number; undefined outside one. */
  current(): number | undefined;
}

export class BoundEvents {
  private events: Set<string> | undefined;
  /** `data_version` when `events` was read or last found current. */
  private version = 0;
  /** The write group in which `version` was last compared. */
  private checkedIn: number | undefined;

  constructor(
    /** SQLite's `data_version` of the store's connection. */
    private readonly othersCommitted: () => number,
    private readonly groups: WriteGroups,
  ) {}

  /** A binding changed, or may have: the next question reads the table. */
  forget(): void {
    this.events = undefined;
  }

  /** Whether any binding takes `event` (upper-case, as bindings keep names). */
  async has(db: Executor, event: string): Promise<boolean> {
    const group = this.groups.current();
    if (this.events !== undefined && (group === undefined || group !== this.checkedIn)) {
      const version = this.othersCommitted();
      if (version !== this.version) this.events = undefined;
    }
    if (this.events === undefined) {
      this.version = this.othersCommitted();
      this.events = new Set((await boundEventNames.all(db)).map((row) => row.event));
    }
    this.checkedIn = group;
    return this.events.has(event);
  }
}
