/**
 * Resource types and resources (`booking.v1.resourceType.*`, `booking.v1.resource.*`): list,
 * add, edit (name, type, the notification settings the resource fields have), delete; and a
 * resource's working hours over `booking.v1.resource.slots.list|set|unset`.
 */
import { useEffect, useId, useState } from 'preact/hooks';
import { batch, rest, restAll } from '../api';
import { browserZone, minutesText } from '../time';
import { Dialog, DialogFooter, Field, useSubmit } from '../ui/dialog';
import { notify } from '../ui/notices';
import { RowActions, Table } from '../ui/table';
import type { Panel, PanelProps } from './index';
import './panels.css';

interface ResourceType {
  id: number;
  name: string | null;
  code: string | null;
}

type Setting = string | number | boolean | null | undefined;

interface Resource {
  id: number;
  name: string | null;
  description: string | null;
  typeId: number | null;
  isMain?: Setting;
  [setting: string]: Setting;
}

interface Slot {
  from: number;
  to: number;
  timezone: string;
  weekDays: string[];
  slotSize: number;
}

/**
 * The notification settings of a resource, as its REST view has them: switches (`Y`/`N` on the
 * wire), delays and counts in minutes, template and sender codes.
 */
const NOTIFICATIONS: { key: string; label: string; kind: 'switch' | 'number' | 'text' }[] = [
  { key: 'isInfoNotificationOn', label: 'Info message', kind: 'switch' },
  { key: 'templateTypeInfo', label: 'Info template', kind: 'text' },
  { key: 'infoNotificationDelay', label: 'Info delay', kind: 'number' },
  { key: 'isConfirmationNotificationOn', label: 'Confirmation', kind: 'switch' },
  { key: 'templateTypeConfirmation', label: 'Confirmation template', kind: 'text' },
  { key: 'confirmationNotificationDelay', label: 'Confirmation delay', kind: 'number' },
  { key: 'confirmationNotificationRepetitions', label: 'Confirmation repetitions', kind: 'number' },
  { key: 'confirmationNotificationRepetitionsInterval', label: 'Repetition interval', kind: 'number' },
  { key: 'confirmationCounterDelay', label: 'Confirmation counter delay', kind: 'number' },
  { key: 'isReminderNotificationOn', label: 'Reminder', kind: 'switch' },
  { key: 'templateTypeReminder', label: 'Reminder template', kind: 'text' },
  { key: 'reminderNotificationDelay', label: 'Reminder delay', kind: 'number' },
  { key: 'isFeedbackNotificationOn', label: 'Feedback request', kind: 'switch' },
  { key: 'templateTypeFeedback', label: 'Feedback template', kind: 'text' },
  { key: 'isDelayedNotificationOn', label: 'Late-arrival message', kind: 'switch' },
  { key: 'templateTypeDelayed', label: 'Late-arrival template', kind: 'text' },
  { key: 'delayedNotificationDelay', label: 'Late-arrival delay', kind: 'number' },
  { key: 'delayedCounterDelay', label: 'Late-arrival counter delay', kind: 'number' },
  { key: 'isCancellationNotificationOn', label: 'Cancellation message', kind: 'switch' },
  { key: 'cancellationNotificationDelay', label: 'Cancellation delay', kind: 'number' },
  { key: 'senderCode', label: 'Sender code', kind: 'text' },
];

const WEEK_DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const isOn = (value: Setting) => value === true || value === 'Y';

async function loadResources(portal: string) {
  const [types, resources] = await Promise.all([
    restAll<ResourceType>(portal, 'booking.v1.resourceType.list', 'resourceType'),
    restAll<Resource>(portal, 'booking.v1.resource.list', 'resource'),
  ]);
  const slots = new Map<number, Slot[]>();
  for (let at = 0; at < resources.length; at += 50) {
    const chunk = resources.slice(at, at + 50);
    const { result } = await batch(
      portal,
      Object.fromEntries(
        chunk.map((r) => [`s${r.id}`, { method: 'booking.v1.resource.slots.list', params: { resourceId: r.id } }]),
      ),
    );
    for (const r of chunk) slots.set(r.id, (result[`s${r.id}`] as { slots?: Slot[] } | undefined)?.slots ?? []);
  }
  return { types, resources, slots };
}

function hoursText(slots: Slot[]): string {
  if (slots.length === 0) return 'none';
  return slots
    .map((s) => `${s.weekDays.join(', ')} ${minutesText(s.from)}–${minutesText(s.to)} (${s.timezone})`)
    .join('; ');
}

type Editing =
  | { kind: 'type'; type?: ResourceType }
  | { kind: 'resource'; resource?: Resource }
  | { kind: 'hours'; resource: Resource; slots: Slot[] };

