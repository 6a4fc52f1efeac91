/**
 * The live journal of the portal: the calls it answered, newest first, followed once a second
 * (`GET .../journal?since=ID`: EventSource cannot send the admin token). Filters by a method
 * glob and a status class, as the admin API takes them; an entry opened shows its parameters,
 * its result or error, and a curl command that makes the same call through a webhook.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, admin } from '../api';
import { curlCommand, SECRET_VARIABLE } from '../curl';
import { isChange } from '../live';
import { JsonView } from '../ui/json';
import { notify } from '../ui/notices';
import { POLL_MS } from '../ui/polled';
import { Table } from '../ui/table';
import type { Panel, PanelProps } from './index';
import './panels.css';

export interface JournalEntry {
  id: number;
  time: string;
  method: string;
  caller: { type: string; userId: number; webhookId?: number; clientId?: string };
  params: unknown;
  paramsTruncated?: true;
  status: number;
  error?: { error: string; error_description: string };
  result?: unknown;
  resultTruncated?: true;
  durationMs: number;
  batchId?: number;
  fault?: string | number;
}

/** The newest entries kept on the page; older ones drop off as new ones come. */
const SHOWN = 300;

const STATUSES = [
  { value: '', label: 'Any status' },
  { value: '200', label: '200' },
  { value: '4xx', label: '4xx' },
  { value: '5xx', label: '5xx' },
];

interface Filter {
  method: string;
  status: string;
}

function journalPath(portal: string, filter: Filter, since: number | undefined): string {
  const query = new URLSearchParams({ limit: String(SHOWN) });
  if (filter.method.trim() !== '') query.set('method', filter.method.trim());
  if (filter.status !== '') query.set('status', filter.status);
  if (since !== undefined) query.set('since', String(since));
  return `portals/${encodeURIComponent(portal)}/journal?${query}`;
}

/** The entries that pass the filter, newest first, followed while the panel is open. */
function useJournal(portal: string, filter: Filter) {
  const [entries, setEntries] = useState<JournalEntry[]>([]);
  const [refusal, setRefusal] = useState<string | undefined>();
  const since = useRef<number | undefined>(undefined);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    since.current = undefined;
    setEntries([]);
    const poll = async () => {
      try {
        const { entries: fresh } = await admin<{ entries: JournalEntry[] }>(journalPath(portal, filter, since.current));
        if (stopped) return;
        setRefusal(undefined);
        const last = fresh[fresh.length - 1];
        if (last) since.current = last.id;
        else since.current ??= 0;
        if (fresh.length > 0) setEntries((shown) => [...fresh.reverse(), ...shown].slice(0, SHOWN));
      } catch (failure) {
        if (stopped) return;
        // A filter the server refuses is the user's to mend: say so beside it, and stop asking.
        if (failure instanceof ApiError && failure.code === 'INVALID_FILTER') {
          setRefusal(failure.description);
          return;
        }
        setRefusal(undefined);
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [portal, filter]);
  return { entries, refusal, clear: () => setEntries([]) };
}

/** The console's own reads: each panel reloads its data after a change, and they would bury the rest. */
const consoleRead = (entry: JournalEntry) =>
  entry.caller.type === 'console' && entry.status === 200 && !isChange(entry);

function callerText(caller: JournalEntry['caller']): string {
  if (caller.type === 'webhook') return `webhook ${caller.webhookId ?? ''} (user ${caller.userId})`;
  if (caller.type === 'oauth') return `app ${caller.clientId ?? ''} (user ${caller.userId})`;
  return caller.type;
}

function JournalPanel({ portal }: PanelProps) {
  const [filter, setFilter] = useState<Filter>({ method: '', status: '' });
  const [methodText, setMethodText] = useState('');
  const { entries: kept, refusal, clear } = useJournal(portal, filter);
  const [hideConsoleReads, setHideConsoleReads] = useState(true);
  const entries = hideConsoleReads ? kept.filter((entry) => !consoleRead(entry)) : kept;
  const [openId, setOpenId] = useState<number | undefined>();
  const open = kept.find((e) => e.id === openId);
  const empty = async () => {
    if (!confirm(`Empty the journal of ${portal}?`)) return;
    try {
      await admin(`portals/${encodeURIComponent(portal)}/journal`, { method: 'DELETE' });
      clear();
      setOpenId(undefined);
      notify.info('The journal is empty.');
    } catch (failure) {
      notify.error(failure);
    }
  };
  return (
    <section class="panel journal" aria-labelledby="journal-title">
      <div class="toolbar">
        <h1 id="journal-title">Journal</h1>
        <form
          class="filters"
          aria-label="Journal filters"
          onSubmit={(event) => {
            event.preventDefault();
            setFilter({ ...filter, method: methodText });
          }}
        >
          <label class="inline">
            <span>Method</span>
            <input
              type="search"
              placeholder="booking.v1.*"
              value={methodText}
              aria-invalid={refusal ? 'true' : undefined}
              onInput={(e) => setMethodText(e.currentTarget.value)}
            />
          </label>
          <label class="inline">
            <span>Status</span>
            <select value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.currentTarget.value })}>
              {STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="secondary">
            Filter
          </button>
          <label class="inline">
            <input
              type="checkbox"
              checked={hideConsoleReads}
              onChange={(e) => setHideConsoleReads(e.currentTarget.checked)}
            />
            <span>Hide the console's reads</span>
          </label>
        </form>
        <button type="button" class="danger" onClick={empty}>
          Empty journal
        </button>
      </div>
      {refusal ? (
        <p class="error" role="alert">
          {refusal}
        </p>
      ) : null}
      <div class="split">
        <Table
          label="Journal entries"
          columns={['#', 'Time', 'Method', 'Caller', 'Status', 'ms']}
          empty={
            entries.length === 0
              ? `No calls yet${filter.method || filter.status ? ' that pass the filter' : ''}.`
              : undefined
          }
        >
          {entries.map((entry) => (
            <tr key={entry.id} aria-selected={entry.id === openId ? 'true' : undefined}>
              <td>{entry.id}</td>
              <td>
                <time dateTime={entry.time}>{entry.time.slice(11, 19)}</time>
              </td>
              <td>
                {entry.batchId !== undefined ? <span class="muted">↳ </span> : null}
                <button
                  type="button"
                  class="link method"
                  aria-label={`Entry ${entry.id}: ${entry.method}`}
                  onClick={() => setOpenId(entry.id)}
                >
                  {entry.method}
                </button>
              </td>
              <td>{callerText(entry.caller)}</td>
              <td class={entry.status === 200 ? 'ok' : 'error'}>
                {entry.status}
                {entry.error ? ` ${entry.error.error}` : ''}
                {entry.fault !== undefined ? ` (fault ${entry.fault})` : ''}
              </td>
              <td>{entry.durationMs.toFixed(1)}</td>
            </tr>
          ))}
        </Table>
        {open ? <EntryView entry={open} onClose={() => setOpenId(undefined)} /> : null}
      </div>
    </section>
  );
}

