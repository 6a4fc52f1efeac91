/**
 * The server's portals (`/_admin/portals`): list, create, reset, remove; and for the portal the
 * picker chose, its snapshots (save, load) and its clock (set, advance). None of these is a REST
 * call, so the lists are read again every second rather than on the live refresh alone.
 */
import { useState } from 'preact/hooks';
import { admin } from '../api';
import { Field } from '../ui/dialog';
import { notify } from '../ui/notices';
import { usePolled } from '../ui/polled';
import { RowActions, Table } from '../ui/table';
import type { Panel, PanelProps } from './index';
import './panels.css';

interface PortalInfo {
  name: string;
  domain?: string;
  memberId: string;
  settings: Record<string, unknown>;
  webhookUrls?: string[];
}

interface Snapshot {
  name: string;
  createdAt: number;
}

interface ClockState {
  now: string;
  timestamp: number;
}

/** Runs an admin change, says what it did, reloads; a refusal shows the server's words. */
async function change(work: () => Promise<unknown>, done: string, reload: () => Promise<void>): Promise<boolean> {
  try {
    await work();
    notify.info(done);
    await reload();
    return true;
  } catch (failure) {
    notify.error(failure);
    return false;
  }
}

function PortalsPanel({ portal, changes, pickPortal, portalsChanged }: PanelProps) {
  return (
    <section class="panel portals" aria-labelledby="portals-title">
      <div class="toolbar">
        <h1 id="portals-title">Portals</h1>
      </div>
      <PortalList portal={portal} changes={changes} pickPortal={pickPortal} portalsChanged={portalsChanged} />
      <div class="cards">
        <Snapshots portal={portal} />
        <Clock portal={portal} />
      </div>
    </section>
  );
}

function PortalList({
  portal,
  changes,
  pickPortal,
  portalsChanged,
}: Pick<PanelProps, 'portal' | 'changes' | 'pickPortal' | 'portalsChanged'>) {
  const polled = usePolled(() => admin<{ portals: PortalInfo[] }>('portals'), [changes]);
  const { data } = polled;
  // The shell's picker lists the portals too.
  const reload = async () => {
    portalsChanged();
    await polled.reload();
  };
  const [name, setName] = useState('');
  const [made, setMade] = useState<PortalInfo | undefined>();
  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const portal = await admin<PortalInfo>('portals', {
        method: 'POST',
        body: name.trim() ? { name: name.trim() } : {},
      });
      setMade(portal);
      setName('');
      notify.info(`Portal ${portal.name} is made.`);
      await reload();
    } catch (failure) {
      notify.error(failure);
    }
  };
  const reset = (target: string) => {
    if (!confirm(`Reset ${target}? Its records go; webhooks, settings and fault rules stay.`)) return;
    void change(
      () => admin(`portals/${encodeURIComponent(target)}/reset`, { method: 'POST' }),
      `${target} is reset.`,
      reload,
    );
  };
  const remove = (target: string) => {
    if (!confirm(`Remove ${target} with everything in it?`)) return;
    void change(
      () => admin(`portals/${encodeURIComponent(target)}`, { method: 'DELETE' }),
      `${target} is removed.`,
      reload,
    );
  };
  return (
    <div class="card">
      <h2>Every portal</h2>
      <form class="inline-form" onSubmit={create}>
        <Field label="New portal's name" hint="Letters, digits and -; empty: one is made up">
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <button type="submit">Create portal</button>
      </form>
      {made?.webhookUrls?.length ? (
        <p role="status">
          {made.name}'s webhook: <code>{made.webhookUrls[0]}</code> (shown once: the server keeps only its hash)
        </p>
      ) : null}
      <Table label="Portals" columns={['Name', 'Member id', 'Settings', '']}>
        {(data?.portals ?? []).map((p) => (
          <tr key={p.name}>
            <td>{p.name}</td>
            <td>
              <code>{p.memberId}</code>
            </td>
            <td>
              <code>{JSON.stringify(p.settings)}</code>
            </td>
            <RowActions
              of={p.name}
              actions={[
                ...(p.name === portal
                  ? []
                  : [{ label: 'Open', kind: 'secondary' as const, run: () => pickPortal(p.name) }]),
                { label: 'Reset', kind: 'secondary', run: () => reset(p.name) },
                // The default portal is always there.
                ...(p.name === 'default'
                  ? []
                  : [{ label: 'Remove', kind: 'danger' as const, run: () => remove(p.name) }]),
              ]}
            />
          </tr>
        ))}
      </Table>
    </div>
  );
}

