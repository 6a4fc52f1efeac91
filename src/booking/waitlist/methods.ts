/**
 * booking.v1.waitlist.*: the wait list, as the module's `Controller\WaitList` behaves
 * (real-server.md, section 5). Entries expose only `id` and `note`; deletes are soft; every
 * write records its event in the outbox in the same transaction.
 */
import type { Clock } from '../../clock.js';
import { errors } from '../../rest/errors.js';
import { param } from '../../rest/params.js';
import { phpString } from '../../rest/php.js';
import { BookingPage, defineMethod } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import { externalize } from '../../rest/view.js';
import type { Repositories, Store } from '../../store/store.js';
import { bookingEvents } from '../events.js';
import { createdWithinRange } from '../portal-date.js';
import { runUpdate, type UpdateTarget } from '../update-command.js';
import { waitListFilterView, waitListView } from './views.js';

/** The note as add/update take it: absent or null leaves it alone, anything else is cast. */
function noteOf(fields: Record<string, unknown>): string | undefined {
  const note = fields.note;
  return note === undefined || note === null ? undefined : phpString(note);
}

const add = defineMethod({
  name: 'booking.v1.waitlist.add',
  scope: 'booking',
  result: result.id(),
  params: { fields: param.fields(waitListView) },
  handler: ({ fields }, ctx) =>
    ctx.store.write(async ({ waitList, outbox }) => {
      const now = ctx.clock.now();
      const id = await waitList.insert({ note: noteOf(fields) ?? null, createdBy: ctx.userId, createdAt: now });
      await outbox.record(bookingEvents.waitListItemAdd, { ID: id }, now);
      return id;
    }),
});

const get = defineMethod({
  name: 'booking.v1.waitlist.get',
  scope: 'booking',
  result: result.entity('waitList', waitListView),
  raises: [errors.waitListNotFound],
  params: { id: param.int() },
  handler: ({ id }, ctx) =>
    ctx.store.read(async ({ waitList }) => {
      const entry = await waitList.find(id);
      if (!entry) throw errors.waitListNotFound();
      return { waitList: externalize(waitListView, entry) };
    }),
});

const list = defineMethod({
  name: 'booking.v1.waitlist.list',
  scope: 'booking',
  result: result.bookingPage('waitList', waitListView),
  raises: [errors.invalidDate],
  params: { filter: param.filter(waitListFilterView) },
  handler: ({ filter }, ctx) => {
    const { createdFrom, createdBefore } = createdWithinRange(filter.createdWithin);
    return ctx.store.read(async ({ waitList }) => {
      const rows = await waitList.list({ createdFrom, createdBefore, offset: ctx.page.offset, limit: ctx.page.limit });
      return new BookingPage(
        'waitList',
        rows.map((row) => externalize(waitListView, row)),
      );
    });
  },
});

/** The wait-list entry as update commands see it: touching the live entry locks it (1040 when there is none). */
const waitListEntry: UpdateTarget<number> = {
  lock: async ({ waitList }, id, now) => ((await waitList.touch(id, now)) ? id : undefined),
  event: bookingEvents.waitListItemUpdate,
};

/** Every update-style call (update, client.*, externalData.*), as UpdateWaitListItemCommand. */
export function updateWaitListEntry(
  ctx: { store: Store; clock: Clock },
  id: number,
  change: (repos: Repositories, now: number) => Promise<void>,
): Promise<boolean> {
  return runUpdate(ctx, waitListEntry, id, errors.waitListNotFound, (repos, _id, now) => change(repos, now));
}

const update = defineMethod({
  name: 'booking.v1.waitlist.update',
  scope: 'booking',
  result: result.success(),
  raises: [errors.waitListNotFound],
  params: { id: param.int(), fields: param.fields(waitListView) },
  handler: ({ id, fields }, ctx) =>
    updateWaitListEntry(ctx, id, async ({ waitList }) => {
      const note = noteOf(fields);
      // An empty note removes it, as Bitrix deletes the note row.
      if (note !== undefined) await waitList.setNote(id, note === '' ? null : note);
    }),
});

const remove = defineMethod({
  name: 'booking.v1.waitlist.delete',
  scope: 'booking',
  result: result.success(),
  raises: [errors.waitListItemNotFoundOnDelete],
  params: { id: param.int() },
  handler: ({ id }, ctx) =>
    ctx.store.write(async ({ waitList, outbox }) => {
      const now = ctx.clock.now();
      if (!(await waitList.softDelete(id, now))) throw errors.waitListItemNotFoundOnDelete();
      await outbox.record(bookingEvents.waitListItemDelete, { ID: id }, now);
      return true;
    }),
});

export const waitListMethods = [add, get, list, update, remove];
