/**
 * event.bind, event.unbind, event.get and the offline queue (event.offline.*) as the doc pages
 * describe them: their cURL examples, every documented error, who may do what, and the
 * process-id semantics of offline events.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bodyParams, curlExamples, runExample } from './support/doc-examples.js';
import { ADMIN_TOKEN, fannedOut, HandlerServer, type InstalledApp, installApp } from './support/events.js';
import { startTestServer, type TestServer } from './support/server.js';

let srv: TestServer;
let hs: HandlerServer;
let admin: InstalledApp;
let user2: InstalledApp;

beforeAll(async () => {
  srv = await startTestServer({ adminToken: ADMIN_TOKEN, events: { pollMs: 20 } });
  hs = await HandlerServer.start();
  admin = await installApp(srv);
  user2 = await installApp(srv, { userId: 2, name: 'Second user' });
});
afterAll(async () => {
  await srv.server.close();
  await hs.close();
});

async function fails(
  reply: Promise<{ status: number; body: unknown; text: string }>,
  status: number,
  error: string,
  description: string,
) {
  const r = await reply;
  expect(r.status, r.text).toBe(status);
  expect(r.body).toEqual({ error, error_description: description });
}

/** Runs a doc example with the admin application's token in place of the placeholder. */
function runWithToken(example: ReturnType<typeof curlExamples>[number], replace: Record<string, unknown> = {}) {
  const params = { ...bodyParams(example), ...replace, auth: admin.accessToken };
  return runExample(srv, { ...example, body: JSON.stringify(params) });
}

const handler = (path: string) => `${hs.url}${path}`;

