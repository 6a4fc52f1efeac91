/**
 * The module's update commands (UpdateWaitListItemCommand, UpdateBookingCommand, the resource's
 * update), written once: in one transaction the live record is locked and touched (or the
 * method's not-found error is raised), the call's change is applied, and the Update event is
 * recorded, even when nothing changed.
 */
import type { Clock } from '../clock.js';
import type { Repositories, Store } from '../store/store.js';

/** What an update command works on: how to lock one live record, and its Update event. */
export interface UpdateTarget<T> {
  /** Locks the live record until commit (touching it where it keeps `updatedAt`); undefined when there is none. */
  lock(repos: Repositories, id: number, now: number): Promise<T | undefined>;
  readonly event: string;
}

export type UpdateChange<T> = (repos: Repositories, record: T, now: number) => Promise<void>;

export function runUpdate<T>(
  ctx: { store: Store; clock: Clock },
  target: UpdateTarget<T>,
  id: number,
  notFound: () => Error,
  change: UpdateChange<T>,
): Promise<boolean> {
  return ctx.store.write(async (repos) => {
    const now = ctx.clock.now();
    const record = await target.lock(repos, id, now);
    if (record === undefined) throw notFound();
    await change(repos, record, now);
    await repos.outbox.record(target.event, { ID: id }, now);
    return true;
  });
}
