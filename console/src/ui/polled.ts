/**
 * Data a panel shows that changes without a write the live refresh counts (a journal entry of a
 * read, a fault rule's fired count, the clock, another portal): loaded at once, again whenever a
 * dependency moves, and again every `everyMs` while the panel is open. A failed load shows the
 * server's error once and keeps what was shown.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { notify } from './notices';

export const POLL_MS = 1000;

export function usePolled<T>(
  load: () => Promise<T>,
  deps: unknown[],
  everyMs = POLL_MS,
): { data: T | undefined; reload: () => Promise<void> } {
  const [data, setData] = useState<T | undefined>(undefined);
  const latest = useRef(load);
  latest.current = load;
  const failed = useRef(false);
  const reload = async () => {
    try {
      setData(await latest.current());
      failed.current = false;
    } catch (error) {
      if (!failed.current) notify.error(error);
      failed.current = true;
    }
  };
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await reload();
      if (!stopped) timer = setTimeout(tick, everyMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
  return { data, reload };
}
