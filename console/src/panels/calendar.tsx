/**
 * The calendar: a day or a week of the portal's resources side by side, bookings as blocks
 * (name and clients) at the wall-clock time of the zone each booking was made in, overlapping
 * bookings side by side, the hours outside a resource's slots greyed. Select a free range to
 * make a booking, drag a block to move it (time or resource), drag its end to resize, click it
 * to edit or delete. A change the server refuses shows its error and puts the block back.
 */
import { type Calendar, createCalendar, destroyCalendar, Interaction, ResourceTimeGrid } from '@event-calendar/core';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { batch, rest, restAll } from '../api';
import {
  type Client,
  type ClientNames,
  clientLabel,
  clientNames,
  clientRows,
  clientsOfRows,
  type ExternalLink,
  linkRows,
  linksOfRows,
} from '../crm-links';
import {
  browserZone,
  floatingIso,
  inputText,
  knownZone,
  timestampOf,
  type Wall,
  wallOf,
  wallOfInput,
  wallOfLocalDate,
} from '../time';
import { Dialog, DialogFooter, Field, useSubmit } from '../ui/dialog';
import { notify } from '../ui/notices';
import { CLIENT_FIELDS, LINK_FIELDS, type Row, RowsEditor } from '../ui/rows';
import type { Panel, PanelProps } from './index';

interface ZonedTime {
  timestamp: number;
  timezone: string;
}

export interface Booking {
  id: number;
  name: string | null;
  description: string | null;
  resourceIds: number[];
  datePeriod: { from: ZonedTime; to: ZonedTime };
}

export interface Resource {
  id: number;
  name: string | null;
}

interface Slot {
  from: number;
  to: number;
  timezone: string;
  weekDays: string[];
}

interface CalendarData {
  resources: Resource[];
  slots: Map<number, Slot[]>;
  bookings: Booking[];
  clients: Map<number, Client[]>;
  names: ClientNames;
}

const VIEWS = { day: 'resourceTimeGridDay', week: 'resourceTimeGridWeek' } as const;
type ViewName = keyof typeof VIEWS;

const DAY_S = 86_400;
const WEEK_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The portal's resources with their slots, and the bookings of the range with their clients. */
async function loadCalendar(portal: string, start: Date, end: Date): Promise<CalendarData> {
  // A day more on each side: a booking made in another zone may still show in the range.
  const within = {
    dateFrom: Math.floor(start.getTime() / 1000) - DAY_S,
    dateTo: Math.ceil(end.getTime() / 1000) + DAY_S,
  };
  const [resources, bookings] = await Promise.all([
    restAll<Resource>(portal, 'booking.v1.resource.list', 'resource'),
    restAll<Booking>(portal, 'booking.v1.booking.list', 'booking', { filter: { within } }),
  ]);
  const slots = new Map<number, Slot[]>();
  const clients = new Map<number, Client[]>();
  const commands: Record<string, { method: string; params: object }> = {};
  for (const r of resources)
    commands[`s${r.id}`] = { method: 'booking.v1.resource.slots.list', params: { resourceId: r.id } };
  for (const b of bookings)
    commands[`c${b.id}`] = { method: 'booking.v1.booking.client.list', params: { bookingId: b.id } };
  const keys = Object.keys(commands);
  for (let at = 0; at < keys.length; at += 50) {
    const chunk = Object.fromEntries(
      keys.slice(at, at + 50).map((key) => [key, commands[key] as (typeof commands)[string]]),
    );
    const { result } = await batch(portal, chunk);
    for (const [key, value] of Object.entries(result)) {
      const id = Number(key.slice(1));
      if (key.startsWith('s')) slots.set(id, (value as { slots: Slot[] }).slots ?? []);
      else clients.set(id, (value as { bookingClient: Client[] }).bookingClient ?? []);
    }
  }
  const names = await clientNames(portal, [...clients.values()].flat());
  return { resources, slots, bookings, clients, names };
}

/**
 * A block's content: the booking's name, then its clients; for screen readers also the
 * resources it holds (the grid's columns are not announced, see flattenGrid).
 */
