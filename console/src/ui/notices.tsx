/**
 * Messages for the user: what the server refused (its error_description) and what went well.
 * Errors are announced at once (role="alert"), the rest politely (role="status").
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';

interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

let notices: Notice[] = [];
let nextId = 1;
const listeners = new Set<(list: Notice[]) => void>();

function publish(list: Notice[]): void {
  notices = list;
  for (const listener of listeners) listener(notices);
}

const NOTICE_MS = 8000;

function add(kind: Notice['kind'], text: string): void {
  const notice = { id: nextId++, kind, text };
  publish([...notices, notice].slice(-4));
  setTimeout(() => dismiss(notice.id), NOTICE_MS);
}

function dismiss(id: number): void {
  publish(notices.filter((n) => n.id !== id));
}

/** The text a user reads for a failure: the server's own words where it gave them. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) return `${error.description} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

export const notify = {
  error: (error: unknown) => add('error', describe(error)),
  info: (text: string) => add('info', text),
};

export function Notices() {
  const [list, setList] = useState(notices);
  useEffect(() => {
    listeners.add(setList);
    return () => listeners.delete(setList);
  }, []);
  const errors = list.filter((n) => n.kind === 'error');
  const infos = list.filter((n) => n.kind === 'info');
  const item = (n: Notice) => (
    <li key={n.id} class={`notice ${n.kind}`}>
      <span>{n.text}</span>
      <button type="button" class="link" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
        ×
      </button>
    </li>
  );
  return (
    <div class="notices">
      <ul role="alert">{errors.map(item)}</ul>
      <ul role="status">{infos.map(item)}</ul>
    </div>
  );
}