describe('event.bind, event.get, event.unbind', () => {
  it('the doc examples bind, list and unbind (ONCRMLEADADD, with a handler on loopback)', async () => {
    const [bindExample] = curlExamples('api-reference/events/event-bind.md');
    const [getExample] = curlExamples('api-reference/events/event-get.md');
    const [unbindExample] = curlExamples('api-reference/events/event-unbind.md');
    const swap = { handler: handler('/doc') };
    const bound = await runWithToken(bindExample as never, swap);
    expect(bound.status, bound.text).toBe(200);
    expect(bound.body.result).toBe(true);

    const listed = await runWithToken(getExample as never);
    expect(listed.body.result).toEqual([
      { event: 'ONCRMLEADADD', handler: handler('/doc'), auth_type: '0', offline: 0 },
    ]);

    const unbound = await runWithToken(unbindExample as never, swap);
    expect(unbound.body.result).toEqual({ count: 1 });
    expect((await runWithToken(getExample as never)).body.result).toEqual([]);
  });

  it('a webhook gets WRONG_AUTH_TYPE: event methods need an application', async () => {
    for (const method of [
      'event.bind',
      'event.unbind',
      'event.get',
      'event.offline.get',
      'event.offline.list',
      'event.offline.clear',
      'event.offline.error',
    ]) {
      await fails(
        srv.call(method, { event: 'ONBOOKINGADD', handler: handler('/hook') }),
        403,
        'WRONG_AUTH_TYPE',
        'Current authorization type is denied for this method Application context required',
      );
    }
  });

  it('binding twice is ERROR_CORE "Handler already binded"', async () => {
    const params = { event: 'onBookingAdd', handler: handler('/twice') };
    expect((await admin.call('event.bind', params)).body.result).toBe(true);
    await fails(admin.call('event.bind', params), 400, 'ERROR_CORE', 'Handler already binded');
    // The same handler for another user is another binding.
    expect((await admin.call('event.bind', { ...params, auth_type: 2 })).body.result).toBe(true);
    expect((await admin.call('event.unbind', params)).body.result).toEqual({ count: 2 });
  });

  it('refuses unknown events, events outside the application scopes, missing and bad handlers', async () => {
    await fails(
      admin.call('event.bind', { event: 'ONNOTHING', handler: handler('/x') }),
      400,
      'ERROR_EVENT_NOT_FOUND',
      'Event not found',
    );
    await fails(admin.call('event.bind', { handler: handler('/x') }), 400, 'ERROR_EVENT_NOT_FOUND', 'Event not found');
    const bookingOnly = await installApp(srv, { scopes: ['booking'], name: 'Booking only' });
    await fails(
      bookingOnly.call('event.bind', { event: 'ONCRMDEALADD', handler: handler('/x') }),
      400,
      'ERROR_EVENT_NOT_FOUND',
      'Event not found',
    );
    await fails(
      admin.call('event.bind', { event: 'ONBOOKINGADD' }),
      400,
      'ERROR_ARGUMENT',
      "Argument 'HANDLER' is null or empty",
    );
    await fails(
      admin.call('event.bind', { event: 'ONBOOKINGADD', handler: 'not a url' }),
      400,
      'ERROR_WRONG_HANDLER_URL',
      'Wrong handler URL',
    );
    await fails(
      admin.call('event.bind', { event: 'ONBOOKINGADD', handler: 'ftp://example.com/h' }),
      400,
      'ERROR_UNSUPPORTED_PROTOCOL',
      'Unsupported handler protocol',
    );
    await fails(
      admin.call('event.unbind', { handler: handler('/x') }),
      400,
      'ERROR_ARGUMENT',
      "Argument 'EVENT' is null or empty",
    );
    await fails(
      admin.call('event.unbind', { event: 'ONBOOKINGADD' }),
      400,
      'ERROR_ARGUMENT',
      "Argument 'HANDLER' is null or empty",
    );
    expect((await admin.call('event.get')).body.result).toEqual([]);
  });

  it('reads its keys in any case, as CRest sends them', async () => {
    const params = { EVENT: 'ONBOOKINGUPDATE', HANDLER: handler('/crest'), AUTH_TYPE: 0 };
    expect((await admin.call('event.bind', params)).body.result).toBe(true);
    expect((await admin.call('event.unbind', params)).body.result).toEqual({ count: 1 });
  });

  it('a user who is not an administrator binds for themselves only, and sees only their own', async () => {
    await fails(
      user2.call('event.bind', { event: 'ONBOOKINGADD', handler: handler('/u2'), auth_type: 1 }),
      403,
      'ACCESS_DENIED',
      'Access denied! Event binding with AUTH_TYPE requires administrator access rights',
    );
    await fails(
      user2.call('event.bind', { event: 'ONBOOKINGADD', event_type: 'offline' }),
      403,
      'ACCESS_DENIED',
      'Access denied! Offline events binding requires administrator access rights',
    );
    expect((await user2.call('event.bind', { event: 'ONBOOKINGADD', handler: handler('/u2') })).body.result).toBe(true);
    expect((await user2.call('event.get')).body.result).toEqual([
      { event: 'ONBOOKINGADD', handler: handler('/u2'), auth_type: '2', offline: 0 },
    ]);
    // The administrator of the same application sees every binding of it.
    expect((await admin.call('event.bind', { event: 'ONBOOKINGDELETE', handler: handler('/u1') })).body.result).toBe(
      true,
    );
    await fails(
      user2.call('event.unbind', { event: 'ONBOOKINGADD', handler: handler('/u2'), auth_type: 1 }),
      403,
      'ACCESS_DENIED',
      'Access denied! Event unbinding with AUTH_TYPE requires administrator access rights',
    );
    await fails(
      user2.call('event.unbind', { event: 'ONBOOKINGADD', event_type: 'offline' }),
      403,
      'ACCESS_DENIED',
      'Access denied! Offline events unbinding requires administrator access rights',
    );
    expect((await user2.call('event.unbind', { event: 'ONBOOKINGADD', handler: handler('/u2') })).body.result).toEqual({
      count: 1,
    });
    expect(
      (await admin.call('event.unbind', { event: 'ONBOOKINGDELETE', handler: handler('/u1') })).body.result,
    ).toEqual({ count: 1 });
  });

  it('tokens of a binding with auth_type are issued for that user', async () => {
    await admin.call('event.bind', { event: 'ONBOOKINGWAITLISTITEMADD', handler: handler('/as2'), auth_type: 2 });
    await srv.call('booking.v1.waitlist.add', { fields: { note: 'as user 2' } });
    await hs.waitFor(() => hs.to('/as2').length === 1);
    const token = hs.to('/as2')[0]?.body.auth.access_token;
    const profile = await srv.request(`${srv.url}/rest/profile`, { auth: token });
    expect(profile.body.result).toMatchObject({ ID: '2', ADMIN: false });
    await admin.call('event.unbind', { event: 'ONBOOKINGWAITLISTITEMADD', handler: handler('/as2') });
  });
});

