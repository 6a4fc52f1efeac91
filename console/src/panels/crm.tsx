/**
 * The CRM records bookings point at: deals, contacts and companies (`crm.item.list` with
 * entityTypeId 2, 3, 4), searched by title or name. A record opened (`#/crm/deal/7`) shows its
 * fields and the bookings and wait-list entries linked to it: through their external data
 * (`crm` / `DEAL` / id, as the booking module's deal links are) or, for a contact or a
 * company, as one of their clients. `booking.v1.booking.list` filters by client but not by
 * external data, so the links are read for every booking and entry (a batch per 25).
 */
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { batch, rest, restAll } from '../api';
import type { Client, ExternalLink } from '../crm-links';
import { route } from '../route';
import { floatingIso, wallOf } from '../time';
import { JsonView } from '../ui/json';
import { notify } from '../ui/notices';
import type { Booking } from './calendar';
import type { Panel, PanelProps } from './index';
import './panels.css';

interface Kind {
  /** The address's word: `#/crm/deal`. */
  id: 'deal' | 'contact' | 'company';
  entityTypeId: number;
  /** External data's `entityTypeId` and a client's `type.code`. */
  code: 'DEAL' | 'CONTACT' | 'COMPANY';
  title: string;
  one: string;
  /** crm.item.list's filter for a search text. */
  search: (text: string) => Record<string, unknown>;
}

const KINDS: Kind[] = [
  { id: 'deal', entityTypeId: 2, code: 'DEAL', title: 'Deals', one: 'Deal', search: (q) => ({ '%title': q }) },
  {
    id: 'contact',
    entityTypeId: 3,
    code: 'CONTACT',
    title: 'Contacts',
    one: 'Contact',
    search: (q) => ({ 0: { logic: 'OR', '%name': q, '%lastName': q, '%secondName': q } }),
  },
  {
    id: 'company',
    entityTypeId: 4,
    code: 'COMPANY',
    title: 'Companies',
    one: 'Company',
    search: (q) => ({ '%title': q }),
  },
];

type CrmItem = Record<string, unknown> & { id: number };

function itemName(kind: Kind, item: CrmItem): string {
  const name =
    kind.id === 'contact'
      ? [item.name, item.secondName, item.lastName].filter((part) => typeof part === 'string' && part !== '').join(' ')
      : typeof item.title === 'string'
        ? item.title
        : '';
  return name || `${kind.one} #${item.id}`;
}

