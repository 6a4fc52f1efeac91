/**
 * Isolation of portals as a property: seeded random calls (wait list, external data, CRM,
 * batch; JSON, form and query encodings) through the webhooks of five portals at once, in
 * parallel. Each portal must end exactly as a model fed only its own calls predicts (ids
 * counted from 1 in each), so no call read or changed another portal.
 */
import fc from 'fast-check';
import { stringify } from 'qs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReply, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
const hooks: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  for (let i = 0; i < 5; i++) {
    const portal = await server.server.createPortal({ name: `iso-${i}`, webhooks: [`1:isolation${i}secret`] });
    hooks.push(portal.webhookUrl as string);
  }
});
afterAll(async () => {
  await server?.server.close();
});

type Encoding = 'json' | 'form' | 'query';

async function call(hook: string, method: string, params: unknown, encoding: Encoding) {
  if (encoding === 'query') return readReply(await fetch(`${hook}${method}?${stringify(params)}`));
  const json = encoding === 'json';
  return readReply(
    await fetch(hook + method, {
      method: 'POST',
      headers: { 'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
      body: json ? JSON.stringify(params) : stringify(params),
    }),
  );
}

/** What one portal holds, as the model sees it. */
interface Model {
  waitList: Map<number, { note: string; links: string[] }>;
  nextWaitListId: number;
  contacts: Map<number, string>;
  nextContactId: number;
}

const newModel = (): Model => ({ waitList: new Map(), nextWaitListId: 1, contacts: new Map(), nextContactId: 1 });

const operation = fc.record({
  portal: fc.integer({ min: 0, max: 4 }),
  kind: fc.constantFrom('add', 'update', 'delete', 'link', 'contact', 'batch'),
  pick: fc.nat(),
  text: fc.string({ minLength: 1, maxLength: 12 }).map((s) => s.replace(/[^a-zA-Z0-9 ]/g, 'x') || 'x'),
  encoding: fc.constantFrom<Encoding>('json', 'form', 'query'),
});

type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** Runs one operation against its portal and the portal's model, checking the answer. */
async function apply(op: Operation, model: Model): Promise<void> {
  const hook = hooks[op.portal] as string;
  const ids = [...model.waitList.keys()];
  const existing = ids.length > 0 ? (ids[op.pick % ids.length] as number) : 1_000_000;
  if (op.kind === 'add') {
    const reply = await call(hook, 'booking.v1.waitlist.add', { fields: { note: op.text } }, op.encoding);
    expect(reply.body.result, reply.text).toBe(model.nextWaitListId);
    model.waitList.set(model.nextWaitListId++, { note: op.text, links: [] });
  } else if (op.kind === 'update') {
    const reply = await call(
      hook,
      'booking.v1.waitlist.update',
      { id: existing, fields: { note: op.text } },
      op.encoding,
    );
    const entry = model.waitList.get(existing);
    if (entry) {
      expect(reply.body.result, reply.text).toBe(true);
      entry.note = op.text;
    } else {
      expect(reply.body.error, reply.text).toBe('1040');
    }
  } else if (op.kind === 'delete') {
    const reply = await call(hook, 'booking.v1.waitlist.delete', { id: existing }, op.encoding);
    expect(reply.status, reply.text).toBe(model.waitList.delete(existing) ? 200 : 400);
  } else if (op.kind === 'link') {
    const link = { moduleId: 'crm', entityTypeId: 'DEAL', value: op.text };
    const reply = await call(
      hook,
      'booking.v1.waitlist.externalData.set',
      { waitListId: existing, externalData: [link] },
      op.encoding,
    );
    const entry = model.waitList.get(existing);
    expect(reply.status, reply.text).toBe(entry ? 200 : 400);
    if (entry) entry.links = [op.text];
  } else if (op.kind === 'contact') {
    const reply = await call(hook, 'crm.contact.add', { fields: { NAME: op.text } }, op.encoding);
    expect(reply.body.result, reply.text).toBe(model.nextContactId);
    model.contacts.set(model.nextContactId++, op.text);
  } else {
    const reply = await call(
      hook,
      'batch',
      {
        halt: 0,
        cmd: {
          a: `booking.v1.waitlist.add?fields[note]=${encodeURIComponent(op.text)}`,
          b: 'booking.v1.waitlist.get?id=$result[a]',
        },
      },
      op.encoding,
    );
    expect(reply.body.result.result.a, reply.text).toBe(model.nextWaitListId);
    expect(reply.body.result.result.b.waitList.note).toBe(op.text);
    model.waitList.set(model.nextWaitListId++, { note: op.text, links: [] });
  }
}

/** Every wait-list entry of a portal, page by page. */
async function allEntries(hook: string): Promise<{ id: number; note: string }[]> {
  const out: { id: number; note: string }[] = [];
  for (let start = 0; ; start += 50) {
    const page = await call(hook, 'booking.v1.waitlist.list', { start }, 'json');
    out.push(...page.body.result.waitList);
    if (page.body.result.waitList.length < 50) return out;
  }
}

describe('portals in parallel', () => {
  it('each portal ends as a model of its own calls predicts; no call reaches another portal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 20, maxLength: 60 }), async (ops) => {
        for (let i = 0; i < 5; i++) await server.server.portal(`iso-${i}`).reset();
        const models = Array.from({ length: 5 }, newModel);
        // The portals' calls run at once; each portal's own calls run in order.
        await Promise.all(
          models.map(async (model, portal) => {
            for (const op of ops.filter((o) => o.portal === portal)) await apply(op, model);
          }),
        );
        for (const [i, model] of models.entries()) {
          const hook = hooks[i] as string;
          const entries = await allEntries(hook);
          expect(entries.map((e) => [Number(e.id), e.note])).toEqual(
            [...model.waitList].map(([id, e]) => [id, e.note]),
          );
          for (const [id, entry] of model.waitList) {
            const links = await call(hook, 'booking.v1.waitlist.externalData.list', { waitListId: id }, 'json');
            expect(links.body.result.externalData.map((l: { value: string }) => l.value)).toEqual(entry.links);
          }
          const contacts = await call(hook, 'crm.contact.list', { select: ['ID', 'NAME'] }, 'json');
          expect(contacts.body.result.map((c: { ID: string; NAME: string }) => [Number(c.ID), c.NAME])).toEqual([
            ...model.contacts,
          ]);
        }
      }),
      { seed: 20261202, numRuns: 12, endOnFailure: true },
    );
  });
});
