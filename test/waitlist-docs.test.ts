/**
 * Every cURL example of the wait-list doc pages, read from the markdown at test time and run as
 * written against a fresh server, with only the host and the credentials replaced.
 *
 * Answers are checked against what the real Bitrix24 server sends (research/README.md), which
 * wins where a page's own sample differs: `add` returns a plain integer, lists carry a top-level
 * `"total": 0`. OAuth examples run twice: as written (no token exists yet, so 401
 * `invalid_token` and nothing changes), then as the same call through the webhook.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  asWebhookCall,
  bodyParams,
  type CurlExample,
  curlExamples,
  OAUTH_BASE,
  restMethod,
  runExample,
  WEBHOOK_BASE,
} from './support/doc-examples.js';
import { startTestServer, type TestServer } from './support/server.js';

const PAGES = [
  'api-reference/booking/waitlist/booking-v1-waitlist-add.md',
  'api-reference/booking/waitlist/booking-v1-waitlist-get.md',
  'api-reference/booking/waitlist/booking-v1-waitlist-list.md',
  'api-reference/booking/waitlist/booking-v1-waitlist-update.md',
  'api-reference/booking/waitlist/booking-v1-waitlist-delete.md',
  'api-reference/booking/waitlist/external-data/booking-v1-waitlist-externaldata-set.md',
  'api-reference/booking/waitlist/external-data/booking-v1-waitlist-externaldata-list.md',
  'api-reference/booking/waitlist/external-data/booking-v1-waitlist-externaldata-unset.md',
];

const examples = PAGES.flatMap(curlExamples);

// ---------------------------------------------------------------------------------------------
// What each example needs on the server, and what it must answer

type Params = Record<string, unknown>;

/** Local midnight of a `dd.mm.yyyy` day, as the server reads `createdWithin`. */
function portalDay(text: string, plusDays = 0): number {
  const [day, month, year] = text.split('.').map(Number) as [number, number, number];
  return new Date(year, month - 1, day + plusDays).getTime();
}

/** Makes entries 1..count (a fresh store numbers them from 1). */
async function seedEntries(
  server: TestServer,
  count: number,
  entry: { note?: string | null; createdAt?: number } = {},
) {
  await server.server.store.write(async ({ waitList }) => {
    for (let i = 1; i <= count; i++) {
      const id = await waitList.insert({
        note: entry.note ?? null,
        createdBy: 1,
        createdAt: entry.createdAt ?? Date.now(),
      });
      expect(id).toBe(i);
    }
  });
}

async function seedLinks(server: TestServer, id: number, values: string[]) {
  await server.server.store.write(({ waitList }) =>
    waitList.replaceExternalData(
      id,
      values.map((value) => ({ moduleId: 'crm', entityTypeId: 'DEAL', value })),
    ),
  );
}

const call = (server: TestServer, method: string, params: Params) =>
  server.call(`booking.v1.waitlist.${method}`, params);

/** The natural key order the real server sends an external-data item in. */
const link = (item: Params) => ({ entityTypeId: item.entityTypeId, moduleId: item.moduleId, value: item.value });

interface Scenario {
  /** Puts on the server what the example refers to (the ids it names). */
  seed(server: TestServer, params: Params): Promise<void>;
  /** The answer besides `time`: `result`, and `total` on lists. */
  answer(params: Params): { result: unknown; total?: 0 };
  /** Reads back what the example changed. */
  verify?(server: TestServer, params: Params): Promise<void>;
}

const scenarios: Record<string, Scenario> = {
  'booking.v1.waitlist.add': {
    seed: async () => {},
    // The page's sample says {"id": 107}; the real server returns the id itself.
    answer: () => ({ result: 1 }),
    verify: async (server, params) => {
      const reply = await call(server, 'get', { id: 1 });
      expect(reply.body.result).toEqual({ waitList: { id: 1, note: (params.fields as Params).note } });
    },
  },
  'booking.v1.waitlist.get': {
    seed: (server, params) => seedEntries(server, params.id as number),
    answer: (params) => ({ result: { waitList: { id: params.id, note: null } } }),
  },
  'booking.v1.waitlist.list': {
    // Fourteen entries the day before the period, two on its first day (`from` is inclusive):
    // the page's sample answer lists ids 15 and 16.
    seed: async (server, params) => {
      const { from } = (params.filter as { createdWithin: { from: string } }).createdWithin;
      await seedEntries(server, 14, { note: 'note', createdAt: portalDay(from, -1) });
      await server.server.store.write(async ({ waitList }) => {
        for (let i = 0; i < 2; i++) await waitList.insert({ note: 'note', createdBy: 1, createdAt: portalDay(from) });
      });
    },
    answer: () => ({
      result: {
        waitList: [
          { id: 15, note: 'note' },
          { id: 16, note: 'note' },
        ],
      },
      total: 0,
    }),
  },
  'booking.v1.waitlist.update': {
    seed: (server, params) => seedEntries(server, params.id as number, { note: 'Old note' }),
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      const reply = await call(server, 'get', { id: params.id });
      expect(reply.body.result).toEqual({ waitList: { id: params.id, note: (params.fields as Params).note } });
    },
  },
  'booking.v1.waitlist.delete': {
    seed: (server, params) => seedEntries(server, params.id as number),
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      const reply = await call(server, 'get', { id: params.id });
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({ error: '1040', error_description: 'Wait list not found' });
    },
  },
  'booking.v1.waitlist.externalData.set': {
    seed: async (server, params) => {
      await seedEntries(server, params.waitListId as number);
      await seedLinks(server, params.waitListId as number, ['999']);
    },
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      const reply = await call(server, 'externalData.list', { waitListId: params.waitListId });
      expect(reply.body.result).toEqual({ externalData: (params.externalData as Params[]).map(link) });
    },
  },
  'booking.v1.waitlist.externalData.list': {
    // The page's sample answer: two deal links, keys in natural order.
    seed: async (server, params) => {
      await seedEntries(server, params.waitListId as number);
      await seedLinks(server, params.waitListId as number, ['1', '2']);
    },
    answer: () => ({
      result: {
        externalData: [
          { entityTypeId: 'DEAL', moduleId: 'crm', value: '1' },
          { entityTypeId: 'DEAL', moduleId: 'crm', value: '2' },
        ],
      },
      total: 0,
    }),
  },
  'booking.v1.waitlist.externalData.unset': {
    seed: async (server, params) => {
      await seedEntries(server, params.waitListId as number);
      await seedLinks(server, params.waitListId as number, ['1']);
    },
    answer: () => ({ result: true }),
    verify: async (server, params) => {
      const reply = await call(server, 'externalData.list', { waitListId: params.waitListId });
      expect(reply.body.result).toEqual({ externalData: [] });
    },
  },
};