function Snapshots({ portal }: { portal: string }) {
  const base = `portals/${encodeURIComponent(portal)}/snapshots`;
  const { data, reload } = usePolled(() => admin<{ snapshots: Snapshot[] }>(base), [portal]);
  const [name, setName] = useState('');
  const save = async (event: Event) => {
    event.preventDefault();
    const snapshot = name.trim();
    if (
      await change(
        () => admin(`${base}/${encodeURIComponent(snapshot)}`, { method: 'POST' }),
        `Snapshot ${snapshot} is saved.`,
        reload,
      )
    )
      setName('');
  };
  const load = (snapshot: string) => {
    if (!confirm(`Load ${snapshot} into ${portal}? What the portal holds now is replaced.`)) return;
    void change(
      () => admin(`${base}/${encodeURIComponent(snapshot)}/load`, { method: 'POST' }),
      `Snapshot ${snapshot} is loaded.`,
      reload,
    );
  };
  return (
    <div class="card">
      <h2>Snapshots of {portal}</h2>
      <form class="inline-form" onSubmit={save}>
        <Field label="Snapshot name">
          <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <button type="submit">Save snapshot</button>
      </form>
      {data?.snapshots.length === 0 ? <p class="muted">No snapshots yet.</p> : null}
      <ul class="plain">
        {(data?.snapshots ?? []).map((s) => (
          <li key={s.name} class="inline-form">
            <span>
              <strong>{s.name}</strong> <span class="muted">{new Date(s.createdAt).toISOString()}</span>
            </span>
            <button type="button" class="secondary" aria-label={`Load snapshot ${s.name}`} onClick={() => load(s.name)}>
              Load
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

const STEPS = [
  { seconds: 3600, label: '+1 hour' },
  { seconds: 86_400, label: '+1 day' },
];

function Clock({ portal }: { portal: string }) {
  const path = `portals/${encodeURIComponent(portal)}/clock`;
  const { data, reload } = usePolled(() => admin<ClockState>(path), [portal]);
  const [at, setAt] = useState('');
  const [seconds, setSeconds] = useState('3600');
  const post = (body: object, done: string) => change(() => admin(path, { method: 'POST', body }), done, reload);
  return (
    <div class="card">
      <h2>Clock of {portal}</h2>
      <p>
        Now: <output aria-label="Portal time">{data?.now ?? '…'}</output>
      </p>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          // The field is in the browser's zone; the server takes an instant.
          const when = new Date(at);
          if (Number.isNaN(when.getTime())) return;
          void post({ now: when.toISOString() }, 'The clock is set.');
        }}
      >
        <Field label="Set to" hint="In this browser's time zone">
          <input type="datetime-local" required value={at} onInput={(e) => setAt(e.currentTarget.value)} />
        </Field>
        <button type="submit">Set clock</button>
      </form>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void post({ advance: Number(seconds) }, `The clock is ${seconds} s on.`);
        }}
      >
        <Field label="Advance by (seconds)">
          <input type="number" required step={1} value={seconds} onInput={(e) => setSeconds(e.currentTarget.value)} />
        </Field>
        <button type="submit">Advance clock</button>
        {STEPS.map((step) => (
          <button
            key={step.label}
            type="button"
            class="secondary"
            aria-label={`Advance the clock ${step.label.slice(1)}`}
            onClick={() => post({ advance: step.seconds }, `The clock is ${step.label.slice(1)} on.`)}
          >
            {step.label}
          </button>
        ))}
      </form>
    </div>
  );
}

export const portalsPanel: Panel = { id: 'portals', title: 'Portals', view: PortalsPanel };
