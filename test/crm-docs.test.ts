/**
 * Every cURL example of the crm.item, crm.category, crm.type, crm.status and user pages, run as
 * written from the fixture against a fresh server on which the example's scenario first makes
 * what it names (pipeline 9, smart process 1302, status 123, ...). The webhook example runs
 * through the test webhook, the OAuth one with a real access token of a local application.
 */
// parity examples: api-reference/crm/universal/ api-reference/crm/status/ api-reference/user/
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DEAL_STAGES } from './support/crm.js';
import {
  bodyParams,
  type CurlExample,
  curlExamples,
  OAUTH_BASE,
  restMethod,
  runExample,
  WEBHOOK_BASE,
} from './support/doc-examples.js';
import { accessToken, withToken } from './support/doc-runner.js';
import { type Reply, SECRET, startTestServer, type TestServer } from './support/server.js';

type Params = Record<string, unknown>;

interface Scenario {
  /** Makes what the example names. */
  seed?(server: TestServer, params: Params): Promise<void>;
  /** What the answer must hold. */
  check(reply: Reply, params: Params): void;
}

async function call(server: TestServer, method: string, params: unknown) {
  const reply = await server.call(method, params);
  expect(reply.status, `${method}: ${reply.text}`).toBe(200);
  return reply.body.result;
}

/** Smart processes until the newest has the id `id` (ids count from 1 on a fresh server). */
async function typesUpTo(server: TestServer, id: number, entityTypeId?: number) {
  for (let n = 1; n <= id; n++) {
    await call(server, 'crm.type.add', {
      fields: { title: `Type ${n}`, ...(n === id && entityTypeId && { entityTypeId }) },
    });
  }
}

/** Deal pipelines until the newest has the id `id`. */
async function dealPipelinesUpTo(server: TestServer, id: number) {
  for (let n = 1; n <= id; n++)
    await call(server, 'crm.category.add', { entityTypeId: 2, fields: { name: `Pipeline ${n}` } });
}

const ok = (reply: Reply) => expect(reply.status, reply.text).toBe(200);

