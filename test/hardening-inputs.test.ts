/**
 * Inputs at the edges of what the server takes, each of which once answered 500: field and seed
 * names that are members of Object.prototype, a `start` past any 64-bit integer, lists of ids
 * longer than a statement may bind, and U+0000 in text (which PostgreSQL cannot store). Every
 * one gets a Bitrix-shaped answer, the same on both stores.
 */
import { describe, expect, it } from 'vitest';
import { ok, resourceMaker } from './support/calls.js';
import { ADMIN_TOKEN, installApp } from './support/events.js';
import { type Encoding, useServer } from './support/server.js';
import { storedState } from './support/state.js';

const server = useServer({ adminToken: ADMIN_TOKEN });
const newResource = resourceMaker(server);

/** Names every plain object answers to; `__proto__` only as an own key (JSON.parse makes one). */
const PROTOTYPE_NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__proto__'];

/** An object with each prototype name as an own key, as a parsed request would hold it. */
function prototypeKeyed(value: (name: string) => unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(Object.fromEntries(PROTOTYPE_NAMES.map((n) => [n, value(n)]))));
}

const period = {
  from: { timestamp: 1_800_000_000, timezone: 'UTC' },
  to: { timestamp: 1_800_003_600, timezone: 'UTC' },
};

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('CRM field names that are Object.prototype members', () => {
  it('are unknown fields: ignored by add, update, list filter, order and select', async () => {
    const strange = prototypeKeyed((n) => `v-${n}`);
    expect(Object.hasOwn(strange, '__proto__')).toBe(true);
    for (const encoding of ['json', 'form'] as Encoding[]) {
      const added = await server().call('crm.contact.add', { fields: { NAME: 'Ann', ...strange } }, encoding);
      expect([added.status, added.text]).toEqual([200, expect.any(String)]);
      const id = added.body.result;
      const updated = await server().call(
        'crm.contact.update',
        { id, fields: { ...strange, LAST_NAME: 'Lee' } },
        encoding,
      );
      expect([updated.status, updated.body.result]).toEqual([200, true]);
      const record = await ok(server(), 'crm.contact.get', { id });
      expect([record.result.NAME, record.result.LAST_NAME]).toEqual(['Ann', 'Lee']);
      for (const name of PROTOTYPE_NAMES) expect(Object.hasOwn(record.result, name)).toBe(false);
    }
    const listed = await server().call('crm.contact.list', {
      filter: { ...strange, NAME: 'Ann' },
      order: { ...strange, ID: 'DESC' },
      select: ['ID', 'NAME', ...PROTOTYPE_NAMES],
    });
    expect([listed.status, listed.body.total]).toEqual([200, 2]);
    expect(listed.body.result.map((r: Record<string, unknown>) => Object.keys(r))).toEqual([
      ['ID', 'NAME'],
      ['ID', 'NAME'],
    ]);
    const deal = await server().call('crm.deal.add', { fields: { TITLE: 'T', ...strange } });
    expect(deal.status, deal.text).toBe(200);
  });
});