function blockContent(booking: Booking, clients: Client[], data: CalendarData): { domNodes: Node[] } {
  const title = document.createElement('strong');
  title.textContent = booking.name || `Booking #${booking.id}`;
  const who = document.createElement('span');
  who.className = 'clients';
  who.textContent = clients.map((c) => clientLabel(c, data.names)).join(', ');
  const where = document.createElement('span');
  where.className = 'visually-hidden';
  const resources = booking.resourceIds.map((id) => data.resources.find((r) => r.id === id)?.name || `Resource #${id}`);
  where.textContent = ` (${resources.join(', ')})`;
  return { domNodes: clients.length ? [title, who, where] : [title, where] };
}

/** The ARIA table roles the calendar library gives its grid. */
const GRID_ROLES =
  '[role="table"],[role="rowgroup"],[role="row"],[role="cell"],[role="columnheader"],nav.ec-toolbar:not([role]),[aria-colindex]';

/**
 * The calendar library marks its grid up as an ARIA table whose row groups also hold the
 * booking blocks, which ARIA does not allow (axe: aria-required-children, critical). The console
 * presents the grid as layout instead: the column heads read as text, and each block is a
 * button that names its time, booking, clients and resources. The library re-renders cells as
 * dates change, so this runs on every change of the calendar's DOM.
 */
function flattenGrid(host: HTMLElement): MutationObserver {
  const flatten = () => {
    for (const el of host.querySelectorAll(GRID_ROLES)) {
      el.setAttribute('role', 'presentation');
      el.removeAttribute('aria-colindex');
    }
  };
  flatten();
  const observer = new MutationObserver(flatten);
  observer.observe(host, { subtree: true, childList: true, attributeFilter: ['role', 'aria-colindex'] });
  return observer;
}

/**
 * The hours outside a resource's slots on each day of the range, as grey background blocks
 * (in the slots' own zone's wall-clock time, as the bookings are shown).
 */
function offHours(resources: Resource[], slots: Map<number, Slot[]>, start: Date, end: Date): Calendar.EventInput[] {
  const blocks: Calendar.EventInput[] = [];
  for (const day = new Date(start); day < end; day.setDate(day.getDate() + 1)) {
    const weekDay = WEEK_DAYS[day.getDay()] as string;
    const date: Wall = { ...wallOfLocalDate(day), hour: 0, minute: 0 };
    for (const resource of resources) {
      const open = (slots.get(resource.id) ?? [])
        .filter((s) => s.weekDays.includes(weekDay))
        .map((s) => [s.from, s.to] as const)
        .sort((a, b) => a[0] - b[0]);
      let at = 0;
      for (const [from, to] of [...open, [1440, 1440] as const]) {
        if (from > at) {
          blocks.push({
            start: floatingIso({ ...date, hour: 0, minute: at }),
            end: floatingIso({ ...date, hour: 0, minute: from }),
            resourceIds: [resource.id],
            display: 'background',
            classNames: ['off-hours'],
          });
        }
        at = Math.max(at, to);
      }
    }
  }
  return blocks;
}

/** A calendar date (local, as the calendar hands it over) at the wall-clock time of `zone`. */
const zonedTime = (date: Date, zone: string): ZonedTime => ({
  timestamp: timestampOf(wallOfLocalDate(date), zone),
  timezone: zone,
});

/** What the booking dialog edits: a new booking (no id) or one that exists. */
interface Draft {
  id?: number;
  resourceId: number;
  /** The other resources the booking holds (kept as they are). */
  otherResources: number[];
  zone: string;
  start: string;
  end: string;
  name: string;
  description: string;
  clients: Row[];
  links: Row[];
}

/** `#/calendar/2030-03-04` opens the calendar on that date (links and tests name a day). */
const DATE_ARG = /^\d{4}-\d{2}-\d{2}$/;

