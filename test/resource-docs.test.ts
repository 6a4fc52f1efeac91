/**
 * Every cURL example of the resource, resource type and slot doc pages, run as written by the
 * doc runner (support/doc-runner.ts), with the ids they name created first.
 *
 * Answers are what the real server sends (research/real-server.md, sections 6 and 8, and the
 * newer resource pages): `add` returns the id as a plain integer, lists carry `"total": 0`, the
 * views use the newer field names (`infoNotificationDelay`, ...), so the older names these
 * examples send (`infoDelay`, `confirmationRepetitions`, ...) are ignored and the defaults stay,
 * empty numbers come back as `null`, keys in natural order.
 */
import { expect } from 'vitest';
import { type Params, runDocExamples, type Scenario } from './support/doc-runner.js';
import type { TestServer } from './support/server.js';

const DIR = 'api-reference/booking/resource';
const PAGES = [
  `${DIR}/booking-v1-resource-add.md`,
  `${DIR}/booking-v1-resource-get.md`,
  `${DIR}/booking-v1-resource-list.md`,
  `${DIR}/booking-v1-resource-update.md`,
  `${DIR}/booking-v1-resource-delete.md`,
  `${DIR}/resource-type/booking-v1-resourcetype-add.md`,
  `${DIR}/resource-type/booking-v1-resourcetype-get.md`,
  `${DIR}/resource-type/booking-v1-resourcetype-list.md`,
  `${DIR}/resource-type/booking-v1-resourcetype-update.md`,
  `${DIR}/resource-type/booking-v1-resourcetype-delete.md`,
  `${DIR}/slots/booking-v1-resource-slots-set.md`,
  `${DIR}/slots/booking-v1-resource-slots-list.md`,
  `${DIR}/slots/booking-v1-resource-slots-unset.md`,
];

async function call(server: TestServer, method: string, params: Params) {
  const reply = await server.call(method, params);
  expect(reply.status, `${method}: ${reply.text}`).toBe(200);
  return reply.body;
}

async function expectError(server: TestServer, method: string, params: Params, error: string, description: string) {
  const reply = await server.call(method, params);
  expect(reply.status, reply.text).toBe(400);
  expect(reply.body).toEqual({ error, error_description: description });
}

/** The events recorded for one id, in order. */
async function eventsOf(server: TestServer, id: unknown): Promise<string[]> {
  const all = await server.server.store.read(({ outbox }) => outbox.list(100_000));
  return all.filter((e) => (e.data as { ID: unknown }).ID === id).map((e) => e.event);
}

// ---------------------------------------------------------------------------------------------
// Seeding: the id an example names is made through REST; the ones below it, which only use up
// the numbers, go straight into the store (a fresh store numbers from 1).

/** Types 1..id; the last one, `Type {id}` with code `type{id}`, through resourceType.add. */
async function seedTypes(server: TestServer, id: number, fields: Params = {}) {
  await server.server.store.write(async ({ resourceTypes }) => {
    for (let i = 1; i < id; i++) {
      await resourceTypes.insert({ moduleId: 'booking', code: `filler${i}`, name: `Filler ${i}`, settings: {} }, 0);
    }
  });
  const added = await call(server, 'booking.v1.resourceType.add', {
    fields: { name: `Type ${id}`, code: `type${id}`, ...fields },
  });
  expect(added.result).toBe(id);
}

/** Type 1, and resources 1..id of it; the last one, `Resource {id}`, through resource.add. */
async function seedResources(server: TestServer, id: number, fields: Params = {}) {
  await seedTypes(server, 1);
  await server.server.store.write(async ({ resources }) => {
    for (let i = 1; i < id; i++) {
      await resources.insert(
        { typeId: 1, name: `Filler ${i}`, description: null, isMain: true, settings: {} },
        1,
        Date.now(),
      );
    }
  });
  const added = await call(server, 'booking.v1.resource.add', {
    fields: { name: `Resource ${id}`, typeId: 1, ...fields },
  });
  expect(added.result).toBe(id);
}

const slotsOf = async (server: TestServer, resourceId: unknown) =>
  (await call(server, 'booking.v1.resource.slots.list', { resourceId })).result;

/** The slot the slot pages show: weekdays 9:00 to 18:00 in Berlin, half-hour slots. */
const WORKING_HOURS = {
  from: 540,
  to: 1080,
  timezone: 'Europe/Berlin',
  weekDays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
  slotSize: 30,
};

// ---------------------------------------------------------------------------------------------
// The views as the real server sends them (natural key order)

/** Keys in the order the real server sends them: natural, case-sensitive (no digits here). */
const inNaturalOrder = (view: Params): Params =>
  Object.fromEntries(Object.entries(view).sort(([a], [b]) => (a < b ? -1 : 1)));