describe('seed documents that use Object.prototype member names', () => {
  async function seed(document: unknown) {
    const res = await fetch(`${server().url}/_admin/seed`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(document),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('are refused as unknown sections or keys, and change nothing', async () => {
    const before = await storedState(server());
    for (const document of [
      { constructor: [{ name: 'x' }] },
      { toString: [] },
      { crm: { constructor: [{ TITLE: 'x' }] } },
      { crm: { hasOwnProperty: [] } },
      {
        resourceTypes: [{ key: 'doctor', name: 'Doctor', code: 'd' }],
        resources: [{ name: 'R', typeId: '$toString' }],
      },
      { resourceTypes: [{ name: 'Doctor', code: 'd2', typeId: '$constructor' }] },
    ]) {
      const reply = await seed(document);
      expect([reply.status, reply.body.error], JSON.stringify(document)).toEqual([400, 'SEED_REFUSED']);
      expect(await storedState(server())).toBe(before);
    }
  });

  it('are plain fields of an item, and keys like any other', async () => {
    const reply = await seed({
      resourceTypes: [{ key: 'constructor', name: 'Doctor', code: 'proto-doc', toString: 'x', hasOwnProperty: 'y' }],
      resources: [{ key: 'toString', name: 'Dr Proto', typeId: '$constructor', constructor: 'z', valueOf: 'v' }],
      waitList: [{ key: 'hasOwnProperty', note: 'n', constructor: 'c', toString: 't' }],
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const ids = reply.body.ids as Record<string, number>;
    expect(Object.keys(ids).sort()).toEqual(['constructor', 'hasOwnProperty', 'toString']);
    const resource = await ok(server(), 'booking.v1.resource.get', { id: ids.toString });
    expect([resource.result.resource.name, resource.result.resource.typeId]).toEqual(['Dr Proto', ids.constructor]);
  });
});

describe('start of 2^63 or more', () => {
  const huge = ['9223372036854775808', '18446744073709551616', '1e30', 2 ** 63, 1e30];

  it('asks for a page past the end: an empty page, answered 200', async () => {
    const resourceId = await newResource();
    await ok(server(), 'booking.v1.booking.add', { fields: { resourceIds: [resourceId], datePeriod: period } });
    await ok(server(), 'crm.deal.add', { fields: { TITLE: 'one' } });
    const deals = (await ok(server(), 'crm.deal.list', {})).total;
    expect(deals).toBeGreaterThan(0);
    for (const start of huge) {
      const lists: [string, unknown][] = [
        ['booking.v1.waitlist.list', { result: { waitList: [] }, total: 0 }],
        ['booking.v1.booking.list', { result: { booking: [] }, total: 0 }],
        ['booking.v1.resource.list', { result: { resource: [] }, total: 0 }],
        ['crm.deal.list', { result: [], total: deals }],
      ];
      for (const [method, expected] of lists) {
        for (const encoding of ['json', 'query'] as Encoding[]) {
          if (encoding === 'query' && typeof start === 'number') continue;
          const reply = await server().call(method, { start }, encoding);
          expect(reply.status, `${method} start=${start} ${reply.text}`).toBe(200);
          const { time: _time, ...rest } = reply.body;
          expect(rest, `${method} start=${start}`).toEqual(expected);
        }
      }
    }
  });

  it('reads as PHP intval reads it: "1e3" is 1000, a negative past 64 bits is the first page', async () => {
    for (let i = 0; i < 3; i++) await ok(server(), 'crm.company.add', { fields: { TITLE: `c${i}` } });
    const all = await ok(server(), 'crm.company.list', { start: '-99999999999999999999' });
    expect(all.result.length).toBe(all.total);
    const far = await ok(server(), 'crm.company.list', { start: '1e3' });
    expect([far.result, far.total]).toEqual([[], all.total]);
  });
});

describe('lists of more ids than a statement may bind', () => {
  const MANY = 40_000;

  it('crm filters @ID and !@ID', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await ok(server(), 'crm.deal.add', { fields: { TITLE: `many ${i}` } })).result);
    const within = await server().call('crm.deal.list', {
      filter: { '@ID': [...range(1_000_000, MANY), ...ids], '%TITLE': 'many' },
      select: ['ID'],
    });
    expect([within.status, within.body.result, within.body.total]).toEqual([
      200,
      ids.map((id) => ({ ID: String(id) })),
      3,
    ]);
    const outside = await server().call('crm.deal.list', {
      filter: { '!@ID': [...range(1_000_000, MANY), ids[0]], '%TITLE': 'many' },
      select: ['ID'],
    });
    expect([outside.status, outside.body.result]).toEqual([200, ids.slice(1).map((id) => ({ ID: String(id) }))]);
  });

  it('a deal of 40,000 contacts', async () => {
    const contact = (await ok(server(), 'crm.contact.add', { fields: { NAME: 'First' } })).result;
    const reply = await server().call('crm.deal.add', {
      fields: { TITLE: 'crowded', CONTACT_IDS: [contact, ...range(2_000_000, MANY)] },
    });
    expect(reply.status, reply.text.slice(0, 200)).toBe(200);
    const deal = await ok(server(), 'crm.deal.get', { id: reply.body.result });
    expect(deal.result.CONTACT_ID).toBe(String(contact));
  });

  it('booking.add and booking.update with 40,000 resources, booking.list and resource.list filters', async () => {
    const type = (await ok(server(), 'booking.v1.resourceType.add', { fields: { name: 'Many', code: 'many' } })).result;
    const r1 = (await ok(server(), 'booking.v1.resource.add', { fields: { name: 'M1', typeId: type } })).result;
    const r2 = (await ok(server(), 'booking.v1.resource.add', { fields: { name: 'M2', typeId: type } })).result;
    const unknown = range(3_000_000, MANY);
    const refused = await server().call('booking.v1.booking.add', {
      fields: { resourceIds: [r1, ...unknown], datePeriod: period },
    });
    expect([refused.status, refused.body]).toEqual([
      400,
      { error: '1018', error_description: `Some resources were not found: ${unknown.join(', ')}` },
    ]);
    const booking = (
      await ok(server(), 'booking.v1.booking.add', {
        fields: { resourceIds: [...Array(MANY).fill(r1), r2], datePeriod: period },
      })
    ).result;
    // Every resource is stored (duplicates as given: not what this test is about).
    const stored = (await ok(server(), 'booking.v1.booking.get', { id: booking })).result.booking.resourceIds;
    expect([...new Set(stored)]).toEqual([r1, r2]);
    const update = await server().call('booking.v1.booking.update', {
      id: booking,
      fields: { resourceIds: [r2, ...unknown] },
    });
    expect([update.status, update.body.error]).toEqual([400, '1018']);

    const listed = await ok(server(), 'booking.v1.booking.list', { filter: { resourceId: [...unknown, r2] } });
    expect(listed.result.booking.map((b: { id: number }) => b.id)).toEqual([booking]);
    const resources = await ok(server(), 'booking.v1.resource.list', { filter: { typeId: [...unknown, type] } });
    expect(resources.result.resource.map((r: { id: number }) => r.id)).toEqual([r1, r2]);
  });

  it('booking.list filter of 40,000 clients', async () => {
    const contact = (await ok(server(), 'crm.contact.add', { fields: { NAME: 'Client' } })).result;
    const resource = await newResource();
    const booking = (
      await ok(server(), 'booking.v1.booking.add', {
        fields: {
          resourceIds: [resource],
          datePeriod: {
            from: { timestamp: 1_900_000_000, timezone: 'UTC' },
            to: { timestamp: 1_900_003_600, timezone: 'UTC' },
          },
        },
      })
    ).result;
    await ok(server(), 'booking.v1.booking.client.set', {
      bookingId: booking,
      clients: [{ id: contact, type: { module: 'crm', code: 'CONTACT' } }],
    });
    const entities = [...range(4_000_000, MANY), contact].map((id) => ({ module: 'crm', code: 'CONTACT', id }));
    const listed = await ok(server(), 'booking.v1.booking.list', { filter: { client: { entities } } });
    expect(listed.result.booking.map((b: { id: number }) => b.id)).toEqual([booking]);
  });

  it('event.offline.clear of 40,000 ids', async () => {
    const app = await installApp(server());
    const reply = await app.call('event.offline.clear', { process_id: 'p', id: range(1, MANY) });
    expect([reply.status, reply.body.result]).toEqual([200, true]);
    const byMessage = await app.call('event.offline.clear', {
      process_id: 'p',
      message_id: range(1, MANY).map((i) => String(i).padStart(32, '0')),
    });
    expect([byMessage.status, byMessage.body.result]).toEqual([200, true]);
  });
});

describe('U+0000 in text', () => {
  const REFUSED = { error: 'WRONG_ENCODING', error_description: 'Wrong request encoding' };

  it('is refused in any value or key, in every encoding, before anything is written', async () => {
    const before = await storedState(server());
    const cases: [Encoding, unknown][] = [
      ['json', { fields: { note: 'a\u0000b' } }],
      ['form', { fields: { note: 'a\u0000b' } }],
      ['query', { fields: { note: 'a\u0000b' } }],
      ['json', { fields: { 'no\u0000te': 'x' } }],
      ['form', { fields: { 'no\u0000te': 'x' } }],
      ['query', { 'fie\u0000lds': { note: 'x' } }],
      ['json', { fields: { note: 'x' }, extra: ['\u0000'] }],
    ];
    for (const [encoding, params] of cases) {
      const reply = await server().call('booking.v1.waitlist.add', params, encoding);
      expect([reply.status, reply.body], `${encoding} ${JSON.stringify(params)}`).toEqual([400, REFUSED]);
    }
    const crm = await server().call('crm.contact.add', { fields: { NAME: 'N\u0000' } });
    expect([crm.status, crm.body]).toEqual([400, REFUSED]);
    expect(await storedState(server())).toBe(before);
  });

  it('is refused in multipart bodies and in batch commands', async () => {
    const form = new FormData();
    form.append('fields[note]', 'a\u0000b');
    const multipart = await fetch(`${server().hook}booking.v1.waitlist.add`, { method: 'POST', body: form });
    expect([multipart.status, await multipart.json()]).toEqual([400, REFUSED]);
    const batch = await server().call('batch', { cmd: { a: 'booking.v1.waitlist.add?fields[note]=a%00b' } });
    expect(batch.status, batch.text).toBeLessThan(500);
    expect(batch.body.result.result_error.a).toEqual(REFUSED);
  });

  it('is refused in seed documents and on the OAuth pages', async () => {
    const before = await storedState(server());
    const seeded = await fetch(`${server().url}/_admin/seed`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ waitList: [{ note: 'a\u0000b' }] }),
    });
    expect([seeded.status, ((await seeded.json()) as { error: string }).error]).toEqual([400, 'SEED_REFUSED']);
    expect(await storedState(server())).toBe(before);
    const token = await fetch(`${server().url}/oauth/token/?grant_type=refresh_token&client_id=a%00b&refresh_token=x`);
    expect([token.status, await token.json()]).toEqual([400, REFUSED]);
  });
});
