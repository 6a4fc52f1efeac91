/**
 * Events of the portal, from the admin API (`event.get` and `event.offline.*` answer only the
 * application that calls them): every application's bindings, the deliveries to handlers with
 * their tries and last status (those given up on apart), and the offline queue. Deliveries move
 * without a REST call, so the lists are read again every second.
 */
import { useState } from 'preact/hooks';
import { admin } from '../api';
import { usePolled } from '../ui/polled';
import { Table } from '../ui/table';
import type { Panel, PanelProps } from './index';
import './panels.css';

interface Binding {
  clientId: string;
  event: string;
  handler: string;
  auth_type: string;
  offline: 0 | 1;
}

interface Delivery {
  id: number;
  event: string;
  handler: string;
  tries: number;
  lastStatus: number | null;
  lastError: string | null;
  state: 'pending' | 'delivered' | 'failed';
  updatedAt: string;
}

interface OfflineRow {
  id: number;
  clientId: string;
  event: string;
  messageId: string;
  processId: string;
  error: boolean;
  time: string;
}

/** An instant as `2026-12-02 18:00:00` (UTC, as the server keeps it). */
function Time({ iso }: { iso: string }) {
  return <time dateTime={iso}>{iso.replace('T', ' ').slice(0, 19)}</time>;
}

const STATES = [
  { value: '', label: 'All' },
  { value: 'pending', label: 'Pending' },
  { value: 'delivered', label: 'Delivered' },
  { value: 'failed', label: 'Given up' },
];

function EventsPanel({ portal, changes }: PanelProps) {
  const base = `portals/${encodeURIComponent(portal)}`;
  const [state, setState] = useState('');
  const bindings = usePolled(() => admin<{ bindings: Binding[] }>(`${base}/bindings`), [portal, changes]).data
    ?.bindings;
  const deliveries = usePolled(
    () => admin<{ deliveries: Delivery[] }>(`${base}/deliveries?limit=100${state ? `&state=${state}` : ''}`),
    [portal, state, changes],
  ).data?.deliveries;
  const offline = usePolled(() => admin<{ offline: OfflineRow[] }>(`${base}/offline?limit=100`), [portal, changes]).data
    ?.offline;
  return (
    <section class="panel events" aria-labelledby="events-title">
      <div class="toolbar">
        <h1 id="events-title">Events</h1>
      </div>
      <h2>Bindings</h2>
      <Table
        label="Bindings"
        columns={['Event', 'Handler', 'Application', 'As user']}
        empty={bindings?.length === 0 ? 'No application has bound an event.' : undefined}
      >
        {(bindings ?? []).map((b) => (
          <tr key={`${b.clientId} ${b.event} ${b.handler} ${b.auth_type}`}>
            <td>{b.event}</td>
            <td>{b.offline ? <em>offline queue</em> : <code>{b.handler}</code>}</td>
            <td>
              <code>{b.clientId}</code>
            </td>
            <td>{b.auth_type === '0' ? 'the installer' : b.auth_type}</td>
          </tr>
        ))}
      </Table>
      <div class="toolbar">
        <h2 id="deliveries-title">Deliveries</h2>
        <label class="inline">
          <span>Show</span>
          <select value={state} onChange={(e) => setState(e.currentTarget.value)}>
            {STATES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Table
        labelledBy="deliveries-title"
        columns={['#', 'Event', 'Handler', 'Tries', 'Last status', 'State', 'Updated']}
        empty={deliveries?.length === 0 ? 'None.' : undefined}
      >
        {(deliveries ?? []).map((d) => (
          <tr key={d.id}>
            <td>{d.id}</td>
            <td>{d.event}</td>
            <td>
              <code>{d.handler}</code>
            </td>
            <td>{d.tries}</td>
            <td>
              {d.lastStatus ?? 'no answer'}
              {d.lastError ? <div class="muted">{d.lastError}</div> : null}
            </td>
            <td class={d.state === 'failed' ? 'error' : d.state === 'delivered' ? 'ok' : ''}>
              {d.state === 'failed' ? 'given up' : d.state}
            </td>
            <td>
              <Time iso={d.updatedAt} />
            </td>
          </tr>
        ))}
      </Table>
      <h2>Offline queue</h2>
      <Table
        label="Offline queue"
        columns={['#', 'Event', 'Application', 'Reserved by', 'Error', 'Time']}
        empty={offline?.length === 0 ? 'Empty.' : undefined}
      >
        {(offline ?? []).map((row) => (
          <tr key={row.id}>
            <td>{row.id}</td>
            <td>{row.event}</td>
            <td>
              <code>{row.clientId}</code>
            </td>
            <td>{row.processId || <span class="muted">none</span>}</td>
            <td>{row.error ? 'yes' : 'no'}</td>
            <td>
              <Time iso={row.time} />
            </td>
          </tr>
        ))}
      </Table>
    </section>
  );
}

export const eventsPanel: Panel = { id: 'events', title: 'Events', view: EventsPanel };