/** The notification settings types and resources share, as made by default; `0` shows as `null`. */
const NOTIFICATION_DEFAULTS = {
  confirmationCounterDelay: 10800,
  confirmationNotificationDelay: 86400,
  confirmationNotificationRepetitions: null,
  confirmationNotificationRepetitionsInterval: 10800,
  delayedCounterDelay: 300,
  delayedNotificationDelay: 300,
  infoNotificationDelay: null,
  isConfirmationNotificationOn: 'Y',
  isDelayedNotificationOn: 'Y',
  isFeedbackNotificationOn: 'Y',
  isReminderNotificationOn: 'Y',
  reminderNotificationDelay: -1,
  templateTypeConfirmation: 'inanimate',
  templateTypeDelayed: 'inanimate',
  templateTypeFeedback: 'inanimate',
  templateTypeReminder: 'base',
};

/** A resource type made with only a name and a code (no sender, no info-notification fields). */
const typeView = (id: number, name: string, code: string) =>
  inNaturalOrder({ id, name, code, ...NOTIFICATION_DEFAULTS, senderCode: null });

/** A resource made with only a name and a type: the defaults of the newer add page. */
const resourceView = (id: number, name: string, typeId = 1) =>
  inNaturalOrder({
    id,
    name,
    description: null,
    typeId,
    isMain: 'Y',
    ...NOTIFICATION_DEFAULTS,
    isInfoNotificationOn: 'Y',
    templateTypeInfo: 'inanimate',
    isCancellationNotificationOn: 'Y',
    cancellationNotificationDelay: 600,
    senderCode: 'bitrix24',
  });

/**
 * The settings fields an example sends that the view knows; the older names (`infoDelay`,
 * `reminderDelay`, `delayedDelay`, `confirmationDelay`, `confirmationRepetitions`,
 * `confirmationRepetitionsInterval`) are not among them and change nothing.
 */
function knownSettings(fields: Params, names: readonly string[]): Params {
  return Object.fromEntries(names.filter((name) => name in fields).map((name) => [name, fields[name]]));
}

/** What `get` shows after an example wrote `fields`: the view, with the fields it knows. */
async function expectShown(
  server: TestServer,
  entity: 'resourceType' | 'resource',
  view: Params,
  fields: Params,
  names: readonly string[],
) {
  const reply = await call(server, `booking.v1.${entity}.get`, { id: view.id });
  expect(reply.result).toEqual({ [entity]: { ...view, ...knownSettings(fields, names) } });
}

const TYPE_SETTINGS = [
  'isConfirmationNotificationOn',
  'templateTypeConfirmation',
  'isReminderNotificationOn',
  'templateTypeReminder',
  'isFeedbackNotificationOn',
  'templateTypeFeedback',
  'isDelayedNotificationOn',
  'templateTypeDelayed',
  'delayedCounterDelay',
  'confirmationCounterDelay',
];
const RESOURCE_SETTINGS = ['description', 'isMain', 'isInfoNotificationOn', 'templateTypeInfo', ...TYPE_SETTINGS];

// ---------------------------------------------------------------------------------------------
// What each example needs on the server, and what it must answer