const scenarios: Record<string, Scenario> = {
  'crm.category.add': {
    seed: (s, p) => call(s, 'crm.type.add', { fields: { title: 'SPA', entityTypeId: p.entityTypeId } }),
    check: (r) => {
      ok(r);
      expect(r.body.result.category).toMatchObject({
        name: 'New Default Funnel',
        sort: 50,
        entityTypeId: 1152,
        isDefault: 'Y',
      });
    },
  },
  'crm.category.delete': {
    seed: (s) => dealPipelinesUpTo(s, 5),
    check: (r) => {
      ok(r);
      expect(r.body.result).toBeNull();
    },
  },
  'crm.category.fields': { check: (r) => expect(Object.keys(r.body.result.fields)).toContain('isDefault') },
  'crm.category.get': {
    seed: (s) => dealPipelinesUpTo(s, 1),
    check: (r) => expect(r.body.result.category).toMatchObject({ id: 1, name: 'Pipeline 1', entityTypeId: 2 }),
  },
  'crm.category.list': {
    check: (r) => {
      expect(r.body.result.categories).toEqual([
        { id: 0, name: 'General', sort: 500, entityTypeId: 2, isDefault: 'Y' },
      ]);
      expect(r.body.total).toBe(1);
    },
  },
  'crm.category.update': {
    async seed(s, p) {
      await call(s, 'crm.type.add', { fields: { title: 'SPA', entityTypeId: p.entityTypeId } });
      for (let n = 2; n <= 4; n++)
        await call(s, 'crm.category.add', { entityTypeId: p.entityTypeId, fields: { name: `P${n}` } });
    },
    check: (r) =>
      expect(r.body.result.category).toMatchObject({ id: 4, name: 'New Funnel Name', sort: 1000, isDefault: 'Y' }),
  },
  'crm.item.add': {
    async seed(s, p) {
      if (p.entityTypeId !== 2)
        return void (await call(s, 'crm.type.add', { fields: { title: 'SPA', entityTypeId: p.entityTypeId } }));
      await dealPipelinesUpTo(s, 9);
      await call(s, 'crm.status.add', {
        fields: { ENTITY_ID: 'DEAL_STAGE_9', STATUS_ID: 'UC_KN8KFI', NAME: 'Custom', SORT: 15 },
      });
    },
    check: (r, p) => {
      ok(r);
      const fields = p.fields as Params;
      if (p.entityTypeId !== 2) return void expect(r.body.result.item).toMatchObject({ entityTypeId: p.entityTypeId });
      expect(r.body.result.item).toMatchObject({
        title: fields.title,
        categoryId: 9,
        stageId: 'C9:UC_KN8KFI',
        opportunity: 999.99,
        currencyId: 'EUR',
        companyId: 5,
        contactId: 4,
        contactIds: [4, 5],
        observers: [2, 3],
        opened: 'N',
        assignedById: 6,
        entityTypeId: 2,
      });
    },
  },
  'crm.item.delete': {
    async seed(s, p) {
      await call(s, 'crm.type.add', { fields: { title: 'SPA', entityTypeId: p.entityTypeId } });
      await call(s, 'crm.item.add', { entityTypeId: p.entityTypeId, fields: { title: 'One' } });
    },
    check: (r) => {
      ok(r);
      expect(r.body.result).toEqual([]);
    },
  },
  'crm.item.fields': {
    seed: (s, p) => call(s, 'crm.type.add', { fields: { title: 'SPA', entityTypeId: p.entityTypeId } }),
    check: (r) => expect(r.body.result.fields.stageId).toMatchObject({ type: 'crm_status', upperName: 'STAGE_ID' }),
  },
  'crm.item.get': {
    // Lead 250, written straight into the store (249 adds would only take time).
    async seed(s) {
      await s.server.store.write((repos) =>
        repos.crm.insert('crm_lead', { id: 250, title: 'Lead 250', status_id: 'NEW', status_semantic_id: 'P' }),
      );
    },
    check: (r) => {
      ok(r);
      expect(r.body.result.item).toMatchObject({ id: 250, title: 'Lead 250', stageId: 'NEW', entityTypeId: 1 });
    },
  },
  'crm.item.list': {
    async seed(s, p) {
      if (p.entityTypeId !== 1) {
        await call(s, 'crm.deal.add', { fields: { TITLE: 'Created now, outside the dates asked for' } });
        return;
      }
      const lead = (fields: Params) =>
        call(s, 'crm.lead.add', {
          fields: {
            STATUS_ID: 'IN_PROCESS',
            SOURCE_ID: 'WEB',
            OPPORTUNITY: 10000,
            IS_MANUAL_OPPORTUNITY: 'Y',
            ...fields,
          },
        });
      await lead({ TITLE: 'Asked for', NAME: 'Ann', LAST_NAME: 'Lee' });
      await lead({ TITLE: 'Too small', NAME: 'Bob', OPPORTUNITY: 100 });
      await lead({ TITLE: 'Converted', NAME: 'Cy', STATUS_ID: 'CONVERTED' });
      await lead({ TITLE: 'No name' });
    },
    check: (r, p) => {
      ok(r);
      if (p.entityTypeId === 1) {
        expect(r.body.result.items).toEqual([
          {
            id: 1,
            title: 'Asked for',
            lastName: 'Lee',
            name: 'Ann',
            stageId: 'IN_PROCESS',
            sourceId: 'WEB',
            assignedById: 1,
            opportunity: 10000,
            isManualOpportunity: 'Y',
          },
        ]);
        expect(r.body.total).toBe(1);
        return;
      }
      expect(r.body.result).toEqual({ items: [] });
      expect(r.body.total).toBe(0);
    },
  },
  'crm.item.update': {
    async seed(s) {
      await dealPipelinesUpTo(s, 9);
      await call(s, 'crm.status.add', {
        fields: { ENTITY_ID: 'DEAL_STAGE_9', STATUS_ID: 'UC_NYL06U', NAME: 'Custom', SORT: 15 },
      });
      // Deal 351 in pipeline 9, written straight into the store (350 adds would only take time).
      await s.server.store.write((repos) =>
        repos.crm.insert('crm_deal', { id: 351, title: 'Deal', category_id: 9, stage_id: 'C9:NEW', opened: 'Y' }),
      );
    },
    check: (r) => {
      ok(r);
      expect(r.body.result.item).toMatchObject({
        id: 351,
        title: 'REST Deal #1',
        stageId: 'C9:UC_NYL06U',
        assignedById: 6,
        observers: [1, 2, 3],
        opened: 'N',
        opportunity: 10000,
        additionalInfo: 'Changing a deal via REST',
        utmSource: 'google',
      });
    },
  },
  'crm.type.add': {
    check: (r) => {
      ok(r);
      expect(r.body.result.type).toMatchObject({
        title: 'SPA',
        entityTypeId: 2024,
        isCategoriesEnabled: 'Y',
        relations: { parent: [{ entityTypeId: 1 }, { entityTypeId: 2 }, { entityTypeId: 31 }] },
        linkedUserFields: { 'CALENDAR_EVENT|UF_CRM_CAL_EVENT': 'Y' },
      });
    },
  },
  'crm.type.delete': {
    seed: (s) => typesUpTo(s, 16),
    check: (r) => {
      ok(r);
      expect(r.body.result).toBeNull();
    },
  },
  'crm.type.fields': { check: (r) => expect(r.body.result.fields.title).toMatchObject({ isRequired: true }) },
  'crm.type.getByEntityTypeId': {
    seed: (s) => typesUpTo(s, 1, 2024),
    check: (r) => expect(r.body.result.type).toMatchObject({ entityTypeId: 2024 }),
  },
  'crm.type.get': { seed: (s) => typesUpTo(s, 16), check: (r) => expect(r.body.result.type).toMatchObject({ id: 16 }) },
  'crm.type.list': {
    async seed(s) {
      await call(s, 'crm.type.add', { fields: { title: 'Plain' } });
      await call(s, 'crm.type.add', {
        fields: {
          title: 'Everything',
          isAutomationEnabled: 'Y',
          isBizProcEnabled: 'Y',
          isCategoriesEnabled: 'Y',
          isClientEnabled: 'Y',
        },
      });
    },
    check: (r, p) => {
      if (p.notJson) {
        // The page's first example is not JSON (an object with unnamed members): refused as unreadable.
        expect(r.status).toBe(400);
        return void expect(r.body.error).toBe('ERROR_ARGUMENT');
      }
      ok(r);
      expect(r.body.result.types.map((t: { title: string }) => t.title)).toEqual(['Everything']);
      expect(r.body.total).toBe(1);
    },
  },
  'crm.type.update': {
    seed: (s) => typesUpTo(s, 20),
    check: (r, p) => {
      ok(r);
      const fields = p.fields as Params;
      if (fields.relations) expect(r.body.result.type.relations.child).toHaveLength(2);
      else expect(r.body.result.type).toMatchObject({ isAutomationEnabled: 'N', isSourceEnabled: 'Y' });
    },
  },
  'crm.status.add': {
    seed: (s) => dealPipelinesUpTo(s, 1),
    check: (r) => {
      ok(r);
      expect(Number.isInteger(r.body.result)).toBe(true);
    },
  },
  'crm.status.delete': { seed: statusesUpTo123, check: (r) => expect(r.body.result).toBe(true) },
  'crm.status.entity.items': {
    check: (r) => expect(r.body.result[0]).toEqual({ NAME: 'New', SORT: 10, STATUS_ID: 'NEW' }),
  },
  'crm.status.entity.types': {
    check: (r) => expect(r.body.result.map((t: { ID: string }) => t.ID)).toContain('DEAL_STAGE'),
  },
  'crm.status.fields': { check: (r) => expect(r.body.result.STATUS_ID).toMatchObject({ isRequired: true }) },
  'crm.status.get': { seed: statusesUpTo123, check: (r) => expect(r.body.result).toMatchObject({ ID: '123' }) },
  'crm.status.list': {
    check: (r) => {
      expect(r.body.result.map((s: { STATUS_ID: string }) => s.STATUS_ID)).toEqual(DEFAULT_DEAL_STAGES);
      expect(r.body.total).toBe(8);
    },
  },
  'crm.status.update': { seed: statusesUpTo123, check: (r) => expect(r.body.result).toBe(true) },
  'user.current': { check: (r) => expect(r.body.result).toMatchObject({ ID: '1', ACTIVE: true }) },
  'user.fields': { check: (r) => expect(r.body.result).toMatchObject({ NAME: 'First Name' }) },
  'user.get': {
    check: (r) => {
      ok(r);
      expect(Array.isArray(r.body.result)).toBe(true);
      expect(r.body.total).toBeGreaterThanOrEqual(r.body.result.length);
    },
  },
  'user.search': { check: (r) => expect(r.body.total).toBe(1) },
};