function scenarioOf(example: CurlExample): Scenario {
  const scenario = scenarios[restMethod(example)];
  if (!scenario) throw new Error(`${example.name}: no scenario for ${restMethod(example)}`);
  return scenario;
}

/** Every row the server holds, to show that a refused call changed nothing. */
async function snapshot(server: TestServer) {
  const { db } = server.server.store;
  return {
    entries: await db.selectFrom('wait_list_item').selectAll().orderBy('id').execute(),
    links: await db.selectFrom('wait_list_external_data').selectAll().orderBy('id').execute(),
    events: await db.selectFrom('event_outbox').selectAll().orderBy('id').execute(),
  };
}

const ISO_8601 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;

function expectTimeObject(time: Record<string, unknown>) {
  expect(time).toMatchObject({
    start: expect.any(Number),
    finish: expect.any(Number),
    duration: expect.any(Number),
    processing: expect.any(Number),
    date_start: expect.stringMatching(ISO_8601),
    date_finish: expect.stringMatching(ISO_8601),
    operating: expect.any(Number),
  });
  expect(time.finish as number).toBeGreaterThanOrEqual(time.start as number);
}

// ---------------------------------------------------------------------------------------------

let server: TestServer | undefined;

async function freshServer(): Promise<TestServer> {
  await server?.server.close();
  server = await startTestServer({ data: ':memory:' });
  return server;
}

afterEach(async () => {
  await server?.server.close();
  server = undefined;
});

describe('the doc pages', () => {
  it('hold one webhook and one OAuth cURL example on each of the eight pages', () => {
    expect(examples.map((e) => `${e.page} ${e.kind}`).sort()).toEqual(
      PAGES.flatMap((page) => [`${page} OAuth`, `${page} Webhook`]).sort(),
    );
    for (const example of examples) {
      const oauthUrl = example.url.startsWith(OAUTH_BASE) && !example.url.startsWith(WEBHOOK_BASE);
      expect(oauthUrl, example.name).toBe(example.kind === 'OAuth');
      expect(example.httpMethod, example.name).toBe('POST');
      expect(example.headers['Content-Type'], example.name).toBe('application/json');
      expect(Object.keys(scenarios), example.name).toContain(restMethod(example));
    }
  });
});

const webhookExamples = examples.filter((e) => e.kind === 'Webhook');
const oauthExamples = examples.filter((e) => e.kind === 'OAuth');

/** Seeds a fresh server, runs the example, and checks the answer the real server would give. */
async function expectDocumentedAnswer(example: CurlExample) {
  const scenario = scenarioOf(example);
  const params = bodyParams(example);
  const srv = await freshServer();
  await scenario.seed(srv, params);

  const reply = await runExample(srv, example);

  expect(reply.status, reply.text).toBe(200);
  const { result, total } = scenario.answer(params);
  expect(reply.body.result).toEqual(result);
  if (total === undefined) {
    expect(Object.keys(reply.body)).toEqual(['result', 'time']);
  } else {
    expect(Object.keys(reply.body)).toEqual(['result', 'total', 'time']);
    expect(reply.body.total).toBe(total);
  }
  // The real server sends keys in natural order (entityTypeId, moduleId, value; id, note).
  expect(JSON.stringify(reply.body.result)).toBe(JSON.stringify(result));
  expectTimeObject(reply.body.time);
  await scenario.verify?.(srv, params);
}

describe('webhook examples', () => {
  it.each(webhookExamples.map((e) => [e.name, e] as const))('%s answers as the real server does', async (_, example) =>
    expectDocumentedAnswer(example),
  );
});

describe('OAuth examples', () => {
  it.each(oauthExamples.map((e) => [e.name, e] as const))(
    '%s, as written, is refused with 401 invalid_token and changes nothing',
    async (_, example) => {
      const srv = await freshServer();
      await scenarioOf(example).seed(srv, bodyParams(example));
      const before = await snapshot(srv);

      const reply = await runExample(srv, example);

      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({
        error: 'invalid_token',
        error_description: 'The access token provided is invalid.',
      });
      expect(await snapshot(srv)).toEqual(before);
    },
  );

  it.each(oauthExamples.map((e) => [e.name, e] as const))(
    '%s, sent through the webhook, answers as the real server does',
    async (_, example) => expectDocumentedAnswer(asWebhookCall(example)),
  );
});
