/** booking.v1.resourceType.*, booking.v1.resource.* and booking.v1.resource.slots.*, over HTTP. */
import { describe, expect, it } from 'vitest';
import { useServer } from './support/server.js';

const server = useServer();
let codes = 0;

async function ok(method: string, params: unknown) {
  const reply = await server().call(method, params);
  expect(reply.status, `${method}: ${reply.text}`).toBe(200);
  return reply.body;
}

async function fails(method: string, params: unknown, code: string, description: string | RegExp) {
  const reply = await server().call(method, params);
  expect(reply.status, reply.text).toBe(400);
  expect(reply.body.error).toBe(code);
  if (typeof description === 'string') expect(reply.body.error_description).toBe(description);
  else expect(reply.body.error_description).toMatch(description);
}

async function addType(fields: Record<string, unknown> = {}): Promise<number> {
  return (await ok('booking.v1.resourceType.add', { fields: { name: 'Type', code: `code${++codes}`, ...fields } }))
    .result;
}

async function addResource(fields: Record<string, unknown> = {}): Promise<number> {
  const typeId = fields.typeId ?? (await addType());
  return (await ok('booking.v1.resource.add', { fields: { name: 'Resource', typeId, ...fields } })).result;
}

async function events(): Promise<{ event: string; data: unknown }[]> {
  return server().server.store.read(({ outbox }) => outbox.list(10_000));
}

describe('booking.v1.resourceType', () => {
  it('add refuses a missing code (0), missing fields (100), a bad template (422) and a taken code (1010)', async () => {
    await fails('booking.v1.resourceType.add', { fields: { name: 'x' } }, '0', 'Required fields: code');
    await fails('booking.v1.resourceType.add', { fields: { code: 'x' } }, '0', 'Required fields: name');
    await fails('booking.v1.resourceType.add', {}, '100', 'Could not find value for parameter {fields}');
    await fails(
      'booking.v1.resourceType.add',
      { fields: { name: 'x', code: 'x422', templateTypeConfirmation: 'other' } },
      '422',
      'Invalid value of the templateTypeConfirmation field',
    );
    await addType({ code: 'taken' });
    await fails(
      'booking.v1.resourceType.add',
      { fields: { name: 'x', code: 'taken' } },
      '1010',
      'Resource type with code "taken" already exists',
    );
  });

  it('get of an unknown id: 1013; without id: 100', async () => {
    await fails('booking.v1.resourceType.get', { id: 999999 }, '1013', 'Resource type not found');
    await fails('booking.v1.resourceType.get', {}, '100', 'Could not find value for parameter {id}');
  });

  it('list orders by id descending, filters by exact code and by moduleId', async () => {
    const a = await addType({ name: 'resource alpha', code: 'list-a' });
    const b = await addType({ name: 'Resource beta', code: 'list-b' });
    const desc = await ok('booking.v1.resourceType.list', { filter: { searchQuery: 'RES' }, order: { id: 'desc' } });
    expect(desc.result.resourceType.map((t: { id: number }) => t.id)).toEqual([b, a]);
    const byCode = await ok('booking.v1.resourceType.list', { filter: { code: 'list-b' } });
    expect(byCode.result.resourceType.map((t: { id: number }) => t.id)).toEqual([b]);
    const none = await ok('booking.v1.resourceType.list', { filter: { moduleId: 'crm', code: 'list-b' } });
    expect(none.result).toEqual({ resourceType: [] });
  });

  it('list refuses a non-object filter or order (100) and an unknown direction (100)', async () => {
    await fails(
      'booking.v1.resourceType.list',
      { filter: 'x' },
      '100',
      'Invalid value {x} to match with parameter {filter}. Should be value of type array.',
    );
    await fails(
      'booking.v1.resourceType.list',
      { order: 'x' },
      '100',
      'Invalid value {x} to match with parameter {order}. Should be value of type array.',
    );
    await fails('booking.v1.resourceType.list', { order: { id: 'up' } }, '100', 'Invalid order "UP"');
  });

  it('update refuses its own code (1011), no code (0), an unknown id (1007), a bad template (422), no id (100)', async () => {
    const id = await addType({ code: 'before' });
    await fails(
      'booking.v1.resourceType.update',
      { id, fields: { name: 'Same code', code: 'before' } },
      '1011',
      'Resource type with code "before" already exists',
    );
    await fails('booking.v1.resourceType.update', { id, fields: { name: 'no code' } }, '0', /must be of type string/);
    await fails(
      'booking.v1.resourceType.update',
      { id: 999999, fields: { code: 'free' } },
      '1007',
      'Resource type not found',
    );
    await fails(
      'booking.v1.resourceType.update',
      { id, fields: { code: 'free2', templateTypeDelayed: 'x' } },
      '422',
      'Invalid value of the templateTypeDelayed field',
    );
    await fails(
      'booking.v1.resourceType.update',
      { fields: { code: 'a' } },
      '100',
      'Could not find value for parameter {id}',
    );
    // A refused update changes nothing and records no event.
    expect((await ok('booking.v1.resourceType.get', { id })).result.resourceType).toMatchObject({
      code: 'before',
      name: 'Type',
      templateTypeDelayed: 'inanimate',
    });
    expect((await events()).filter((e) => e.event === 'onBookingResourceTypeUpdate')).toEqual([]);
  });

  it('delete removes the type for real, refuses while a live resource uses it (1012), 1012 when unknown', async () => {
    const id = await addType();
    const resource = await addResource({ typeId: id });
    await fails(
      'booking.v1.resourceType.delete',
      { id },
      '1012',
      'The type can not be deleted. There are resources of  type',
    );
    await ok('booking.v1.resource.delete', { id: resource });
    expect((await ok('booking.v1.resourceType.delete', { id })).result).toBe(true);
    await fails('booking.v1.resourceType.get', { id }, '1013', 'Resource type not found');
    await fails('booking.v1.resourceType.delete', { id }, '1012', 'Resource type has not been found');
    await fails('booking.v1.resourceType.delete', {}, '100', 'Could not find value for parameter {id}');
    expect(await events()).toContainEqual(
      expect.objectContaining({ event: 'onBookingResourceTypeDelete', data: { ID: id } }),
    );
  });
});