function ResourcesPanel({ portal, changes }: PanelProps) {
  const [data, setData] = useState<Awaited<ReturnType<typeof loadResources>> | undefined>();
  const [editing, setEditing] = useState<Editing | undefined>();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    loadResources(portal).then(setData).catch(notify.error);
  }, [portal, changes, version]);
  const reload = () => setVersion((v) => v + 1);
  const done = () => {
    setEditing(undefined);
    reload();
  };
  const remove = async (method: string, id: number, what: string) => {
    if (!confirm(`Delete ${what}?`)) return;
    try {
      await rest(portal, method, { id });
      notify.info(`${what} is deleted.`);
      reload();
    } catch (failure) {
      notify.error(failure);
    }
  };
  const types = data?.types ?? [];
  const typeName = (id: number | null) => types.find((t) => t.id === id)?.name ?? (id ? `#${id}` : '');
  return (
    <section class="panel resources" aria-labelledby="resources-title">
      <div class="toolbar">
        <h1 id="resources-title">Resources</h1>
        <button type="button" onClick={() => setEditing({ kind: 'resource' })}>
          Add resource
        </button>
        <button type="button" class="secondary" onClick={() => setEditing({ kind: 'type' })}>
          Add resource type
        </button>
      </div>
      <Table
        label="Resources"
        columns={['#', 'Name', 'Type', 'Working hours', '']}
        empty={data && data.resources.length === 0 ? 'No resources yet.' : undefined}
      >
        {(data?.resources ?? []).map((r) => {
          const name = r.name || `Resource #${r.id}`;
          return (
            <tr key={r.id}>
              <td>{r.id}</td>
              <td>
                {name}
                {r.description ? <div class="muted">{r.description}</div> : null}
              </td>
              <td>{typeName(r.typeId)}</td>
              <td>{hoursText(data?.slots.get(r.id) ?? [])}</td>
              <RowActions
                of={name}
                actions={[
                  { label: 'Edit', kind: 'secondary', run: () => setEditing({ kind: 'resource', resource: r }) },
                  {
                    label: 'Working hours',
                    kind: 'secondary',
                    run: () => setEditing({ kind: 'hours', resource: r, slots: data?.slots.get(r.id) ?? [] }),
                  },
                  { label: 'Delete', kind: 'danger', run: () => remove('booking.v1.resource.delete', r.id, name) },
                ]}
              />
            </tr>
          );
        })}
      </Table>
      <h2 class="section-title">Resource types</h2>
      <Table
        label="Resource types"
        columns={['#', 'Name', 'Code', '']}
        empty={data && types.length === 0 ? 'No resource types yet.' : undefined}
      >
        {types.map((t) => {
          const name = t.name || `Type #${t.id}`;
          return (
            <tr key={t.id}>
              <td>{t.id}</td>
              <td>{name}</td>
              <td>
                <code>{t.code}</code>
              </td>
              <RowActions
                of={`type ${name}`}
                actions={[
                  { label: 'Edit', kind: 'secondary', run: () => setEditing({ kind: 'type', type: t }) },
                  {
                    label: 'Delete',
                    kind: 'danger',
                    run: () => remove('booking.v1.resourceType.delete', t.id, `type ${name}`),
                  },
                ]}
              />
            </tr>
          );
        })}
      </Table>
      {editing?.kind === 'type' ? (
        <TypeDialog portal={portal} type={editing.type} onClose={() => setEditing(undefined)} onDone={done} />
      ) : null}
      {editing?.kind === 'resource' ? (
        <ResourceDialog
          portal={portal}
          resource={editing.resource}
          types={types}
          onClose={() => setEditing(undefined)}
          onDone={done}
        />
      ) : null}
      {editing?.kind === 'hours' ? (
        <HoursDialog
          portal={portal}
          resource={editing.resource}
          slots={editing.slots}
          onClose={() => setEditing(undefined)}
          onDone={done}
        />
      ) : null}
    </section>
  );
}

function TypeDialog(props: { portal: string; type?: ResourceType; onClose: () => void; onDone: () => void }) {
  const { type } = props;
  const [name, setName] = useState(type?.name ?? '');
  const [code, setCode] = useState(type?.code ?? '');
  const { busy, error, submit } = useSubmit(props.onDone);
  return (
    <Dialog title={type ? `Edit type ${type.name ?? type.id}` : 'New resource type'} onClose={props.onClose}>
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit(async () => {
            const fields = { name, code };
            if (type) {
              await rest(props.portal, 'booking.v1.resourceType.update', { id: type.id, fields });
              return `Type ${name} is saved.`;
            }
            const { result } = await rest<number>(props.portal, 'booking.v1.resourceType.add', { fields });
            return `Type ${name} is added (#${result}).`;
          });
        }}
      >
        <Field label="Name">
          <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="Code">
          <input required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
        </Field>
        <DialogFooter error={error} busy={busy} submitLabel="Save" onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