const scenarios: Record<string, Scenario> = {
  'booking.v1.resourceType.add': {
    seed: async () => {},
    answer: () => ({ result: 1 }),
    verify: async (server, params) => {
      const fields = params.fields as Params;
      // `isInfoNotificationOn` and `templateTypeInfo` are not in the type's view: neither set nor shown.
      await expectShown(server, 'resourceType', typeView(1, 'Name', 'code'), fields, TYPE_SETTINGS);
      expect(await eventsOf(server, 1)).toEqual(['onBookingResourceTypeAdd']);
    },
  },
  'booking.v1.resourceType.get': {
    seed: (server, params) => seedTypes(server, params.id as number),
    answer: (params) => {
      const id = params.id as number;
      return { result: { resourceType: typeView(id, `Type ${id}`, `type${id}`) } };
    },
  },
  'booking.v1.resourceType.list': {
    // `searchQuery` "res" is any-case part of the name: types 1 and 3 match, 2 does not; 4
    // matches only by its code, which the search does not read.
    seed: async (server) => {
      const types = [
        ['Resources', 'resources'],
        ['Rooms', 'rooms'],
        ['Address', 'address'],
        ['Cars', 'res-cars'],
      ];
      for (const [name, code] of types) await call(server, 'booking.v1.resourceType.add', { fields: { name, code } });
    },
    answer: () => ({
      result: { resourceType: [typeView(1, 'Resources', 'resources'), typeView(3, 'Address', 'address')] },
      total: 0,
    }),
  },
  'booking.v1.resourceType.update': {
    seed: (server, params) => seedTypes(server, params.id as number),
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      const id = params.id as number;
      const fields = params.fields as Params;
      const view = typeView(id, fields.name as string, fields.code as string);
      await expectShown(server, 'resourceType', view, fields, TYPE_SETTINGS);
      expect(await eventsOf(server, id)).toEqual(['onBookingResourceTypeAdd', 'onBookingResourceTypeUpdate']);
    },
  },
  'booking.v1.resourceType.delete': {
    seed: (server, params) => seedTypes(server, params.id as number),
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      await expectError(server, 'booking.v1.resourceType.get', { id: params.id }, '1013', 'Resource type not found');
      expect(await eventsOf(server, params.id)).toEqual(['onBookingResourceTypeAdd', 'onBookingResourceTypeDelete']);
    },
  },
  'booking.v1.resource.add': {
    seed: (server, params) => seedTypes(server, (params.fields as Params).typeId as number),
    answer: () => ({ result: 1 }),
    verify: async (server, params) => {
      const fields = params.fields as Params;
      const view = resourceView(1, 'Name', fields.typeId as number);
      await expectShown(server, 'resource', view, fields, RESOURCE_SETTINGS);
      expect(await eventsOf(server, 1)).toContain('onBookingResourceAdd');
    },
  },
  'booking.v1.resource.get': {
    seed: (server, params) => seedResources(server, params.id as number),
    answer: (params) => {
      const id = params.id as number;
      return { result: { resource: resourceView(id, `Resource ${id}`) } };
    },
  },
  'booking.v1.resource.list': {
    // "car" in any case, main, of type 1: resources 1 and 2; 3 is not main, 4 has no "car",
    // 5 is of type 2, 6 is deleted.
    seed: async (server) => {
      await seedTypes(server, 2);
      const resources: Params[] = [
        { name: 'Sedan car', typeId: 1 },
        { name: 'CARGO van', typeId: 1 },
        { name: 'Spare car', typeId: 1, isMain: 'N' },
        { name: 'Room', typeId: 1 },
        { name: 'Car on type 2', typeId: 2 },
        { name: 'Old car', typeId: 1 },
      ];
      for (const fields of resources) await call(server, 'booking.v1.resource.add', { fields });
      await call(server, 'booking.v1.resource.delete', { id: 6 });
    },
    answer: () => ({
      result: { resource: [resourceView(1, 'Sedan car'), resourceView(2, 'CARGO van')] },
      total: 0,
    }),
  },
  'booking.v1.resource.update': {
    // The resource has working hours, and a description the example replaces.
    seed: async (server, params) => {
      await seedResources(server, params.id as number, { description: 'Old description' });
      await call(server, 'booking.v1.resource.slots.set', { resourceId: params.id, slots: [WORKING_HOURS] });
    },
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      const id = params.id as number;
      const fields = params.fields as Params;
      const view = resourceView(id, fields.name as string, fields.typeId as number);
      await expectShown(server, 'resource', view, fields, RESOURCE_SETTINGS);
      // The real update rebuilds the resource without its slot ranges, so they are gone.
      expect(await slotsOf(server, id)).toEqual({ slots: [] });
      expect(await eventsOf(server, id)).toContain('onBookingResourceUpdate');
    },
  },
  'booking.v1.resource.delete': {
    seed: (server, params) => seedResources(server, params.id as number),
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      await expectError(server, 'booking.v1.resource.get', { id: params.id }, '1009', 'Resource not found');
      expect(await eventsOf(server, params.id)).toContain('onBookingResourceDelete');
    },
  },
  'booking.v1.resource.slots.set': {
    // The resource had other hours; `set` replaces them all.
    seed: async (server, params) => {
      await seedResources(server, params.resourceId as number);
      await call(server, 'booking.v1.resource.slots.set', {
        resourceId: params.resourceId,
        slots: [
          { ...WORKING_HOURS, weekDays: ['Sat'] },
          { ...WORKING_HOURS, weekDays: ['Sun'] },
        ],
      });
    },
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      const slots = (params.slots as Params[]).map((slot) => ({ ...slot, id: expect.any(Number) }));
      expect(await slotsOf(server, params.resourceId)).toEqual({ slots });
    },
  },
  'booking.v1.resource.slots.list': {
    seed: async (server, params) => {
      await seedResources(server, params.resourceId as number);
      await call(server, 'booking.v1.resource.slots.set', { resourceId: params.resourceId, slots: [WORKING_HOURS] });
    },
    // The slot ids are the store's: the first slot of a fresh store is 1.
    answer: () => ({
      result: {
        slots: [
          { from: 540, id: 1, slotSize: 30, timezone: 'Europe/Berlin', to: 1080, weekDays: WORKING_HOURS.weekDays },
        ],
      },
      total: 0,
    }),
  },
  'booking.v1.resource.slots.unset': {
    seed: async (server, params) => {
      await seedResources(server, params.resourceId as number);
      await call(server, 'booking.v1.resource.slots.set', { resourceId: params.resourceId, slots: [WORKING_HOURS] });
    },
    answer: () => ({ result: true }),
    verify: async (server, params) => expect(await slotsOf(server, params.resourceId)).toEqual({ slots: [] }),
  },
};

runDocExamples({ pages: PAGES, scenarios });