function EntryView({ entry, onClose }: { entry: JournalEntry; onClose: () => void }) {
  const curl = curlCommand(entry, location.origin);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(curl);
      notify.info('The curl command is copied.');
    } catch {
      notify.info('The browser did not let the page copy: select the command and copy it.');
    }
  };
  return (
    <aside class="entry" aria-labelledby="entry-title">
      <div class="toolbar">
        <h2 id="entry-title">
          Entry {entry.id}: {entry.method}
        </h2>
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <dl class="facts">
        <dt>Time</dt>
        <dd>{entry.time}</dd>
        <dt>Caller</dt>
        <dd>{callerText(entry.caller)}</dd>
        <dt>Status</dt>
        <dd>{entry.status}</dd>
        {entry.batchId !== undefined ? (
          <>
            <dt>In batch</dt>
            <dd>{entry.batchId}</dd>
          </>
        ) : null}
        {entry.fault !== undefined ? (
          <>
            <dt>Fault rule</dt>
            <dd>{entry.fault}</dd>
          </>
        ) : null}
      </dl>
      <h3>Parameters{entry.paramsTruncated ? ' (cut at 16 KiB)' : ''}</h3>
      <JsonView label="Parameters" value={entry.params} />
      {entry.error ? (
        <>
          <h3>Error</h3>
          <JsonView label="Error" value={entry.error} />
        </>
      ) : (
        <>
          <h3>Result{entry.resultTruncated ? ' (cut at 16 KiB)' : ''}</h3>
          <JsonView label="Result" value={entry.result} />
        </>
      )}
      <h3>As curl</h3>
      <p class="muted">
        Set <code>{SECRET_VARIABLE}</code> to the secret of a webhook of user {entry.caller.userId} in this portal.
      </p>
      <JsonView label="curl command" value={curl} />
      <button type="button" onClick={copy}>
        Copy as curl
      </button>
    </aside>
  );
}

export const journalPanel: Panel = { id: 'journal', title: 'Journal', view: JournalPanel };