/** A resource's fields as the form holds them: text for text and numbers, booleans for switches. */
type Draft = Record<string, string | boolean>;

function draftOf(resource: Resource | undefined): Draft {
  const draft: Draft = {
    name: resource?.name ?? '',
    description: resource?.description ?? '',
    typeId: resource?.typeId ? String(resource.typeId) : '',
    isMain: resource ? isOn(resource.isMain) : true,
  };
  for (const n of NOTIFICATIONS) {
    const value = resource?.[n.key];
    draft[n.key] = n.kind === 'switch' ? isOn(value) : value === null || value === undefined ? '' : String(value);
  }
  return draft;
}

/** The fields booking.v1.resource.add|update take: switches `Y`/`N`, empty numbers left out. */
function fieldsOf(draft: Draft): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    name: draft.name,
    description: draft.description,
    isMain: draft.isMain ? 'Y' : 'N',
  };
  if (draft.typeId !== '') fields.typeId = Number(draft.typeId);
  for (const n of NOTIFICATIONS) {
    const value = draft[n.key];
    if (n.kind === 'switch') fields[n.key] = value ? 'Y' : 'N';
    else if (n.kind === 'number' && value !== '') fields[n.key] = Number(value);
    else if (n.kind === 'text' && value !== '') fields[n.key] = value;
  }
  return fields;
}