describe('offline events', () => {
  const offlineExamples = () => curlExamples('api-reference/events/offline-events.md');

  async function addDeal(title: string): Promise<number> {
    return (await srv.call('crm.deal.add', { fields: { TITLE: title } })).body.result as number;
  }

  // Each test starts from empty queues (records of the earlier ones taken away).
  beforeEach(async () => {
    await fannedOut(srv);
    for (const auth_connector of ['', 'my_connector']) {
      for (const error of [0, 1]) await admin.call('event.offline.get', { limit: 1000, error, auth_connector });
    }
  });

  async function queued(params: Record<string, unknown> = {}) {
    // The worker fans out within a poll or two.
    await fannedOut(srv);
    return (await admin.call('event.offline.list', params)).body;
  }

  it('the doc examples bind an offline handler and read the queue with and without reservation', async () => {
    const examples = offlineExamples();
    const bind = examples.find((e) => e.body?.includes('"event_type":"offline"') && !e.body.includes('auth_connector'));
    expect((await runWithToken(bind as never)).body.result).toBe(true);
    expect((await admin.call('event.get')).body.result).toEqual([
      { event: 'ONCRMDEALUPDATE', handler: '', auth_type: '0', offline: 1 },
    ]);
    const id = await addDeal('Offline');
    await srv.call('crm.deal.update', { id, fields: { TITLE: 'Once' } });
    await srv.call('crm.deal.update', { id, fields: { TITLE: 'Twice' } });
    // The queue keeps the object's state, not its history: one record however many changes.
    const listed = await queued();
    expect(listed.total).toBe(1);
    expect(listed.result).toEqual([
      {
        ID: expect.stringMatching(/^\d+$/),
        TIMESTAMP_X: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/),
        EVENT_NAME: 'ONCRMDEALUPDATE',
        EVENT_DATA: { FIELDS: { ID: id } },
        EVENT_ADDITIONAL: false,
        MESSAGE_ID: expect.stringMatching(/^[0-9a-f]{32}$/),
        PROCESS_ID: '',
        ERROR: '0',
      },
    ]);

    // Reserve: clear=0 marks the batch with a process id and hides it from other callers
    // (the page's step 1 and step 2, in one block the fixture does not split).
    const reserved = (await admin.call('event.offline.get', { clear: 0, limit: 50 })).body.result;
    expect(reserved.process_id).toMatch(/^[a-z0-9]{32}$/);
    expect(reserved.events.map((e: { EVENT_NAME: string }) => e.EVENT_NAME)).toEqual(['ONCRMDEALUPDATE']);
    expect(Object.keys(reserved.events[0])).toEqual([
      'ID',
      'TIMESTAMP_X',
      'EVENT_NAME',
      'EVENT_DATA',
      'EVENT_ADDITIONAL',
      'MESSAGE_ID',
    ]);
    expect((await admin.call('event.offline.get', { clear: 0 })).body.result.events).toEqual([]);
    expect((await queued()).result[0].PROCESS_ID).toBe(reserved.process_id);
    // A change while reserved makes a new record beside the reserved one.
    await srv.call('crm.deal.update', { id, fields: { TITLE: 'Thrice' } });
    expect((await queued()).total).toBe(2);
    // The same process id selects its records again.
    const again = (await admin.call('event.offline.get', { clear: 0, process_id: reserved.process_id, limit: 1 })).body
      .result;
    expect(again.events.map((e: { ID: string }) => e.ID)).toEqual([reserved.events[0].ID]);

    // Confirm: clear with the process id removes the batch only.
    expect((await admin.call('event.offline.clear', { process_id: reserved.process_id })).body.result).toBe(true);
    const left = await queued();
    expect(left.total).toBe(1);
    expect(left.result[0].PROCESS_ID).toBe('');

    // Retrieval with deletion (clear defaults to 1): the records come once and are gone.
    const takeExample = examples.find((e) => e.body?.includes('"limit":50') && !e.body.includes('clear'));
    const taken = (await runWithToken(takeExample as never)).body.result;
    expect(taken.process_id).toBeNull();
    expect(taken.events).toHaveLength(1);
    expect((await queued()).total).toBe(0);
  });

  it('event.offline.error marks records as errors; they come back with error=1 only', async () => {
    const id = await addDeal('Bad');
    await srv.call('crm.deal.update', { id, fields: { TITLE: 'Bad 2' } });
    await fannedOut(srv);
    const batch = (await admin.call('event.offline.get', { clear: 0 })).body.result;
    expect(batch.events).toHaveLength(1);
    const messageId = batch.events[0].MESSAGE_ID as string;
    const errorExample = offlineExamples().find((e) => e.url.endsWith('event.offline.error'));
    const marked = await runWithToken(errorExample as never, { process_id: batch.process_id, message_id: [messageId] });
    expect(marked.body.result).toBe(true);
    expect((await queued({ filter: { ERROR: 1 } })).result).toEqual([
      expect.objectContaining({ MESSAGE_ID: messageId, ERROR: '1', PROCESS_ID: '' }),
    ]);
    expect((await admin.call('event.offline.get', { clear: 0 })).body.result.events).toEqual([]);
    const errors = (await admin.call('event.offline.get', { error: 1 })).body.result;
    expect(errors.events.map((e: { MESSAGE_ID: string }) => e.MESSAGE_ID)).toEqual([messageId]);
    expect((await queued()).total).toBe(0);
  });

  it('clear takes message ids or record ids; filters and order as documented', async () => {
    const a = await addDeal('A');
    const b = await addDeal('B');
    await srv.call('crm.deal.update', { id: a, fields: { TITLE: 'A2' } });
    await srv.call('crm.deal.update', { id: b, fields: { TITLE: 'B2' } });
    await fannedOut(srv);
    const byIdDesc = (await admin.call('event.offline.list', { order: { ID: 'DESC' }, filter: { ERROR: 0 } })).body;
    expect(byIdDesc.result.map((r: { EVENT_DATA: { FIELDS: { ID: number } } }) => r.EVENT_DATA.FIELDS.ID)).toEqual([
      b,
      a,
    ]);
    const batch = (await admin.call('event.offline.get', { clear: 0, filter: { '>=ID': byIdDesc.result[1].ID } })).body
      .result;
    expect(batch.events).toHaveLength(2);
    // The doc page's clear example passes record ids.
    const clearPage = curlExamples('api-reference/events/event-offline-clear.md')[0];
    const first = batch.events[0];
    expect(
      (await runWithToken(clearPage as never, { process_id: batch.process_id, id: [Number(first.ID)] })).body.result,
    ).toBe(true);
    expect((await queued()).result.map((r: { ID: string }) => r.ID)).toEqual([batch.events[1].ID]);
    await admin.call('event.offline.clear', { process_id: batch.process_id, message_id: [batch.events[1].MESSAGE_ID] });
    expect((await queued()).total).toBe(0);
  });

  it('keeps a queue per auth_connector', async () => {
    const bind = offlineExamples().find((e) => e.body?.includes('auth_connector'));
    expect((await runWithToken(bind as never)).body.result).toBe(true);
    const id = await addDeal('C');
    await srv.call('crm.deal.update', { id, fields: { TITLE: 'C2' } });
    await fannedOut(srv);
    expect((await admin.call('event.offline.list', { auth_connector: 'my_connector' })).body.total).toBe(1);
    const plain = (await admin.call('event.offline.get', {})).body.result.events;
    expect(plain).toHaveLength(1);
    const own = (await admin.call('event.offline.get', { auth_connector: 'my_connector' })).body.result.events;
    expect(own).toHaveLength(1);
    expect((await admin.call('event.offline.list', { auth_connector: 'my_connector' })).body.total).toBe(0);
  });

  it('answers every documented error', async () => {
    for (const method of ['event.offline.get', 'event.offline.list', 'event.offline.clear', 'event.offline.error']) {
      await fails(user2.call(method, { process_id: 'x' }), 403, 'ACCESS_DENIED', 'Access denied!');
    }
    await fails(admin.call('event.offline.clear', {}), 400, 'ERROR_ARGUMENT', "Argument 'PROCESS_ID' is null or empty");
    await fails(admin.call('event.offline.error', {}), 400, 'ERROR_ARGUMENT', "Argument 'PROCESS_ID' is null or empty");
    await fails(
      admin.call('event.offline.clear', { process_id: 'p', id: [0] }),
      400,
      'ERROR_ARGUMENT',
      'Value must be array of integers',
    );
    await fails(
      admin.call('event.offline.clear', { process_id: 'p', id: 'x' }),
      400,
      'ERROR_ARGUMENT',
      'Value must be array of integers',
    );
    await fails(
      admin.call('event.offline.clear', { process_id: 'p', message_id: ['short'] }),
      400,
      'ERROR_ARGUMENT',
      'Value must be array of MESSAGE_ID values',
    );
    await fails(
      admin.call('event.offline.error', { process_id: 'p', message_id: 'x' }),
      400,
      'ERROR_ARGUMENT',
      'Value must be array of MESSAGE_ID values',
    );
  });
});