describe('booking.v1.resource', () => {
  it('add takes the new field names, Y/N strings only, and defaults isMain to Y', async () => {
    const id = await addResource({
      infoNotificationDelay: 60,
      confirmationNotificationRepetitions: 2,
      isFeedbackNotificationOn: true,
      isDelayedNotificationOn: 'N',
      senderCode: 'ai_call',
    });
    const got = (await ok('booking.v1.resource.get', { id })).result.resource;
    expect(got).toMatchObject({
      infoNotificationDelay: 60,
      confirmationNotificationRepetitions: 2,
      isFeedbackNotificationOn: 'Y',
      isDelayedNotificationOn: 'N',
      isMain: 'Y',
      senderCode: 'ai_call',
    });
  });

  it('add refuses: no name (0), no fields (100), no typeId (1006), unknown typeId (1013), bad template (422)', async () => {
    const typeId = await addType();
    await fails('booking.v1.resource.add', { fields: { typeId } }, '0', 'Required fields: name');
    await fails('booking.v1.resource.add', {}, '100', 'Could not find value for parameter {fields}');
    await fails('booking.v1.resource.add', { fields: { name: 'x' } }, '1006', 'ResourceType not found');
    await fails(
      'booking.v1.resource.add',
      { fields: { name: 'x', typeId: 999999 } },
      '1013',
      'Resource type with id 999999 does not exist',
    );
    await fails(
      'booking.v1.resource.add',
      { fields: { name: 'x', typeId, templateTypeReminder: 'animate' } },
      '422',
      'Invalid value of the templateTypeReminder field',
    );
  });

  it('get of an unknown id: 1009; without id: 100', async () => {
    await fails('booking.v1.resource.get', { id: 999999 }, '1009', 'Resource not found');
    await fails('booking.v1.resource.get', {}, '100', 'Could not find value for parameter {id}');
  });

  it('list takes typeId as a list and name exactly, orders by name; refuses a non-object filter or order (100)', async () => {
    const typeId = await addType();
    for (const name of ['Sedan car 1', 'Sedan CAR 2', 'Car 3', 'Room']) await addResource({ typeId, name });
    const listed = await ok('booking.v1.resource.list', { filter: { typeId: [typeId], name: 'Room' } });
    expect(listed.result.resource.map((r: { name: string }) => r.name)).toEqual(['Room']);
    const byName = await ok('booking.v1.resource.list', { filter: { typeId }, order: { name: 'desc' } });
    expect(byName.result.resource.map((r: { name: string }) => r.name)).toEqual([
      'Sedan car 1',
      'Sedan CAR 2',
      'Room',
      'Car 3',
    ]);
    await fails(
      'booking.v1.resource.list',
      { order: 'x' },
      '100',
      'Invalid value {x} to match with parameter {order}. Should be value of type array.',
    );
    await fails(
      'booking.v1.resource.list',
      { filter: 'x' },
      '100',
      'Invalid value {x} to match with parameter {filter}. Should be value of type array.',
    );
  });

  it('update keeps what it is not given; refuses an unknown id (1007), type (1013), a bad template (422), no fields (100)', async () => {
    const typeId = await addType();
    const id = await addResource({ typeId, description: 'keep', isMain: 'N' });
    expect((await ok('booking.v1.resource.update', { id, fields: { name: 'New Name' } })).result).toBe(true);
    const got = (await ok('booking.v1.resource.get', { id })).result.resource;
    expect(got).toMatchObject({ name: 'New Name', description: 'keep', isMain: 'N', typeId });
    await fails('booking.v1.resource.update', { id: 999999, fields: { name: 'x' } }, '1007', 'Resource not found');
    await fails(
      'booking.v1.resource.update',
      { id, fields: { typeId: 999999 } },
      '1013',
      'Resource type with id 999999 does not exist',
    );
    await fails(
      'booking.v1.resource.update',
      { id, fields: { templateTypeInfo: 'base' } },
      '422',
      'Invalid value of the templateTypeInfo field',
    );
    await fails('booking.v1.resource.update', { id }, '100', 'Could not find value for parameter {fields}');
  });

  it('delete is soft, refused with future bookings (1008), 1008 when unknown', async () => {
    const id = await addResource();
    const from = Math.floor(Date.now() / 1000) + 86400;
    const booking = await ok('booking.v1.booking.add', {
      fields: {
        resourceIds: [id],
        datePeriod: { from: { timestamp: from, timezone: 'UTC' }, to: { timestamp: from + 3600, timezone: 'UTC' } },
      },
    });
    await fails(
      'booking.v1.resource.delete',
      { id },
      '1008',
      'The resource can not be deleted. There are future bookings with that resource.',
    );
    await ok('booking.v1.booking.delete', { id: booking.result });
    expect((await ok('booking.v1.resource.delete', { id })).result).toBe(true);
    await fails('booking.v1.resource.get', { id }, '1009', 'Resource not found');
    await fails('booking.v1.resource.delete', { id }, '1008', 'Resource not found');
    await fails('booking.v1.resource.delete', {}, '100', 'Could not find value for parameter {id}');
    const names = (await events()).filter((e) => (e.data as { ID: number }).ID === id).map((e) => e.event);
    expect(names).toEqual(expect.arrayContaining(['onBookingResourceAdd', 'onBookingResourceDelete']));
  });
});