/** Reference entries until one has the id 123 (a new portal's lists hold fewer). */
async function statusesUpTo123(server: TestServer) {
  for (let n = 0; ; n++) {
    const id = await call(server, 'crm.status.add', {
      fields: { ENTITY_ID: 'SOURCE', STATUS_ID: `S${n}`, NAME: `Source ${n}` },
    });
    if (id >= 123) return;
  }
}

const PAGES = Object.keys(
  (await import('./fixtures/doc-examples.json', { with: { type: 'json' } })).default as Record<string, unknown>,
).filter((page) => /crm\/universal\/|crm\/status\/|^api-reference\/user\//.test(page));

const examples = PAGES.flatMap(curlExamples);

/** The example's parameters; `{}` for a body that is not JSON (the server says so). */
function parsedBody(example: CurlExample): Params {
  try {
    return bodyParams(example);
  } catch {
    return { notJson: true };
  }
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.server.close();
  server = undefined;
});

async function runScenario(example: CurlExample, oauth: boolean) {
  const scenario = scenarios[restMethod(example)];
  if (!scenario) throw new Error(`${example.name}: no scenario for ${restMethod(example)}`);
  server = await startTestServer({ data: ':memory:', webhooks: [`1:${SECRET}:booking,crm,user`] });
  const params = parsedBody(example);
  await scenario.seed?.(server, params);
  let sent = oauth ? withToken(example, await accessToken(server, ['booking', 'crm', 'user'])) : example;
  if (!oauth && example.url.startsWith(OAUTH_BASE) && !example.url.startsWith(WEBHOOK_BASE)) {
    // Two pages' OAuth examples carry no token at all: as written they are refused, as Bitrix24 refuses them.
    const refused = await runExample(server, example);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('NO_AUTH_FOUND');
    const token = await accessToken(server, ['booking', 'crm', 'user']);
    sent = { ...example, body: JSON.stringify({ ...parsedBody(example), auth: token }) };
  }
  const reply = await runExample(server, sent);
  if (reply.status === 200) expect(Object.keys(reply.body)).toContain('time');
  scenario.check(reply, params);
}

describe('the CRM and user doc pages', () => {
  it('are in the fixture, with a scenario for every method they call', () => {
    expect(PAGES.length).toBeGreaterThanOrEqual(30);
    for (const example of examples) expect(Object.keys(scenarios), example.name).toContain(restMethod(example));
  });

  it.each(examples.filter((e) => e.kind === 'Webhook').map((e) => [e.name, e] as const))(
    '%s runs as written',
    (_, example) => runScenario(example, false),
  );

  it.each(examples.filter((e) => e.kind === 'OAuth').map((e) => [e.name, e] as const))(
    '%s runs with a real access token',
    (_, example) => runScenario(example, true),
  );
});