function CalendarPanel({ portal, args, changes }: PanelProps) {
  const host = useRef<HTMLDivElement>(null);
  const calendar = useRef<Calendar | null>(null);
  const [view, setView] = useState<ViewName>('day');
  const [range, setRange] = useState<{ start: Date; end: Date; title: string } | undefined>();
  const [data, setData] = useState<CalendarData | undefined>();
  const [zone, setZone] = useState(browserZone);
  const [draft, setDraft] = useState<Draft | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  // The handlers the calendar calls see the latest state through this.
  const latest = useRef({ data, zone, portal });
  latest.current = { data, zone, portal };

  const reload = async () => {
    if (!range) return;
    try {
      setData(await loadCalendar(portal, range.start, range.end));
      setLoadError(undefined);
    } catch (error) {
      setLoadError(String((error as Error).message ?? error));
    }
  };
  useEffect(() => {
    void reload();
  }, [portal, range?.start.getTime(), range?.end.getTime(), changes]);

  /** A move or resize: the booking's new place and period, or the block goes back. */
  const applyMove = async (event: Calendar.Event, revert: () => void, oldResource?: string, newResource?: string) => {
    const booking = event.extendedProps.booking as Booking;
    let resourceIds = booking.resourceIds;
    if (oldResource !== undefined && newResource !== undefined && oldResource !== newResource) {
      resourceIds = resourceIds.map((id) => (String(id) === oldResource ? Number(newResource) : id));
    }
    const { from, to } = booking.datePeriod;
    try {
      await rest(latest.current.portal, 'booking.v1.booking.update', {
        id: booking.id,
        fields: {
          resourceIds,
          datePeriod: {
            from: zonedTime(event.start, knownZone(from.timezone)),
            to: zonedTime(event.end ?? event.start, knownZone(to.timezone)),
          },
        },
      });
      await reload();
    } catch (error) {
      revert();
      notify.error(error);
    }
  };

  useEffect(() => {
    if (!host.current) return;
    const made = createCalendar(host.current, [ResourceTimeGrid, Interaction], {
      view: VIEWS.day,
      date: DATE_ARG.test(args[0] ?? '') ? (args[0] as string) : new Date(),
      headerToolbar: { start: '', center: '', end: '' },
      height: 'auto',
      slotMinTime: '07:00',
      slotMaxTime: '21:00',
      flexibleSlotTimeLimits: true,
      slotEventOverlap: false,
      allDaySlot: false,
      nowIndicator: true,
      selectable: true,
      editable: true,
      eventStartEditable: true,
      eventDurationEditable: true,
      snapDuration: '00:15',
      slotHeight: 36,
      resources: [],
      events: [],
      datesSet: (info) => setRange({ start: info.start, end: info.end, title: info.view.title }),
      select: (info) => {
        const current = latest.current;
        const resourceId = Number(info.resource?.id ?? current.data?.resources[0]?.id);
        setDraft({
          resourceId,
          otherResources: [],
          zone: current.zone,
          start: inputText(wallOfLocalDate(info.start)),
          end: inputText(wallOfLocalDate(info.end)),
          name: '',
          description: '',
          clients: [],
          links: [],
        });
        calendar.current?.unselect();
      },
      eventClick: (info) => {
        const booking = info.event.extendedProps.booking as Booking | undefined;
        if (booking) void openBooking(booking);
      },
      eventDrop: (info) => void applyMove(info.event, info.revert, info.oldResource?.id, info.newResource?.id),
      eventResize: (info) => void applyMove(info.event, info.revert),
      eventDidMount: (info) => {
        // Blocks are reachable from the keyboard: Enter or Space opens the booking.
        const booking = info.event.extendedProps.booking as Booking | undefined;
        if (!booking) return;
        info.el.tabIndex = 0;
        info.el.setAttribute('role', 'button');
        info.el.setAttribute('aria-haspopup', 'dialog');
        info.el.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            void openBooking(booking);
          }
        });
      },
    });
    calendar.current = made;
    const observer = flattenGrid(host.current);
    return () => {
      observer.disconnect();
      calendar.current = null;
      void destroyCalendar(made);
    };
  }, []);

  const openBooking = async (booking: Booking) => {
    const { portal: p } = latest.current;
    try {
      const [clients, links] = await Promise.all([
        rest<{ bookingClient: Client[] }>(p, 'booking.v1.booking.client.list', { bookingId: booking.id }),
        rest<{ externalData: ExternalLink[] }>(p, 'booking.v1.booking.externalData.list', { bookingId: booking.id }),
      ]);
      const zoneFrom = knownZone(booking.datePeriod.from.timezone);
      const [first = 0, ...others] = booking.resourceIds;
      setDraft({
        id: booking.id,
        resourceId: first,
        otherResources: others,
        zone: zoneFrom,
        start: inputText(wallOf(booking.datePeriod.from.timestamp, zoneFrom)),
        end: inputText(wallOf(booking.datePeriod.to.timestamp, zoneFrom)),
        name: booking.name ?? '',
        description: booking.description ?? '',
        clients: clientRows(clients.result.bookingClient ?? []),
        links: linkRows(links.result.externalData ?? []),
      });
    } catch (error) {
      notify.error(error);
    }
  };

  useEffect(() => {
    calendar.current?.setOption('view', VIEWS[view]);
  }, [view]);

  const day = args[0];
  useEffect(() => {
    if (day !== undefined && DATE_ARG.test(day)) calendar.current?.setOption('date', day);
  }, [day]);

  const events = useMemo(() => {
    if (!data || !range) return [];
    const blocks: Calendar.EventInput[] = data.bookings.map((booking) => {
      const { from, to } = booking.datePeriod;
      const clients = data.clients.get(booking.id) ?? [];
      return {
        id: String(booking.id),
        resourceIds: booking.resourceIds,
        start: floatingIso(wallOf(from.timestamp, from.timezone)),
        end: floatingIso(wallOf(to.timestamp, to.timezone)),
        title: blockContent(booking, clients, data),
        extendedProps: { booking },
      };
    });
    return [...offHours(data.resources, data.slots, range.start, range.end), ...blocks];
  }, [data, range]);

  useEffect(() => {
    const c = calendar.current;
    if (!c || !data) return;
    c.setOption(
      'resources',
      data.resources.map((r) => ({ id: r.id, title: r.name || `Resource #${r.id}` })),
    );
    c.setOption('events', events);
  }, [data, events]);

  const zones = useMemo(() => {
    const seen = new Set([browserZone(), 'UTC', zone]);
    for (const b of data?.bookings ?? []) seen.add(knownZone(b.datePeriod.from.timezone));
    for (const list of data?.slots.values() ?? []) for (const s of list) seen.add(knownZone(s.timezone));
    return [...seen].sort();
  }, [data, zone]);

  const newBooking = () => {
    const resourceId = data?.resources[0]?.id;
    if (resourceId === undefined) {
      notify.info('Add a resource first (booking.v1.resource.add).');
      return;
    }
    const now = new Date();
    now.setMinutes(0, 0, 0);
    now.setHours(now.getHours() + 1);
    const later = new Date(now.getTime() + 3600_000);
    setDraft({
      resourceId,
      otherResources: [],
      zone,
      start: inputText(wallOfLocalDate(now)),
      end: inputText(wallOfLocalDate(later)),
      name: '',
      description: '',
      clients: [],
      links: [],
    });
  };

  return (
    <section class="panel calendar-panel" aria-labelledby="calendar-title">
      <div class="toolbar">
        <h1 id="calendar-title">Calendar</h1>
        <fieldset class="group">
          <legend class="visually-hidden">Dates</legend>
          <button type="button" class="secondary" onClick={() => calendar.current?.prev()}>
            Previous
          </button>
          <button type="button" class="secondary" onClick={() => calendar.current?.setOption('date', new Date())}>
            Today
          </button>
          <button type="button" class="secondary" onClick={() => calendar.current?.next()}>
            Next
          </button>
        </fieldset>
        <output class="range-title" aria-live="polite">
          {range?.title ?? ''}
        </output>
        <fieldset class="group">
          <legend class="visually-hidden">View</legend>
          {(Object.keys(VIEWS) as ViewName[]).map((name) => (
            <button
              key={name}
              type="button"
              class="secondary"
              aria-pressed={view === name}
              onClick={() => setView(name)}
            >
              {name === 'day' ? 'Day' : 'Week'}
            </button>
          ))}
        </fieldset>
        <label class="inline">
          <span>New bookings in</span>
          <select value={zone} onChange={(e) => setZone(e.currentTarget.value)}>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={newBooking}>
          New booking
        </button>
      </div>
      {loadError ? (
        <p class="error" role="alert">
          Could not load the calendar: {loadError}
        </p>
      ) : null}
      {data && data.resources.length === 0 ? (
        <p class="muted">This portal has no resources yet: the calendar shows a column for each resource.</p>
      ) : null}
      <p class="muted legend">
        Times are shown in each booking's own time zone. Grey: outside the resource's working hours.
      </p>
      <div ref={host} class="calendar" />
      {draft ? (
        <BookingDialog
          portal={portal}
          draft={draft}
          resources={data?.resources ?? []}
          zones={zones}
          onClose={() => setDraft(undefined)}
          onSaved={() => {
            setDraft(undefined);
            void reload();
          }}
        />
      ) : null}
    </section>
  );
}

