/**
 * Which due deliveries a pass takes: the applications take turns (one delivery each, round by
 * round, each its oldest that its handler has room for), so an application with a long backlog
 * cannot fill every free slot before another's first delivery, however the due times fall.
 */
import type { DueDelivery } from '../store/repositories/event-deliveries.js';

export interface Room {
  /** How many more tries may go to this handler / application now. */
  handler(handlerId: number): number;
  app(appId: number): number;
}

/** Up to `limit` ids from `due` (oldest first), taken in turns across applications. */
export function pickFairly(due: readonly DueDelivery[], limit: number, room: Room): number[] {
  const byApp = new Map<number, DueDelivery[]>();
  for (const delivery of due) {
    const queue = byApp.get(delivery.appId);
    if (queue) queue.push(delivery);
    else byApp.set(delivery.appId, [delivery]);
  }
  const takenByHandler = new Map<number, number>();
  const takenByApp = new Map<number, number>();
  const picked: number[] = [];
  let progress = true;
  while (picked.length < limit && progress) {
    progress = false;
    for (const [appId, queue] of byApp) {
      if (picked.length === limit) break;
      if ((takenByApp.get(appId) ?? 0) >= room.app(appId)) continue;
      const next = queue.findIndex((d) => (takenByHandler.get(d.handlerId) ?? 0) < room.handler(d.handlerId));
      if (next < 0) continue;
      const [delivery] = queue.splice(next, 1) as [DueDelivery];
      takenByHandler.set(delivery.handlerId, (takenByHandler.get(delivery.handlerId) ?? 0) + 1);
      takenByApp.set(appId, (takenByApp.get(appId) ?? 0) + 1);
      picked.push(delivery.id);
      progress = true;
    }
  }
  return picked;
}
