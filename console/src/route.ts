/**
 * The console's address is its hash: `#/PANEL/ARG/...` (`#/calendar`, `#/waitlist`,
 * `#/crm/deal/7`). A link to a panel is a plain `<a href={route('crm', 'deal', 7)}>`.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  panel: string;
  args: string[];
}

export function parseRoute(hash: string): Route {
  const [panel = '', ...args] = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((part) => part !== '')
    .map((part) => decodeURIComponent(part));
  return { panel, args };
}

export function route(panel: string, ...args: (string | number)[]): string {
  return `#/${[panel, ...args].map((part) => encodeURIComponent(String(part))).join('/')}`;
}

export function useRoute(): Route {
  const [current, setCurrent] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setCurrent(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return current;
}
