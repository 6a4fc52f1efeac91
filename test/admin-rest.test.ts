/**
 * `POST /_admin/[portals/NAME/]rest/METHOD`: the web console's way to a portal's REST methods.
 * It runs the method as the portal's user 1 with every scope, on the path a webhook call takes
 * after authentication: the same answer and status, journaled with caller `console`, events
 * written, fault rules applied. Only with the admin token.
 */
import { describe, expect, it } from 'vitest';
import { readReply, useServer } from './support/server.js';

const server = useServer();

function admin(path: string, body?: unknown, init: { token?: string; method?: string; type?: string } = {}) {
  return fetch(`${server().url}/_admin/${path}`, {
    method: init.method ?? 'POST',
    headers: {
      authorization: `Bearer ${init.token ?? server().server.adminToken}`,
      'content-type': init.type ?? 'application/json',
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  }).then(readReply);
}

const journal = async (portal: string, query = '') =>
  (await admin(`portals/${portal}/journal${query}`, undefined, { method: 'GET' })).body.entries as {
    id: number;
    method: string;
    caller: Record<string, unknown>;
    params: unknown;
    status: number;
    batchId?: number;
    fault?: number;
  }[];

describe('a REST method through the admin API', () => {
  it('answers the Bitrix envelope, acts on the default portal, and is journaled as the console', async () => {
    const reply = await admin('rest/booking.v1.waitlist.add', { fields: { note: 'from the console' } });
    expect(reply.status, reply.text).toBe(200);
    expect(typeof reply.body.result).toBe('number');
    expect(reply.body.time).toMatchObject({ start: expect.any(Number), date_start: expect.any(String) });
    const read = await server().call('booking.v1.waitlist.get', { id: reply.body.result });
    expect(read.body.result.waitList.note).toBe('from the console');
    const [entry] = await journal('default', '?method=booking.v1.waitlist.add');
    expect(entry).toMatchObject({
      caller: { type: 'console', userId: 1 },
      params: { fields: { note: 'from the console' } },
      status: 200,
    });
    expect(JSON.stringify(entry)).not.toContain(server().server.adminToken);
  });

  it('writes the events the method writes, as a webhook call would', async () => {
    const reply = await admin('rest/booking.v1.waitlist.add', { fields: { note: 'evented' } });
    const id = reply.body.result as number;
    const outbox = await server().server.store.read(({ outbox }) => outbox.list(100_000));
    expect(outbox.filter((e) => (e.data as { ID: number }).ID === id).map((e) => e.event)).toContain(
      'onBookingWaitListItemAdd',
    );
  });

  it('has every scope: crm and booking methods alike', async () => {
    const contact = await admin('portals/default/rest/crm.contact.add', { fields: { NAME: 'Ann' } });
    expect(contact.status, contact.text).toBe(200);
    const types = await admin('portals/default/rest/booking.v1.clienttype.list', {});
    expect(types.status, types.text).toBe(200);
  });

  it('answers a method error with its code, text and status, the same as /rest/', async () => {
    const viaConsole = await admin('rest/booking.v1.waitlist.get', { id: 99_999 });
    const viaWebhook = await server().call('booking.v1.waitlist.get', { id: 99_999 });
    expect(viaConsole.status).toBe(400);
    expect(viaConsole.body).toEqual(viaWebhook.body);
    const missing = await admin('rest/booking.v1.waitlist.get', {});
    expect(missing.body).toEqual({ error: '100', error_description: 'Could not find value for parameter {id}' });
    const unknown = await admin('rest/no.such.method', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('ERROR_METHOD_NOT_FOUND');
    const notJson = await admin('rest/booking.v1.waitlist.list', '{"broken"');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toHaveProperty('error_description');
  });

  it('takes form bodies too, and an empty body as no parameters', async () => {
    const form = await admin('rest/booking.v1.waitlist.add', 'fields[note]=formed', {
      type: 'application/x-www-form-urlencoded',
    });
    expect(form.status, form.text).toBe(200);
    const empty = await admin('rest/booking.v1.waitlist.list');
    expect(empty.status, empty.text).toBe(200);
    expect(empty.body.total).toBe(0);
  });

  it('runs batch commands each journaled, tied to the batch, as the console', async () => {
    const reply = await admin('rest/batch', {
      halt: 0,
      cmd: { a: 'booking.v1.waitlist.add?fields[note]=batched', b: 'booking.v1.waitlist.get?id=$result[a]' },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.result.result.b.waitList.note).toBe('batched');
    const entries = await journal('default', '?limit=3');
    const batchEntry = entries.find((e) => e.method === 'batch');
    expect(batchEntry?.caller).toEqual({ type: 'console', userId: 1 });
    expect(entries.filter((e) => e.batchId === batchEntry?.id).map((e) => e.caller.type)).toEqual([
      'console',
      'console',
    ]);
  });

  it('meets the portal’s fault rules, and the journal names the rule', async () => {
    const rule = await admin('faults', { method: 'booking.v1.waitlist.list', error: 'QUERY_LIMIT_EXCEEDED', times: 1 });
    expect(rule.status, rule.text).toBe(201);
    const refused = await admin('rest/booking.v1.waitlist.list', {});
    expect(refused.status).toBe(503);
    expect(refused.body.error).toBe('QUERY_LIMIT_EXCEEDED');
    const [entry] = await journal('default', '?method=booking.v1.waitlist.list&limit=1');
    expect(entry?.fault).toBe(rule.body.id);
    expect((await admin('rest/booking.v1.waitlist.list', {})).status).toBe(200);
  });

  it('acts on the portal named in the path only', async () => {
    const made = await admin('portals', { name: 'console-other' });
    expect(made.status, made.text).toBe(201);
    const added = await admin('portals/console-other/rest/booking.v1.waitlist.add', { fields: { note: 'elsewhere' } });
    expect(added.body.result).toBe(1);
    const there = await admin('portals/console-other/rest/booking.v1.waitlist.list', {});
    expect(there.body.result.waitList.map((e: { note: string }) => e.note)).toEqual(['elsewhere']);
    const here = await server().call('booking.v1.waitlist.list');
    expect(here.body.result.waitList.map((e: { note: string }) => e.note)).not.toContain('elsewhere');
    expect((await journal('console-other'))[0]?.caller).toEqual({ type: 'console', userId: 1 });
    const nowhere = await admin('portals/no-such-portal/rest/booking.v1.waitlist.list', {});
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.error).toBe('PORTAL_NOT_FOUND');
  });

  it('without the admin token: 401, and nothing runs', async () => {
    const before = (await server().call('booking.v1.waitlist.list')).body.result.waitList.length;
    const refused = await admin('rest/booking.v1.waitlist.add', { fields: { note: 'no' } }, { token: 'wrong' });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('UNAUTHORIZED');
    const bare = await fetch(`${server().url}/_admin/rest/booking.v1.waitlist.add`, {
      method: 'POST',
      body: '{"fields":{"note":"no"}}',
    });
    expect(bare.status).toBe(401);
    expect((await server().call('booking.v1.waitlist.list')).body.result.waitList.length).toBe(before);
  });

  it('only POST: other HTTP methods are not found', async () => {
    const reply = await admin('rest/booking.v1.waitlist.list', undefined, { method: 'GET' });
    expect(reply.status).toBe(404);
  });
});