function ResourceDialog(props: {
  portal: string;
  resource?: Resource;
  types: ResourceType[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { resource } = props;
  // A resource has a type (the server refuses one without); a new one takes the first.
  const [draft, setDraft] = useState<Draft>(() => ({
    ...draftOf(resource),
    ...(resource ? {} : { typeId: props.types[0] ? String(props.types[0].id) : '' }),
  }));
  const set = (key: string, value: string | boolean) => setDraft({ ...draft, [key]: value });
  const { busy, error, submit } = useSubmit(props.onDone);
  const text = (key: string) => String(draft[key] ?? '');
  return (
    <Dialog
      title={resource ? `Edit ${resource.name || `resource #${resource.id}`}` : 'New resource'}
      onClose={props.onClose}
    >
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit(async () => {
            const fields = fieldsOf(draft);
            if (resource) {
              await rest(props.portal, 'booking.v1.resource.update', { id: resource.id, fields });
              return `${draft.name} is saved.`;
            }
            const { result } = await rest<number>(props.portal, 'booking.v1.resource.add', { fields });
            return `${draft.name} is added (#${result}).`;
          });
        }}
      >
        <Field label="Name">
          <input required value={text('name')} onInput={(e) => set('name', e.currentTarget.value)} />
        </Field>
        <Field label="Description">
          <textarea rows={2} value={text('description')} onInput={(e) => set('description', e.currentTarget.value)} />
        </Field>
        <div class="two">
          <Field label="Type" hint={props.types.length === 0 ? 'Add a resource type first' : undefined}>
            <select required value={text('typeId')} onChange={(e) => set('typeId', e.currentTarget.value)}>
              <option value="">Choose a type</option>
              {props.types.map((t) => (
                <option key={t.id} value={String(t.id)}>
                  {t.name || `Type #${t.id}`}
                </option>
              ))}
            </select>
          </Field>
          <label class="inline">
            <input
              type="checkbox"
              checked={draft.isMain === true}
              onChange={(e) => set('isMain', e.currentTarget.checked)}
            />
            <span>Main resource</span>
          </label>
        </div>
        <details>
          <summary>Notifications</summary>
          <div class="notifications">
            {NOTIFICATIONS.map((n) =>
              n.kind === 'switch' ? (
                <label key={n.key} class="inline">
                  <input
                    type="checkbox"
                    checked={draft[n.key] === true}
                    onChange={(e) => set(n.key, e.currentTarget.checked)}
                  />
                  <span>{n.label}</span>
                </label>
              ) : (
                <Field key={n.key} label={n.kind === 'number' ? `${n.label} (minutes)` : n.label}>
                  {n.kind === 'number' ? (
                    <input
                      type="number"
                      step={1}
                      value={text(n.key)}
                      onInput={(e) => set(n.key, e.currentTarget.value)}
                    />
                  ) : (
                    <input value={text(n.key)} onInput={(e) => set(n.key, e.currentTarget.value)} />
                  )}
                </Field>
              ),
            )}
          </div>
        </details>
        <DialogFooter error={error} busy={busy} submitLabel="Save" onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

interface HoursRow {
  weekDays: string[];
  from: string;
  to: string;
  timezone: string;
  slotSize: string;
}

const minutesOf = (text: string) => {
  const [hours = 0, minutes = 0] = text.split(':').map(Number);
  // 24:00 is the day's end; the time input cannot show it, so the end of the day is 23:59 + 1.
  return text === '23:59' ? 1440 : hours * 60 + minutes;
};

const timeText = (minutes: number) => (minutes >= 1440 ? '23:59' : minutesText(minutes));

function HoursDialog(props: {
  portal: string;
  resource: Resource;
  slots: Slot[];
  onClose: () => void;
  onDone: () => void;
}) {
  const [rows, setRows] = useState<HoursRow[]>(() =>
    props.slots.map((s) => ({
      weekDays: [...s.weekDays],
      from: timeText(s.from),
      to: timeText(s.to),
      timezone: s.timezone,
      slotSize: String(s.slotSize),
    })),
  );
  const { busy, error, submit } = useSubmit(props.onDone);
  const zonesId = useId();
  const name = props.resource.name || `resource #${props.resource.id}`;
  const set = (index: number, change: Partial<HoursRow>) =>
    setRows(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  const blank = (): HoursRow => ({
    weekDays: WEEK_DAYS.slice(0, 5),
    from: '09:00',
    to: '18:00',
    timezone: browserZone(),
    slotSize: '60',
  });
  return (
    <Dialog title={`Working hours of ${name}`} onClose={props.onClose}>
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit(async () => {
            const resourceId = props.resource.id;
            if (rows.length === 0) {
              await rest(props.portal, 'booking.v1.resource.slots.unset', { resourceId });
              return `${name} has no working hours now.`;
            }
            const slots = rows.map((row) => ({
              weekDays: row.weekDays,
              from: minutesOf(row.from),
              to: minutesOf(row.to),
              timezone: row.timezone,
              slotSize: Number(row.slotSize),
            }));
            await rest(props.portal, 'booking.v1.resource.slots.set', { resourceId, slots });
            return `The working hours of ${name} are saved.`;
          });
        }}
      >
        {rows.length === 0 ? <p class="muted">No working hours: the calendar shows every hour as open.</p> : null}
        {rows.map((row, index) => {
          const n = index + 1;
          return (
            <fieldset class="slot" key={index}>
              <legend>Hours {n}</legend>
              <fieldset class="weekdays">
                <legend>Days</legend>
                {WEEK_DAYS.map((day) => (
                  <label key={day} class="inline">
                    <input
                      type="checkbox"
                      aria-label={`Hours ${n} ${day}`}
                      checked={row.weekDays.includes(day)}
                      onChange={(e) =>
                        set(index, {
                          weekDays: e.currentTarget.checked
                            ? WEEK_DAYS.filter((d) => d === day || row.weekDays.includes(d))
                            : row.weekDays.filter((d) => d !== day),
                        })
                      }
                    />
                    <span aria-hidden="true">{day}</span>
                  </label>
                ))}
              </fieldset>
              <div class="two">
                <Field label={`Hours ${n} from`}>
                  <input
                    type="time"
                    required
                    value={row.from}
                    onInput={(e) => set(index, { from: e.currentTarget.value })}
                  />
                </Field>
                <Field label={`Hours ${n} to`} hint="23:59: to the day's end">
                  <input
                    type="time"
                    required
                    value={row.to}
                    onInput={(e) => set(index, { to: e.currentTarget.value })}
                  />
                </Field>
                <Field label={`Hours ${n} time zone`}>
                  <input
                    required
                    list={zonesId}
                    value={row.timezone}
                    onInput={(e) => set(index, { timezone: e.currentTarget.value })}
                  />
                </Field>
                <Field label={`Hours ${n} slot size (minutes)`}>
                  <input
                    type="number"
                    min={0}
                    step={1}
                    required
                    value={row.slotSize}
                    onInput={(e) => set(index, { slotSize: e.currentTarget.value })}
                  />
                </Field>
              </div>
              <button type="button" class="secondary" onClick={() => setRows(rows.filter((_, i) => i !== index))}>
                Remove hours {n}
              </button>
            </fieldset>
          );
        })}
        {/* The zones this browser knows, offered as the zone is typed; the server takes any text. */}
        <datalist id={zonesId}>
          {Intl.supportedValuesOf('timeZone').map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <div class="actions">
          <button type="button" class="secondary" onClick={() => setRows([...rows, blank()])}>
            Add hours
          </button>
        </div>
        <DialogFooter error={error} busy={busy} submitLabel="Save hours" onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

export const resourcesPanel: Panel = { id: 'resources', title: 'Resources', view: ResourcesPanel };