function CrmPanel({ portal, args, changes }: PanelProps) {
  const kind = KINDS.find((k) => k.id === args[0]) ?? (KINDS[0] as Kind);
  const id = Number(args[1]);
  return (
    <section class="panel crm" aria-labelledby="crm-title">
      <div class="toolbar">
        <h1 id="crm-title">CRM</h1>
        <nav aria-label="CRM records">
          <ul class="tabs">
            {KINDS.map((k) => (
              <li key={k.id}>
                <a href={route('crm', k.id)} aria-current={k === kind ? 'page' : undefined}>
                  {k.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </div>
      {Number.isInteger(id) && id > 0 ? (
        <RecordView key={`${kind.id}:${id}`} portal={portal} kind={kind} id={id} changes={changes} />
      ) : (
        <RecordList key={kind.id} portal={portal} kind={kind} changes={changes} />
      )}
    </section>
  );
}

const PAGE = 50;

function RecordList({ portal, kind, changes }: { portal: string; kind: Kind; changes: number }) {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ items: CrmItem[]; total: number } | undefined>();
  useEffect(() => {
    const filter = query.trim() === '' ? {} : kind.search(query.trim());
    rest<{ items: CrmItem[] }>(portal, 'crm.item.list', {
      entityTypeId: kind.entityTypeId,
      filter,
      order: { id: 'DESC' },
    })
      .then((answer) => setFound({ items: answer.result.items, total: answer.total ?? answer.result.items.length }))
      .catch(notify.error);
  }, [portal, kind, query, changes]);
  return (
    <>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          setQuery(text);
        }}
      >
        <label class="inline">
          <span>Search {kind.title.toLowerCase()}</span>
          <input type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      <p class="muted" role="status">
        {found === undefined
          ? 'Loading…'
          : found.total > PAGE
            ? `The newest ${PAGE} of ${found.total}.`
            : `${found.total} ${found.total === 1 ? kind.one.toLowerCase() : kind.title.toLowerCase()}.`}
      </p>
      <ul class="plain record-list">
        {(found?.items ?? []).map((item) => (
          <li key={item.id}>
            <a href={route('crm', kind.id, item.id)}>{itemName(kind, item)}</a> <span class="muted">#{item.id}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

interface Linked {
  bookings: (Booking & { via: string })[];
  entries: { id: number; note: string | null; via: string }[];
}

/** How a booking or an entry points at the record, or undefined when it does not. */
function linkTo(kind: Kind, id: number, clients: Client[], links: ExternalLink[]): string | undefined {
  if (links.some((l) => l.moduleId === 'crm' && l.entityTypeId === kind.code && l.value === String(id)))
    return 'external data';
  if (clients.some((c) => c.type.module === 'crm' && c.type.code === kind.code && c.id === id)) return 'client';
  return undefined;
}

/** The bookings and wait-list entries linked to a record: two commands each, 50 commands a batch. */
async function loadLinked(portal: string, kind: Kind, id: number): Promise<Linked> {
  const [bookings, entries] = await Promise.all([
    restAll<Booking>(portal, 'booking.v1.booking.list', 'booking'),
    restAll<{ id: number; note: string | null }>(portal, 'booking.v1.waitlist.list', 'waitList'),
  ]);
  const commands: [string, { method: string; params: object }][] = [
    ...bookings.flatMap((b): [string, { method: string; params: object }][] => [
      [`bc${b.id}`, { method: 'booking.v1.booking.client.list', params: { bookingId: b.id } }],
      [`bx${b.id}`, { method: 'booking.v1.booking.externalData.list', params: { bookingId: b.id } }],
    ]),
    ...entries.flatMap((e): [string, { method: string; params: object }][] => [
      [`wc${e.id}`, { method: 'booking.v1.waitlist.client.list', params: { waitListId: e.id } }],
      [`wx${e.id}`, { method: 'booking.v1.waitlist.externalData.list', params: { waitListId: e.id } }],
    ]),
  ];
  const answers: Record<string, unknown> = {};
  for (let at = 0; at < commands.length; at += 50) {
    Object.assign(answers, (await batch(portal, Object.fromEntries(commands.slice(at, at + 50)))).result);
  }
  const clientsOf = (key: string, list: string) =>
    ((answers[key] as Record<string, Client[]> | undefined)?.[list] ?? []) as Client[];
  const linksOf = (key: string) => (answers[key] as { externalData?: ExternalLink[] } | undefined)?.externalData ?? [];
  const linked: Linked = { bookings: [], entries: [] };
  for (const b of bookings) {
    const via = linkTo(kind, id, clientsOf(`bc${b.id}`, 'bookingClient'), linksOf(`bx${b.id}`));
    if (via) linked.bookings.push({ ...b, via });
  }
  for (const e of entries) {
    const via = linkTo(kind, id, clientsOf(`wc${e.id}`, 'waitListClient'), linksOf(`wx${e.id}`));
    if (via) linked.entries.push({ ...e, via });
  }
  return linked;
}

function periodText(booking: Booking): string {
  const { from, to } = booking.datePeriod;
  const start = floatingIso(wallOf(from.timestamp, from.timezone)).replace('T', ' ').slice(0, 16);
  const end = floatingIso(wallOf(to.timestamp, to.timezone)).slice(11, 16);
  return `${start}–${end} (${from.timezone})`;
}

/** A field worth showing: set, and not an empty list. */
const shown = ([, value]: [string, unknown]) =>
  value !== null && value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0);

function RecordView({ portal, kind, id, changes }: { portal: string; kind: Kind; id: number; changes: number }) {
  const [item, setItem] = useState<CrmItem | null | undefined>();
  const [linked, setLinked] = useState<Linked | undefined>();
  useEffect(() => {
    rest<{ item: CrmItem }>(portal, 'crm.item.get', { entityTypeId: kind.entityTypeId, id })
      .then((answer) => setItem(answer.result.item))
      .catch((failure) => {
        setItem(null);
        notify.error(failure);
      });
    loadLinked(portal, kind, id).then(setLinked).catch(notify.error);
  }, [portal, kind, id, changes]);
  const title = item ? itemName(kind, item) : `${kind.one} #${id}`;
  return (
    <article aria-labelledby="record-title">
      <p>
        <a href={route('crm', kind.id)}>All {kind.title.toLowerCase()}</a>
      </p>
      <h2 id="record-title">{title}</h2>
      {item === null ? (
        <p class="error">
          There is no {kind.one.toLowerCase()} with id {id}.
        </p>
      ) : null}
      <div class="cards">
        <div class="card">
          <h3>Bookings</h3>
          {linked === undefined ? <p class="muted">Loading…</p> : null}
          {linked?.bookings.length === 0 ? <p class="muted">No booking is linked to it.</p> : null}
          <ul class="plain" aria-label="Linked bookings">
            {(linked?.bookings ?? []).map((b) => (
              <li key={b.id}>
                <a
                  href={route(
                    'calendar',
                    floatingIso(wallOf(b.datePeriod.from.timestamp, b.datePeriod.from.timezone)).slice(0, 10),
                  )}
                >
                  {b.name || `Booking #${b.id}`}
                </a>{' '}
                <span class="muted">
                  #{b.id}, {periodText(b)}, resources {b.resourceIds.join(', ')}; by {b.via}
                </span>
              </li>
            ))}
          </ul>
          <h3>Wait list</h3>
          {linked?.entries.length === 0 ? <p class="muted">No wait-list entry is linked to it.</p> : null}
          <ul class="plain" aria-label="Linked wait-list entries">
            {(linked?.entries ?? []).map((e) => (
              <li key={e.id}>
                <a href={route('waitlist')}>{e.note || `Entry #${e.id}`}</a>{' '}
                <span class="muted">
                  #{e.id}; by {e.via}
                </span>
              </li>
            ))}
          </ul>
        </div>
        {item ? (
          <div class="card">
            <h3>Fields</h3>
            <dl class="facts">
              {Object.entries(item)
                .filter(shown)
                .map(([name, value]) => (
                  <Fragment key={name}>
                    <dt>{name}</dt>
                    <dd>{typeof value === 'object' ? <JsonView label={name} value={value} /> : String(value)}</dd>
                  </Fragment>
                ))}
            </dl>
          </div>
        ) : null}
      </div>
    </article>
  );
}

export const crmPanel: Panel = { id: 'crm', title: 'CRM', view: CrmPanel };
