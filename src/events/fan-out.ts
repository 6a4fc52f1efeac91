/**
 * From the outbox to the handlers: each entry not yet fanned out becomes one delivery per
 * online binding of its event, and one record in the offline queue of each application (and
 * source key) with an offline binding. The entries are marked in the same transaction, so a
 * crash repeats the whole step or none of it.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/store.js';

/** Entries fanned out per transaction. */
export const FAN_OUT_BATCH = 200;

/** Bitrix's MESSAGE_ID: md5 of the event and its data, so changes of one object share a record. */
export function messageId(event: string, data: unknown): string {
  return createHash('md5')
    .update(`${event}|${JSON.stringify(data)}`)
    .digest('hex');
}

/** Fans out one batch of at most `limit` entries; how many it took (0: nothing was waiting). */
export async function fanOut(store: Store, now: number, limit: number): Promise<number> {
  // A read first: an idle server polls without taking the write lock.
  if (!(await store.read(({ outbox }) => outbox.anyUndispatched()))) return 0;
  return store.write(async ({ outbox, eventHandlers, eventDeliveries, eventOffline }) => {
    const entries = await outbox.claimUndispatched(limit);
    if (entries.length === 0) return 0;
    const handlers = await eventHandlers.forEvents([...new Set(entries.map((e) => e.event.toUpperCase()))]);
    const deliveries: { outboxId: number; handlerId: number }[] = [];
    for (const entry of entries) {
      const event = entry.event.toUpperCase();
      const queued = new Set<string>();
      for (const handler of handlers) {
        if (handler.event !== event) continue;
        if (!handler.offline) {
          deliveries.push({ outboxId: entry.id, handlerId: handler.id });
          continue;
        }
        // One record per queue, however many offline bindings share it.
        const queue = `${handler.appId}\u0000${handler.authConnector}`;
        if (queued.has(queue)) continue;
        queued.add(queue);
        await eventOffline.enqueue(
          {
            appId: handler.appId,
            connector: handler.authConnector,
            event,
            data: entry.data,
            messageId: messageId(event, entry.data),
          },
          entry.createdAt,
        );
      }
    }
    await eventDeliveries.create(deliveries, now);
    await outbox.markDispatched(
      entries.map((e) => e.id),
      now,
    );
    return entries.length;
  });
}
