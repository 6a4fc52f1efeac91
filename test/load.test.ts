/**
 * 200 concurrent clients mixing writes and reads for a bounded time: every answer is a success
 * or a documented error, and the final state is exactly what the clients were told.
 */
import { describe, expect, it } from 'vitest';
import { type TestServer, useServer } from './support/server.js';

const server = useServer();

const CLIENTS = 200;
const DURATION_MS = 3_000;

interface Owned {
  note: string;
  /** The last external-data set the server acknowledged for this entry. */
  links: string[];
}

/** One client: adds entries of its own, replaces their links, reads them back as it goes. */
async function client(srv: TestServer, index: number, until: number, owned: Map<number, Owned>, problems: string[]) {
  let step = 0;
  while (Date.now() < until) {
    step++;
    const note = `client ${index} step ${step}`;
    const add = await srv.call('booking.v1.waitlist.add', { fields: { note } });
    if (add.status !== 200) {
      problems.push(`add: ${add.status} ${add.text}`);
      continue;
    }
    const id = add.body.result as number;
    owned.set(id, { note, links: [] });
    const links = Array.from({ length: 1 + (step % 3) }, (_, i) => `${index}-${step}-${i}`);
    const set = await srv.call('booking.v1.waitlist.externalData.set', {
      waitListId: id,
      externalData: links.map((value) => ({ moduleId: 'crm', entityTypeId: 'DEAL', value })),
    });
    if (set.status === 200) owned.set(id, { note, links });
    else problems.push(`set: ${set.status} ${set.text}`);
    const get = await srv.call('booking.v1.waitlist.get', { id });
    if (get.status !== 200 || get.body.result.waitList.note !== note) problems.push(`get: ${get.status} ${get.text}`);
    // A documented error in the mix: an unknown entry.
    const missing = await srv.call('booking.v1.waitlist.externalData.list', { waitListId: 999_999_999 });
    if (missing.status !== 400 || missing.body.error !== '1040')
      problems.push(`missing: ${missing.status} ${missing.text}`);
  }
}

describe('under load', () => {
  it('answers 200 clients correctly and ends in the state they were told', async () => {
    const srv = server();
    const owned = new Map<number, Owned>();
    const problems: string[] = [];
    const until = Date.now() + DURATION_MS;
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(srv, i, until, owned, problems)));
    expect(problems.slice(0, 5)).toEqual([]);
    expect(owned.size).toBeGreaterThanOrEqual(CLIENTS);

    const entries = [...owned];
    for (let i = 0; i < entries.length; i += 50) {
      await Promise.all(
        entries.slice(i, i + 50).map(async ([id, expected]) => {
          const get = await srv.call('booking.v1.waitlist.get', { id });
          expect(get.body.result?.waitList, `entry ${id}`).toEqual({ id, note: expected.note });
          const list = await srv.call('booking.v1.waitlist.externalData.list', { waitListId: id });
          const values = list.body.result.externalData.map((l: { value: string }) => l.value);
          expect(values, `links of ${id}`).toEqual(expected.links);
        }),
      );
    }
  });
});
