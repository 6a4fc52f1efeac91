/**
 * PHP's ids are 64-bit: an id no row can have is "not found" on both stores, never a failure
 * (PostgreSQL's 32-bit `integer` columns refused such a value outright; every integer column is
 * `bigint` now).
 */
import { describe, expect, it } from 'vitest';
import { useServer } from './support/server.js';

const server = useServer();
const BIG = 3_000_000_000;
const period = {
  from: { timestamp: 1_800_000_000, timezone: 'UTC' },
  to: { timestamp: 1_800_003_600, timezone: 'UTC' },
};

describe('ids beyond 32 bits', () => {
  it('are not found where the methods look them up, with the id in the text', async () => {
    const type = await server().call('booking.v1.resource.add', { fields: { name: 'x', typeId: BIG } });
    expect([type.status, type.body]).toEqual([
      400,
      { error: '1013', error_description: `Resource type with id ${BIG} does not exist` },
    ]);
    const booking = await server().call('booking.v1.booking.add', {
      fields: { resourceIds: [BIG], datePeriod: period },
    });
    expect([booking.status, booking.body]).toEqual([
      400,
      { error: '1018', error_description: `Some resources were not found: ${BIG}` },
    ]);
  });

  it('never answer 5xx anywhere an id can go', async () => {
    const entry = (await server().call('booking.v1.waitlist.add', { fields: { note: 'x' } })).body.result;
    const calls: [string, unknown][] = [
      ['booking.v1.booking.list', { filter: { resourceId: [BIG] } }],
      ['booking.v1.resource.list', { filter: { typeId: BIG } }],
      ['booking.v1.resourceType.list', { filter: { id: BIG } }],
      ['booking.v1.booking.list', { filter: { client: { entities: [{ module: 'crm', code: 'CONTACT', id: BIG }] } } }],
      [
        'booking.v1.waitlist.client.set',
        { waitListId: entry, clients: [{ id: BIG, type: { module: 'crm', code: 'CONTACT' } }] },
      ],
      [
        'booking.v1.waitlist.externalData.set',
        { waitListId: entry, externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: String(BIG) }] },
      ],
      ['crm.deal.add', { fields: { TITLE: 't', CONTACT_ID: BIG, COMPANY_ID: BIG } }],
      ['crm.deal.get', { id: BIG }],
      ['crm.deal.list', { filter: { '>ID': BIG, CONTACT_ID: BIG } }],
      ['booking.v1.waitlist.get', { id: BIG }],
    ];
    for (const [method, params] of calls) {
      const reply = await server().call(method, params);
      expect(reply.status, `${method} ${reply.text}`).toBeLessThan(500);
    }
  });
});