describe('booking.v1.resource.slots', () => {
  it('set takes one weekday as a string, shows from 0 as null, and replaces every slot', async () => {
    const resourceId = await addResource();
    const workingHours = { from: 540, to: 1080, timezone: 'Europe/Berlin', weekDays: ['Mon'], slotSize: 30 };
    await ok('booking.v1.resource.slots.set', { resourceId, slots: [workingHours, workingHours] });
    await ok('booking.v1.resource.slots.set', {
      resourceId,
      slots: [{ from: 0, to: 300, timezone: 'Europe/Berlin', weekDays: 'Sun', slotSize: 1 }],
    });
    const replaced = await ok('booking.v1.resource.slots.list', { resourceId });
    expect(replaced.result.slots).toEqual([
      { from: null, id: expect.any(Number), slotSize: 1, timezone: 'Europe/Berlin', to: 300, weekDays: ['Sun'] },
    ]);
  });

  it('refuses bad ranges (422), missing keys (0), unknown resources (1009) and missing params (100)', async () => {
    const resourceId = await addResource();
    const good = { from: 540, to: 1080, timezone: 'Europe/Berlin', weekDays: ['Mon'], slotSize: 30 };
    for (const bad of [
      { from: 600, to: 540 },
      { to: 1441 },
      { from: -1 },
      { weekDays: [] },
      { weekDays: ['Monday'] },
      { slotSize: -5 },
    ]) {
      await fails(
        'booking.v1.resource.slots.set',
        { resourceId, slots: [{ ...good, ...bad }] },
        '422',
        'Invalid range fields',
      );
    }
    await fails(
      'booking.v1.resource.slots.set',
      { resourceId, slots: [{ from: 1, to: 2 }] },
      '0',
      'Required fields: timezone, weekDays, slotSize',
    );
    await fails('booking.v1.resource.slots.set', { resourceId: 999999, slots: [good] }, '1009', 'Resource not found');
    await fails('booking.v1.resource.slots.list', { resourceId: 999999 }, '1009', 'Resource not found');
    await fails('booking.v1.resource.slots.unset', { resourceId: 999999 }, '1009', 'Resource not found');
    await fails('booking.v1.resource.slots.set', { resourceId }, '100', 'Could not find value for parameter {slots}');
    await fails('booking.v1.resource.slots.list', {}, '100', 'Could not find value for parameter {resourceId}');
    expect((await ok('booking.v1.resource.slots.list', { resourceId })).result).toEqual({ slots: [] });
  });
});
