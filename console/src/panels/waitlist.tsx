/**
 * The wait list: its entries with note, clients and external data (a link to a CRM deal opens
 * the deal in the CRM panel); add, edit, delete; book an entry into a resource and time
 * (`booking.v1.booking.createfromwaitlist`).
 */
import { useEffect, useState } from 'preact/hooks';
import { batch, rest, restAll } from '../api';
import {
  type Client,
  type ClientNames,
  clientLabel,
  clientNames,
  clientRows,
  clientsOfRows,
  type ExternalLink,
  linkedDealId,
  linkRows,
  linksOfRows,
} from '../crm-links';
import { route } from '../route';
import { browserZone, inputText, knownZone, timestampOf, wallOfInput, wallOfLocalDate } from '../time';
import { Dialog, DialogFooter, Field, useSubmit } from '../ui/dialog';
import { notify } from '../ui/notices';
import { CLIENT_FIELDS, LINK_FIELDS, type Row, RowsEditor } from '../ui/rows';
import type { Resource } from './calendar';
import type { Panel, PanelProps } from './index';

interface Entry {
  id: number;
  note: string | null;
  clients: Client[];
  links: ExternalLink[];
}

async function loadEntries(portal: string): Promise<{ entries: Entry[]; names: ClientNames }> {
  const list = await restAll<{ id: number; note: string | null }>(portal, 'booking.v1.waitlist.list', 'waitList');
  const entries: Entry[] = list.map((e) => ({ ...e, clients: [], links: [] }));
  // Two commands an entry, 50 commands a batch.
  for (let at = 0; at < entries.length; at += 25) {
    const chunk = entries.slice(at, at + 25);
    const { result } = await batch(
      portal,
      Object.fromEntries(
        chunk.flatMap((e) => [
          [`c${e.id}`, { method: 'booking.v1.waitlist.client.list', params: { waitListId: e.id } }],
          [`x${e.id}`, { method: 'booking.v1.waitlist.externalData.list', params: { waitListId: e.id } }],
        ]),
      ),
    );
    for (const e of chunk) {
      e.clients = (result[`c${e.id}`] as { waitListClient?: Client[] } | undefined)?.waitListClient ?? [];
      e.links = (result[`x${e.id}`] as { externalData?: ExternalLink[] } | undefined)?.externalData ?? [];
    }
  }
  return {
    entries,
    names: await clientNames(
      portal,
      entries.flatMap((e) => e.clients),
    ),
  };
}

function LinkText({ link }: { link: ExternalLink }) {
  const deal = linkedDealId(link);
  if (deal !== undefined) return <a href={route('crm', 'deal', deal)}>Deal #{deal}</a>;
  return (
    <span>
      {link.moduleId}/{link.entityTypeId}: {link.value}
    </span>
  );
}

type Editing = { kind: 'entry'; entry?: Entry } | { kind: 'book'; entry: Entry };

