/**
 * One runner for the doc pages' cURL examples: each example runs as written (from the fixture)
 * against a fresh server on which its scenario first creates the ids it names; the answer must
 * be the one the real server sends (`result`, `total: 0` on booking lists, key order, `time`).
 * Webhook examples run through the test webhook. OAuth examples run twice: as written, with the
 * placeholder token (401 invalid_token, nothing changes), and with a real access token of a
 * local application obtained through the OAuth dance (src/oauth) put in place of the
 * placeholder.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { registerApp } from '../../src/oauth/grants.js';
import { ACCESS_TOKEN, bodyParams, type CurlExample, curlExamples, restMethod, runExample } from './doc-examples.js';
import { startTestServer, type TestServer } from './server.js';
import { storedState } from './state.js';

export type Params = Record<string, unknown>;

export interface Scenario {
  /** Puts on the server what the example refers to (the ids it names). */
  seed(server: TestServer, params: Params): Promise<void>;
  /** The answer besides `time`: `result`, and `total` on lists. */
  answer(params: Params): { result: unknown; total?: 0 };
  /** Reads back what the example changed. */
  verify?(server: TestServer, params: Params): Promise<void>;
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

/** A real access token (scopes booking, crm unless given) of a new local application, through both OAuth steps. */
export async function accessToken(server: TestServer, scopes = ['booking', 'crm']): Promise<string> {
  const app = await registerApp(server.server.store, { name: 'Doc examples', scopes }, Date.now());
  const approval = await fetch(`${server.url}/oauth/authorize/?client_id=${app.client_id}&state=s`, {
    headers: { authorization: `Bearer ${server.server.adminToken}` },
    redirect: 'manual',
  });
  const { code } = (await approval.json()) as { code: string };
  const query = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: app.client_id,
    client_secret: app.client_secret,
    code,
  });
  const grant = (await (await fetch(`${server.url}/oauth/token/?${query}`)).json()) as { access_token: string };
  return grant.access_token;
}

/** The example with the placeholder token replaced by a real one; nothing else changes. */
export const withToken = (example: CurlExample, token: string): CurlExample => ({
  ...example,
  url: example.url.replace(ACCESS_TOKEN, token),
  body: example.body?.replace(ACCESS_TOKEN, token),
});

export interface DocPages {
  pages: readonly string[];
  scenarios: Record<string, Scenario>;
}

export function runDocExamples({ pages, scenarios }: DocPages): void {
  const examples = pages.flatMap(curlExamples);
  let server: TestServer | undefined;
  const freshServer = async () => {
    await server?.server.close();
    server = await startTestServer({ data: ':memory:' });
    return server;
  };
  const scenarioOf = (example: CurlExample) => {
    const scenario = scenarios[restMethod(example)];
    if (!scenario) throw new Error(`${example.name}: no scenario for ${restMethod(example)}`);
    return scenario;
  };

  /** Seeds a fresh server, runs the example, and checks the answer the real server would give. */
  async function expectDocumentedAnswer(example: CurlExample, oauth: boolean) {
    const scenario = scenarioOf(example);
    const params = bodyParams(example);
    const srv = await freshServer();
    await scenario.seed(srv, params);
    const sent = oauth ? withToken(example, await accessToken(srv)) : example;

    const reply = await runExample(srv, sent);

    expect(reply.status, reply.text).toBe(200);
    const { result, total } = scenario.answer(params);
    expect(reply.body.result).toEqual(result);
    expect(Object.keys(reply.body)).toEqual(total === undefined ? ['result', 'time'] : ['result', 'total', 'time']);
    if (total !== undefined) expect(reply.body.total).toBe(total);
    // The real server sends keys in natural order.
    expect(JSON.stringify(reply.body.result)).toBe(JSON.stringify(result));
    expectTimeObject(reply.body.time);
    await scenario.verify?.(srv, params);
  }

  afterEach(async () => {
    await server?.server.close();
    server = undefined;
  });

  describe('the doc pages', () => {
    it('hold one webhook and one OAuth cURL example on each page, each with a scenario', () => {
      expect(examples.map((e) => `${e.page} ${e.kind}`).sort()).toEqual(
        pages.flatMap((page) => [`${page} OAuth`, `${page} Webhook`]).sort(),
      );
      for (const example of examples) {
        expect(example.httpMethod, example.name).toBe('POST');
        expect(example.headers['Content-Type'], example.name).toBe('application/json');
        expect(Object.keys(scenarios), example.name).toContain(restMethod(example));
      }
    });
  });

  const webhookExamples = examples.filter((e) => e.kind === 'Webhook').map((e) => [e.name, e] as const);
  const oauthExamples = examples.filter((e) => e.kind === 'OAuth').map((e) => [e.name, e] as const);

  describe('webhook examples', () => {
    it.each(webhookExamples)('%s answers as the real server does', (_, example) =>
      expectDocumentedAnswer(example, false),
    );
  });

  describe('OAuth examples', () => {
    it.each(oauthExamples)('%s, as written, is refused with 401 invalid_token and changes nothing', async (_, e) => {
      const srv = await freshServer();
      await scenarioOf(e).seed(srv, bodyParams(e));
      const before = await storedState(srv);

      const reply = await runExample(srv, e);

      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({
        error: 'invalid_token',
        error_description: 'The access token provided is invalid.',
      });
      expect(await storedState(srv)).toEqual(before);
    });

    it.each(oauthExamples)('%s, with a real access token, answers as the real server does', (_, example) =>
      expectDocumentedAnswer(example, true),
    );
  });
}