function BookingDialog(props: {
  portal: string;
  draft: Draft;
  resources: Resource[];
  zones: string[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const [draft, setDraft] = useState(props.draft);
  const { busy, error, setError, submit: run } = useSubmit(props.onSaved);
  const edit = (change: Partial<Draft>) => setDraft({ ...draft, ...change });
  const isNew = draft.id === undefined;

  const save = (event: Event) => {
    event.preventDefault();
    const start = wallOfInput(draft.start);
    const end = wallOfInput(draft.end);
    if (!start || !end) {
      setError('Give the start and the end.');
      return;
    }
    const fields = {
      name: draft.name,
      description: draft.description,
      resourceIds: [draft.resourceId, ...draft.otherResources],
      datePeriod: {
        from: { timestamp: timestampOf(start, draft.zone), timezone: draft.zone },
        to: { timestamp: timestampOf(end, draft.zone), timezone: draft.zone },
      },
    };
    const clients = clientsOfRows(draft.clients);
    void run(async () => {
      const { portal } = props;
      let id = draft.id;
      if (id === undefined) {
        id = (await rest<number>(portal, 'booking.v1.booking.add', { fields })).result;
        if (clients.length) await rest(portal, 'booking.v1.booking.client.set', { bookingId: id, clients });
        return `Booking #${id} added`;
      }
      await rest(portal, 'booking.v1.booking.update', { id, fields });
      await rest(portal, 'booking.v1.booking.client.set', { bookingId: id, clients });
      await rest(portal, 'booking.v1.booking.externalData.set', {
        bookingId: id,
        externalData: linksOfRows(draft.links),
      });
      return `Booking #${id} saved`;
    });
  };

  const id = draft.id;
  return (
    <Dialog title={isNew ? 'New booking' : `Booking #${id}`} onClose={props.onClose}>
      <form onSubmit={save} class="form">
        <Field label="Name">
          <input value={draft.name} onInput={(e) => edit({ name: e.currentTarget.value })} />
        </Field>
        <Field label="Description">
          <textarea rows={2} value={draft.description} onInput={(e) => edit({ description: e.currentTarget.value })} />
        </Field>
        <Field label="Resource">
          <select
            value={String(draft.resourceId)}
            onChange={(e) => edit({ resourceId: Number(e.currentTarget.value) })}
          >
            {props.resources.map((r) => (
              <option key={r.id} value={String(r.id)}>
                {r.name || `Resource #${r.id}`}
              </option>
            ))}
          </select>
        </Field>
        <div class="two">
          {(['start', 'end'] as const).map((key) => (
            <Field key={key} label={key === 'start' ? 'Start' : 'End'}>
              <input
                type="datetime-local"
                required
                value={draft[key]}
                onInput={(e) => edit({ [key]: e.currentTarget.value })}
              />
            </Field>
          ))}
        </div>
        <Field label="Time zone">
          <select value={draft.zone} onChange={(e) => edit({ zone: e.currentTarget.value })}>
            {[...new Set([...props.zones, draft.zone])].map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </Field>
        <RowsEditor
          legend="Clients"
          noun="client"
          fields={CLIENT_FIELDS}
          rows={draft.clients}
          onChange={(clients) => edit({ clients })}
        />
        {isNew ? null : (
          <RowsEditor
            legend="External data"
            noun="link"
            fields={LINK_FIELDS}
            rows={draft.links}
            onChange={(links) => edit({ links })}
          />
        )}
        <DialogFooter error={error} busy={busy} submitLabel={isNew ? 'Add booking' : 'Save'} onCancel={props.onClose}>
          {id === undefined ? null : (
            <>
              <button
                type="button"
                class="secondary"
                disabled={busy}
                onClick={() =>
                  run(async () => {
                    const entry = await rest<number>(props.portal, 'booking.v1.waitlist.createfrombooking', {
                      bookingId: id,
                    });
                    return `Booking #${id} put back on the wait list as entry #${entry.result}`;
                  })
                }
              >
                Put back on the wait list
              </button>
              <button
                type="button"
                class="danger"
                disabled={busy}
                onClick={() =>
                  run(async () => {
                    await rest(props.portal, 'booking.v1.booking.delete', { id });
                    return `Booking #${id} deleted`;
                  })
                }
              >
                Delete booking
              </button>
            </>
          )}
        </DialogFooter>
      </form>
    </Dialog>
  );
}

export const calendarPanel: Panel = { id: 'calendar', title: 'Calendar', view: CalendarPanel };