function WaitListPanel({ portal, changes }: PanelProps) {
  const [state, setState] = useState<{ entries: Entry[]; names: ClientNames } | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [editing, setEditing] = useState<Editing | undefined>();
  const reload = async () => {
    try {
      setState(await loadEntries(portal));
      setLoadError(undefined);
    } catch (error) {
      setLoadError((error as Error).message);
    }
  };
  useEffect(() => {
    void reload();
  }, [portal, changes]);

  const remove = async (entry: Entry) => {
    try {
      await rest(portal, 'booking.v1.waitlist.delete', { id: entry.id });
      notify.info(`Wait-list entry #${entry.id} deleted`);
      await reload();
    } catch (error) {
      notify.error(error);
    }
  };

  const rowActions = (entry: Entry) => [
    { label: 'Book', kind: '', run: () => setEditing({ kind: 'book', entry }) },
    { label: 'Edit', kind: 'secondary', run: () => setEditing({ kind: 'entry', entry }) },
    { label: 'Delete', kind: 'danger', run: () => void remove(entry) },
  ];

  const done = () => {
    setEditing(undefined);
    void reload();
  };

  return (
    <section class="panel" aria-labelledby="waitlist-title">
      <div class="toolbar">
        <h1 id="waitlist-title">Wait list</h1>
        <button type="button" onClick={() => setEditing({ kind: 'entry' })}>
          Add entry
        </button>
      </div>
      {loadError ? (
        <p class="error" role="alert">
          Could not load the wait list: {loadError}
        </p>
      ) : null}
      {state && state.entries.length === 0 ? <p class="muted">The wait list is empty.</p> : null}
      {state && state.entries.length > 0 ? (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Wait-list entries</caption>
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">Note</th>
                <th scope="col">Clients</th>
                <th scope="col">External data</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {state.entries.map((entry) => (
                <tr key={entry.id}>
                  <td>#{entry.id}</td>
                  <td>{entry.note ?? ''}</td>
                  <td>{entry.clients.map((c) => clientLabel(c, state.names)).join(', ')}</td>
                  <td>
                    <ul class="plain">
                      {entry.links.map((link, i) => (
                        <li key={i}>
                          <LinkText link={link} />
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <div class="actions">
                      {rowActions(entry).map(({ label, kind, run }) => (
                        <button
                          key={label}
                          type="button"
                          class={kind}
                          aria-label={`${label} entry #${entry.id}`}
                          onClick={run}
                        >
                          {label}
                        </button>
                      ))}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {editing?.kind === 'entry' ? (
        <EntryDialog portal={portal} entry={editing.entry} onClose={() => setEditing(undefined)} onSaved={done} />
      ) : null}
      {editing?.kind === 'book' ? (
        <BookDialog portal={portal} entry={editing.entry} onClose={() => setEditing(undefined)} onSaved={done} />
      ) : null}
    </section>
  );
}

function EntryDialog(props: { portal: string; entry?: Entry; onClose: () => void; onSaved: () => void }) {
  const { entry, portal } = props;
  const [note, setNote] = useState(entry?.note ?? '');
  const [clients, setClients] = useState<Row[]>(clientRows(entry?.clients ?? []));
  const [links, setLinks] = useState<Row[]>(linkRows(entry?.links ?? []));
  const { busy, error, submit } = useSubmit(props.onSaved);
  const save = (event: Event) => {
    event.preventDefault();
    void submit(async () => {
      let id = entry?.id;
      if (id === undefined) id = (await rest<number>(portal, 'booking.v1.waitlist.add', { fields: { note } })).result;
      else await rest(portal, 'booking.v1.waitlist.update', { id, fields: { note } });
      const chosen = clientsOfRows(clients);
      if (chosen.length || entry?.clients.length) {
        await rest(portal, 'booking.v1.waitlist.client.set', { waitListId: id, clients: chosen });
      }
      const linked = linksOfRows(links);
      if (linked.length || entry?.links.length) {
        await rest(portal, 'booking.v1.waitlist.externalData.set', { waitListId: id, externalData: linked });
      }
      return entry ? `Wait-list entry #${id} saved` : `Wait-list entry #${id} added`;
    });
  };
  return (
    <Dialog title={entry ? `Wait-list entry #${entry.id}` : 'New wait-list entry'} onClose={props.onClose}>
      <form class="form" onSubmit={save}>
        <Field label="Note">
          <textarea rows={2} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </Field>
        <RowsEditor legend="Clients" noun="client" fields={CLIENT_FIELDS} rows={clients} onChange={setClients} />
        <RowsEditor legend="External data" noun="link" fields={LINK_FIELDS} rows={links} onChange={setLinks} />
        <DialogFooter error={error} busy={busy} submitLabel={entry ? 'Save' : 'Add entry'} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

function BookDialog(props: { portal: string; entry: Entry; onClose: () => void; onSaved: () => void }) {
  const { entry, portal } = props;
  const [resources, setResources] = useState<Resource[]>([]);
  const [resourceId, setResourceId] = useState<number | undefined>();
  const [zone, setZone] = useState(browserZone);
  const [start, setStart] = useState(() => {
    const next = new Date();
    next.setMinutes(0, 0, 0);
    next.setHours(next.getHours() + 1);
    return inputText(wallOfLocalDate(next));
  });
  const [minutes, setMinutes] = useState('60');
  const { busy, error, submit } = useSubmit(props.onSaved);
  useEffect(() => {
    restAll<Resource>(portal, 'booking.v1.resource.list', 'resource')
      .then((list) => {
        setResources(list);
        setResourceId(list[0]?.id);
      })
      .catch(notify.error);
  }, [portal]);
  const book = (event: Event) => {
    event.preventDefault();
    const wall = wallOfInput(start);
    if (!wall || resourceId === undefined) return;
    const from = timestampOf(wall, knownZone(zone));
    const to = from + Math.max(1, Number(minutes) || 60) * 60;
    void submit(async () => {
      const { result } = await rest<number>(portal, 'booking.v1.booking.createfromwaitlist', {
        waitListId: entry.id,
        fields: {
          resourceIds: [resourceId],
          datePeriod: { from: { timestamp: from, timezone: zone }, to: { timestamp: to, timezone: zone } },
        },
      });
      return `Wait-list entry #${entry.id} booked as booking #${result}`;
    });
  };
  return (
    <Dialog title={`Book wait-list entry #${entry.id}`} onClose={props.onClose}>
      <form class="form" onSubmit={book}>
        <Field label="Resource">
          <select
            required
            value={resourceId === undefined ? '' : String(resourceId)}
            onChange={(e) => setResourceId(Number(e.currentTarget.value))}
          >
            {resources.map((r) => (
              <option key={r.id} value={String(r.id)}>
                {r.name || `Resource #${r.id}`}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Start">
          <input type="datetime-local" required value={start} onInput={(e) => setStart(e.currentTarget.value)} />
        </Field>
        <Field label="Duration (minutes)">
          <input
            type="number"
            min={5}
            step={5}
            required
            value={minutes}
            onInput={(e) => setMinutes(e.currentTarget.value)}
          />
        </Field>
        <Field label="Time zone">
          <input value={zone} onInput={(e) => setZone(e.currentTarget.value)} />
        </Field>
        <DialogFooter
          error={error}
          busy={busy || resourceId === undefined}
          submitLabel="Book"
          onCancel={props.onClose}
        />
      </form>
    </Dialog>
  );
}

export const waitListPanel: Panel = { id: 'waitlist', title: 'Wait list', view: WaitListPanel };
