/**
 * Live refresh: the console follows the portal's journal (`GET .../journal?since=ID`, once a
 * second) and counts a change whenever a call that writes succeeds, whoever made it (another
 * client, a test, the console itself). Panels reload when the count moves; reads do not count,
 * so the console's own reloads do not set off more reloads.
 */
import { useEffect, useState } from 'preact/hooks';
import { admin } from './api';

export const POLL_MS = 1000;

interface JournalEntry {
  id: number;
  method: string;
  status: number;
  batchId?: number;
}

/** Methods that only read: the last word of their name. `batch` is judged by its commands. */
const READS =
  /\.(list|get|fields|getbyentitytypeid|current|search)$|^(batch|methods|method\.get|scope|server\.time|profile|app\.info|user\.access)$/i;

export function isChange(entry: JournalEntry): boolean {
  return entry.status === 200 && !READS.test(entry.method);
}

interface Follower {
  version: number;
  listeners: Set<(version: number) => void>;
  stop: () => void;
}

const followers = new Map<string, Follower>();

function follow(portal: string): Follower {
  const existing = followers.get(portal);
  if (existing) return existing;
  let since: number | undefined;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const follower: Follower = {
    version: 0,
    listeners: new Set(),
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
  const journal = `portals/${encodeURIComponent(portal)}/journal`;
  const poll = async () => {
    try {
      if (since === undefined) {
        const { entries } = await admin<{ entries: JournalEntry[] }>(`${journal}?limit=1`);
        since = entries[0]?.id ?? 0;
      } else {
        const { entries } = await admin<{ entries: JournalEntry[] }>(`${journal}?since=${since}&limit=200`);
        const last = entries[entries.length - 1];
        if (last) since = last.id;
        if (entries.some(isChange)) {
          follower.version++;
          for (const listener of follower.listeners) listener(follower.version);
        }
      }
    } catch {
      // A refused or failed poll (server restarting, journal off): try again at the next tick.
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  };
  void poll();
  followers.set(portal, follower);
  return follower;
}

/** A number that grows whenever the portal changes; panels put it in their effects' dependencies. */
export function useChanges(portal: string): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const follower = follow(portal);
    follower.listeners.add(setVersion);
    setVersion(follower.version);
    return () => {
      follower.listeners.delete(setVersion);
      if (follower.listeners.size === 0) {
        follower.stop();
        followers.delete(portal);
      }
    };
  }, [portal]);
  return version;
}
