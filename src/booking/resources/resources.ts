/**
 * booking.v1.resource.*: the things that are booked. A resource needs an existing type; deletes
 * are soft and refused while bookings start from now on; an update rebuilds the resource from
 * the merged fields and so drops its slots, as the real server's update handler does.
 */
import type { Clock } from '../../clock.js';
import { errors } from '../../rest/errors.js';
import { param, sortOrder } from '../../rest/params.js';
import { isPhpArray, phpArrayValues, phpIntCast, phpString } from '../../rest/php.js';
import { BookingPage, defineMethod } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import { externalize } from '../../rest/view.js';
import type { ResourceRecord } from '../../store/repositories/resources.js';
import type { Repositories, Store } from '../../store/store.js';
import { bookingEvents } from '../events.js';
import { runUpdate, type UpdateChange, type UpdateTarget } from '../update-command.js';
import { assertTemplates, defaultSettings, mergeSettings } from './settings.js';
import { resourceFilterView, resourceOrderView, resourceSettingNames, resourceView } from './views.js';

/** A resource sends its messages through Bitrix24 unless told otherwise. */
const DEFAULT_SENDER = 'bitrix24';

export function showResource(resource: ResourceRecord) {
  return externalize(resourceView, {
    ...resource.settings,
    id: resource.id,
    name: resource.name,
    description: resource.description,
    typeId: resource.typeId,
    isMain: resource.isMain,
  });
}

/** The factory's checks: the given type must exist (1013), then the templates (422). */
async function assertValid(repos: Repositories, fields: Record<string, unknown>): Promise<void> {
  if (fields.typeId !== undefined && fields.typeId !== null) {
    const typeId = fields.typeId as number;
    if (!(await repos.resourceTypes.find(typeId, true))) throw errors.resourceTypeMissing(typeId);
  }
  assertTemplates(fields);
}

const text = (value: unknown, fallback: string | null) =>
  value === undefined || value === null ? fallback : phpString(value);

const add = defineMethod({
  name: 'booking.v1.resource.add',
  scope: 'booking',
  result: result.id(),
  raises: [
    () => errors.resourceTypeMissing(7),
    () => errors.invalidFieldValue('templateTypeInfo'),
    errors.resourceTypeRequired,
  ],
  params: { fields: param.fields(resourceView, { required: 'add' }) },
  handler: ({ fields }, ctx) =>
    ctx.store.write(async (repos) => {
      await assertValid(repos, fields);
      if (fields.typeId === undefined || fields.typeId === null) throw errors.resourceTypeRequired();
      const now = ctx.clock.now();
      const settings = mergeSettings(
        defaultSettings(resourceSettingNames, DEFAULT_SENDER),
        resourceView,
        resourceSettingNames,
        fields,
      );
      const id = await repos.resources.insert(
        {
          typeId: fields.typeId as number,
          name: phpString(fields.name),
          description: text(fields.description, null),
          isMain: (fields.isMain as boolean | undefined) ?? true,
          settings,
        },
        ctx.userId,
        now,
      );
      await repos.outbox.record(bookingEvents.resourceAdd, { ID: id }, now);
      return id;
    }),
});

const get = defineMethod({
  name: 'booking.v1.resource.get',
  scope: 'booking',
  result: result.entity('resource', resourceView),
  raises: [errors.resourceNotFound],
  params: { id: param.int() },
  handler: ({ id }, ctx) =>
    ctx.store.read(async ({ resources }) => {
      const resource = await resources.find(id);
      if (!resource) throw errors.resourceNotFound();
      return { resource: showResource(resource) };
    }),
});

/** `typeId` as one id or a list of them. */
function typeIdsOf(value: unknown): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  return isPhpArray(value) ? phpArrayValues(value).map(phpIntCast) : [phpIntCast(value)];
}

const list = defineMethod({
  name: 'booking.v1.resource.list',
  scope: 'booking',
  result: result.bookingPage('resource', resourceView),
  params: { filter: param.filter(resourceFilterView), order: param.order(resourceOrderView) },
  handler: ({ filter, order }, ctx) => {
    const query = {
      isMain: filter.isMain as boolean | undefined,
      typeIds: typeIdsOf(filter.typeId),
      name: text(filter.name, null) ?? undefined,
      description: text(filter.description, null) ?? undefined,
      searchQuery: text(filter.searchQuery, null) ?? undefined,
      order: sortOrder(order),
      offset: ctx.page.offset,
      limit: ctx.page.limit,
    };
    return ctx.store.read(async ({ resources }) => {
      const rows = await resources.list(query);
      return new BookingPage('resource', rows.map(showResource));
    });
  },
});

/** A resource as update commands see it: locked while live. */
const liveResource: UpdateTarget<ResourceRecord> = {
  lock: ({ resources }, id) => resources.find(id, true),
  event: bookingEvents.resourceUpdate,
};

/** Every update-style call on a resource (update, slots.set/unset), with its not-found error. */
export function updateResource(
  ctx: { store: Store; clock: Clock },
  id: number,
  notFound: () => Error,
  change: UpdateChange<ResourceRecord>,
): Promise<boolean> {
  return runUpdate(ctx, liveResource, id, notFound, change);
}

const update = defineMethod({
  name: 'booking.v1.resource.update',
  scope: 'booking',
  result: result.success(),
  raises: [
    errors.resourceNotFoundOnUpdate,
    () => errors.resourceTypeMissing(7),
    () => errors.invalidFieldValue('templateTypeInfo'),
  ],
  params: { id: param.int(), fields: param.fields(resourceView) },
  handler: ({ id, fields }, ctx) =>
    updateResource(ctx, id, errors.resourceNotFoundOnUpdate, async (repos, resource, now) => {
      await assertValid(repos, fields);
      await repos.resources.update(
        {
          id,
          typeId: (fields.typeId as number | undefined) ?? resource.typeId,
          name: text(fields.name, resource.name) as string,
          description: text(fields.description, resource.description),
          isMain: (fields.isMain as boolean | undefined) ?? resource.isMain,
          settings: mergeSettings(resource.settings, resourceView, resourceSettingNames, fields),
        },
        now,
      );
      // The real update rebuilds the resource without its slot ranges and then removes them.
      await repos.resources.replaceSlots(id, []);
    }),
});

const remove = defineMethod({
  name: 'booking.v1.resource.delete',
  scope: 'booking',
  result: result.success(),
  raises: [errors.resourceNotFoundOnDelete, errors.resourceHasFutureBookings],
  params: { id: param.int() },
  handler: ({ id }, ctx) =>
    ctx.store.write(async ({ resources, outbox }) => {
      if (!(await resources.find(id, true))) throw errors.resourceNotFoundOnDelete();
      const now = ctx.clock.now();
      if (await resources.hasBookingsFrom(id, now)) throw errors.resourceHasFutureBookings();
      await resources.softDelete(id, now);
      await outbox.record(bookingEvents.resourceDelete, { ID: id }, now);
      return true;
    }),
});

export const resourceMethods = [add, get, list, update, remove];
