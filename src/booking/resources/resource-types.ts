/**
 * booking.v1.resourceType.*: what kinds of things can be booked. Codes are unique within the
 * module; update must name a code that no type has yet, its own included (real-server.md,
 * section 8); types are deleted for real, and only while no live resource uses them.
 */
import { errors } from '../../rest/errors.js';
import { param, sortOrder } from '../../rest/params.js';
import { phpString } from '../../rest/php.js';
import { BookingPage, defineMethod } from '../../rest/registry.js';
import { result } from '../../rest/result.js';
import { externalize } from '../../rest/view.js';
import type { ResourceTypeRecord } from '../../store/repositories/resources.js';
import { bookingEvents } from '../events.js';
import { assertTemplates, defaultSettings, mergeSettings } from './settings.js';
import { resourceTypeFilterView, resourceTypeOrderView, resourceTypeSettingNames, resourceTypeView } from './views.js';

/** Types made over REST always belong to the booking module. */
const MODULE_ID = 'booking';

function show(type: ResourceTypeRecord) {
  return externalize(resourceTypeView, { ...type.settings, id: type.id, name: type.name, code: type.code });
}

const add = defineMethod({
  name: 'booking.v1.resourceType.add',
  scope: 'booking',
  result: result.id(),
  raises: [() => errors.invalidFieldValue('templateTypeInfo'), () => errors.resourceTypeCodeTaken('doctor')],
  params: { fields: param.fields(resourceTypeView, { required: 'add' }) },
  handler: ({ fields }, ctx) => {
    assertTemplates(fields);
    const code = phpString(fields.code);
    return ctx.store.write(async ({ resourceTypes, outbox }) => {
      if (await resourceTypes.codeExists(MODULE_ID, code)) throw errors.resourceTypeCodeTaken(code);
      const now = ctx.clock.now();
      const settings = mergeSettings(
        defaultSettings(resourceTypeSettingNames, null),
        resourceTypeView,
        resourceTypeSettingNames,
        fields,
      );
      const id = await resourceTypes.insert({ moduleId: MODULE_ID, code, name: phpString(fields.name), settings }, now);
      await outbox.record(bookingEvents.resourceTypeAdd, { ID: id }, now);
      return id;
    });
  },
});

const get = defineMethod({
  name: 'booking.v1.resourceType.get',
  scope: 'booking',
  result: result.entity('resourceType', resourceTypeView),
  raises: [errors.resourceTypeNotFound],
  params: { id: param.int() },
  handler: ({ id }, ctx) =>
    ctx.store.read(async ({ resourceTypes }) => {
      const type = await resourceTypes.find(id);
      if (!type) throw errors.resourceTypeNotFound();
      return { resourceType: show(type) };
    }),
});

const list = defineMethod({
  name: 'booking.v1.resourceType.list',
  scope: 'booking',
  result: result.bookingPage('resourceType', resourceTypeView),
  params: { filter: param.filter(resourceTypeFilterView), order: param.order(resourceTypeOrderView) },
  handler: ({ filter, order }, ctx) => {
    const text = (name: string) => (filter[name] === undefined ? undefined : phpString(filter[name]));
    const query = {
      moduleId: text('moduleId'),
      code: text('code'),
      name: text('name'),
      searchQuery: text('searchQuery'),
      order: sortOrder(order),
      offset: ctx.page.offset,
      limit: ctx.page.limit,
    };
    return ctx.store.read(async ({ resourceTypes }) => {
      const types = await resourceTypes.list(query);
      return new BookingPage('resourceType', types.map(show));
    });
  },
});

const update = defineMethod({
  name: 'booking.v1.resourceType.update',
  scope: 'booking',
  result: result.success(),
  raises: [
    () => errors.invalidFieldValue('templateTypeInfo'),
    errors.resourceTypeUpdateWithoutCode,
    () => errors.resourceTypeCodeTakenOnUpdate('doctor'),
    errors.resourceTypeNotFoundOnUpdate,
  ],
  params: { id: param.int(), fields: param.fields(resourceTypeView) },
  handler: ({ id, fields }, ctx) => {
    assertTemplates(fields);
    if (fields.code === undefined || fields.code === null) throw errors.resourceTypeUpdateWithoutCode();
    const code = phpString(fields.code);
    return ctx.store.write(async ({ resourceTypes, outbox }) => {
      // As on the real server: any existing code is refused, the type's own included, and
      // before the type itself is looked up.
      if (await resourceTypes.codeExists(MODULE_ID, code)) throw errors.resourceTypeCodeTakenOnUpdate(code);
      const type = await resourceTypes.find(id, true);
      if (!type) throw errors.resourceTypeNotFoundOnUpdate();
      const now = ctx.clock.now();
      await resourceTypes.update(
        {
          ...type,
          code,
          name: fields.name === undefined || fields.name === null ? type.name : phpString(fields.name),
          settings: mergeSettings(type.settings, resourceTypeView, resourceTypeSettingNames, fields),
        },
        now,
      );
      await outbox.record(bookingEvents.resourceTypeUpdate, { ID: id }, now);
      return true;
    });
  },
});

const remove = defineMethod({
  name: 'booking.v1.resourceType.delete',
  scope: 'booking',
  result: result.success(),
  raises: [errors.resourceTypeNotFoundOnDelete, errors.resourceTypeInUse],
  params: { id: param.int() },
  handler: ({ id }, ctx) =>
    ctx.store.write(async ({ resourceTypes, outbox }) => {
      if (!(await resourceTypes.find(id, true))) throw errors.resourceTypeNotFoundOnDelete();
      if (await resourceTypes.hasLiveResources(id)) throw errors.resourceTypeInUse();
      const now = ctx.clock.now();
      await resourceTypes.delete(id);
      await outbox.record(bookingEvents.resourceTypeDelete, { ID: id }, now);
      return true;
    }),
});

export const resourceTypeMethods = [add, get, list, update, remove];
