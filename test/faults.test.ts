/**
 * Fault injection per portal: rules that answer a call with the errors Bitrix24 really answers,
 * delay it, or drop its connection, before the method runs or after it committed.
 */
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededDraw } from '../src/faults/rules.js';
import type { PortalHandle } from '../src/portals/handle.js';
import { type CliServer, callRest, killAll, ROOT, runNode, startCli, tempDataDir } from './support/cli.js';
import { freshPostgresDatabase, readReply, TEST_DATABASE, type TestServer, useServer } from './support/server.js';

const server = useServer();

function admin(path: string, method = 'GET', body?: unknown) {
  return fetch(`${server().url}/_admin/${path}`, {
    method,
    headers: { authorization: `Bearer ${server().server.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(readReply);
}

const addRule = async (rule: unknown, portal = 'default') => {
  const reply = await admin(`portals/${portal}/faults`, 'POST', rule);
  expect(reply.status, reply.text).toBe(201);
  return reply.body as { id: number; fired: number };
};

const rulesOf = async (portal = 'default') => (await admin(`portals/${portal}/faults`)).body.rules as unknown[];

const notes = async (t: TestServer = server()) =>
  ((await t.call('booking.v1.waitlist.list')).body.result.waitList as { note: string }[]).map((e) => e.note);

async function clearRules() {
  const reply = await admin('faults', 'DELETE');
  expect(reply.status, reply.text).toBe(200);
}

/**
 * Each preset as the real server answers it: system-errors.md (503 QUERY_LIMIT_EXCEEDED, 500
 * INTERNAL_SERVER_ERROR, 401 expired_token, with the OAuth library's full stop), limits.md and
 * real-server.md section 7 (429 OPERATION_TIME_LIMIT, 403 ACCESS_DENIED "Access denied!"),
 * real-server.md section 2 (the booking module's BookingDisabled filter: code "0", HTTP 400).
 * No error body of the real server carries `time`.
 */
const REAL_ANSWERS = [
  ['QUERY_LIMIT_EXCEEDED', 503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests'],
  ['OPERATION_TIME_LIMIT', 429, 'OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.'],
  ['expired_token', 401, 'expired_token', 'The access token provided has expired.'],
  ['INTERNAL_SERVER_ERROR', 500, 'INTERNAL_SERVER_ERROR', 'Internal server error'],
  ['ACCESS_DENIED', 403, 'ACCESS_DENIED', 'Access denied!'],
  ['BOOKING_DISABLED', 400, '0', 'Booking tool is disabled. Please contact your administrator.'],
] as const;

describe('fault presets', () => {
  it.each(REAL_ANSWERS)(
    '%s answers %i {"error": "%s", ...} as the real server does, and the method does not run',
    async (preset, status, code, text) => {
      await clearRules();
      const rule = await addRule({ method: 'booking.v1.waitlist.add', error: preset, times: 1 });
      const reply = await server().call('booking.v1.waitlist.add', { fields: { note: `not with ${preset}` } });
      expect(reply.status, reply.text).toBe(status);
      expect(reply.body).toEqual({ error: code, error_description: text });
      expect(await notes()).not.toContain(`not with ${preset}`);
      expect((await admin(`faults/${rule.id}`)).body.fired).toBe(1);
      // Spent: the next call runs.
      expect((await server().call('booking.v1.waitlist.add', { fields: { note: 'after' } })).status).toBe(200);
    },
  );

  it('GET .../faults/presets lists every preset with the status, code and text it answers', async () => {
    const reply = await admin('portals/default/faults/presets');
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.presets).toEqual(
      REAL_ANSWERS.map(([name, status, error, error_description]) => ({ name, status, error, error_description })),
    );
    expect((await admin('faults/presets')).body).toEqual(reply.body);
    expect((await fetch(`${server().url}/_admin/faults/presets`)).status).toBe(401);
  });

  it('each preset answers byte for byte as this server answers its real cause', async () => {
    await clearRules();
    const portal = await server().server.createPortal({
      name: 'causes',
      webhooks: ['1:causessecret0001'],
      settings: { rateLimit: '1:0.001', bookingEnabled: false },
    });
    const hook = portal.webhookUrl as string;
    const post = (url: string, params: Record<string, unknown> = {}) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
      }).then(readReply);
    const list = () => post(`${hook}booking.v1.waitlist.list`);
    // The real causes: the booking tool off, a full bucket, an operating limit spent, an expired token.
    const real: Record<string, { status: number; text: string }> = {};
    real.BOOKING_DISABLED = await list();
    real.QUERY_LIMIT_EXCEEDED = await list();
    await portal.settings({ rateLimit: 'off', bookingEnabled: true, operatingLimit: 0.000001 });
    expect((await list()).status).toBe(200);
    real.OPERATION_TIME_LIMIT = await list();
    await portal.settings({ operatingLimit: 'off' });
    const app = await portal.addApp({ name: 'expiring', scopes: ['booking'], handler: 'https://app.example.com/' });
    const approved = await fetch(`${server().url}/oauth/authorize/?client_id=${app.client_id}&state=s`, {
      headers: { authorization: `Bearer ${server().server.adminToken}` },
      redirect: 'manual',
    });
    const code = new URL(approved.headers.get('location') as string).searchParams.get('code') as string;
    const tokens = await fetch(
      `${server().url}/oauth/token/?${new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: app.client_id,
        client_secret: app.client_secret,
        code,
      })}`,
    ).then(readReply);
    const withToken = () => post(`${server().url}/rest/booking.v1.waitlist.list`, { auth: tokens.body.access_token });
    expect((await withToken()).status).toBe(200);
    await portal.clock.advance(3601);
    real.expired_token = await withToken();
    await portal.clock.advance(-3601);
    expect(Object.values(real).map((r) => r.status)).toEqual([400, 503, 429, 401]);

    for (const [preset, answer] of Object.entries(real)) {
      await portal.faults.add({ method: 'booking.v1.waitlist.list', error: preset, times: 1 });
      const faulted = preset === 'expired_token' ? await withToken() : await list();
      expect([preset, faulted.status, faulted.text]).toEqual([preset, answer.status, answer.text]);
    }
    await portal.remove();
  });

  it('a rule of its own answers with its status, code and text', async () => {
    await clearRules();
    await addRule({
      method: 'booking.v1.waitlist.get',
      error: { status: 502, error: 'BAD_GATEWAY', error_description: 'upstream went away' },
    });
    const reply = await server().call('booking.v1.waitlist.get', { id: 1 });
    expect([reply.status, reply.body]).toEqual([
      502,
      { error: 'BAD_GATEWAY', error_description: 'upstream went away' },
    ]);
  });
});

describe('when and how often', () => {
  it('matches methods by a case-insensitive glob; "*" and no method match every call', async () => {
    await clearRules();
    await addRule({ method: 'BOOKING.v1.waitlist.{add,update}', error: 'INTERNAL_SERVER_ERROR' });
    expect((await server().call('booking.v1.WaitList.Add', { fields: { note: 'x' } })).status).toBe(500);
    expect((await server().call('booking.v1.waitlist.list')).status).toBe(200);
    await clearRules();
    await addRule({ error: 'ACCESS_DENIED' });
    expect((await server().call('crm.deal.list')).status).toBe(403);
    expect((await server().call('booking.v1.waitlist.list')).status).toBe(403);
    await clearRules();
    expect((await server().call('booking.v1.waitlist.list')).status).toBe(200);
  });

  it('times: fires that often, then the calls run; the spent rule stays listed with fired', async () => {
    await clearRules();
    const rule = await addRule({ method: 'booking.v1.waitlist.list', error: 'QUERY_LIMIT_EXCEEDED', times: 2 });
    expect(rule).toEqual({
      id: rule.id,
      method: 'booking.v1.waitlist.list',
      error: 'QUERY_LIMIT_EXCEEDED',
      probability: 1,
      times: 2,
      fired: 0,
    });
    // In the order the fields are documented.
    expect(Object.keys(rule)).toEqual(['id', 'method', 'error', 'probability', 'times', 'fired']);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await server().call('booking.v1.waitlist.list')).status);
    expect(statuses).toEqual([503, 503, 200, 200]);
    expect(await rulesOf()).toEqual([{ ...rule, fired: 2 }]);
  });

  it('probability with a seed meets the same calls run after run, as the seed draws them', async () => {
    const pattern = async (seed: number) => {
      await clearRules();
      await addRule({ method: 'booking.v1.waitlist.list', error: 'INTERNAL_SERVER_ERROR', probability: 0.4, seed });
      const out: number[] = [];
      for (let i = 0; i < 24; i++) out.push((await server().call('booking.v1.waitlist.list')).status);
      return out;
    };
    const first = await pattern(2024);
    const second = await pattern(2024);
    expect(second).toEqual(first);
    // Each call is the seed's next draw: fired where it falls under the probability.
    expect(first).toEqual(Array.from({ length: 24 }, (_, n) => (seededDraw(2024, n) < 0.4 ? 500 : 200)));
    expect(first).toContain(500);
    expect(first).toContain(200);
    const other = await pattern(7);
    expect(other).not.toEqual(first);
    const [rule] = (await rulesOf()) as { fired: number }[];
    expect(rule?.fired).toBe(other.filter((status) => status === 500).length);
  });

  it('probability 0 never fires', async () => {
    await clearRules();
    await addRule({ method: 'booking.v1.waitlist.list', error: 'INTERNAL_SERVER_ERROR', probability: 0 });
    for (let i = 0; i < 5; i++) expect((await server().call('booking.v1.waitlist.list')).status).toBe(200);
    expect(((await rulesOf()) as { fired: number }[])[0]?.fired).toBe(0);
  });

  it('after "commit": the write happens, the client sees the error', async () => {
    await clearRules();
    await addRule({ method: 'booking.v1.waitlist.add', error: 'QUERY_LIMIT_EXCEEDED', after: 'commit', times: 1 });
    const reply = await server().call('booking.v1.waitlist.add', { fields: { note: 'written, answer lost' } });
    expect([reply.status, reply.body]).toEqual([
      503,
      { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' },
    ]);
    expect(await notes()).toContain('written, answer lost');
  });

  it('drop closes the connection without an answer, and nothing changes', async () => {
    await clearRules();
    await addRule({ method: 'booking.v1.waitlist.add', drop: true, times: 1 });
    await expect(
      callRest(`${server().hook}booking.v1.waitlist.add`, { fields: { note: 'dropped before' } }),
    ).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await notes()).not.toContain('dropped before');
  });

  it('drop after "commit" is a lost response: no answer, and the record exists', async () => {
    await clearRules();
    await addRule({ method: 'booking.v1.waitlist.add', drop: true, after: 'commit', times: 1 });
    await expect(
      callRest(`${server().hook}booking.v1.waitlist.add`, { fields: { note: 'dropped after' } }),
    ).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await notes()).toContain('dropped after');
    // The server goes on answering on new connections.
    expect((await server().call('booking.v1.waitlist.list')).status).toBe(200);
  });

  it('latencyMs delays the real answer', async () => {
    await clearRules();
    await addRule({ method: 'booking.v1.waitlist.add', latencyMs: 400, times: 1 });
    const t0 = performance.now();
    const slow = await server().call('booking.v1.waitlist.add', { fields: { note: 'late' } });
    const slowMs = performance.now() - t0;
    expect(slow.status, slow.text).toBe(200);
    expect(typeof slow.body.result).toBe('number');
    // Timers may fire a fraction of a millisecond early against performance.now().
    expect(slowMs).toBeGreaterThanOrEqual(398);
    expect(await notes()).toContain('late');
  });

  it('latencyMs with an error: the error comes late, and the method does not run', async () => {
    await clearRules();
    await addRule({ method: 'booking.v1.waitlist.add', latencyMs: 300, error: 'INTERNAL_SERVER_ERROR', times: 1 });
    const t0 = performance.now();
    const reply = await server().call('booking.v1.waitlist.add', { fields: { note: 'late error' } });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(298);
    expect(reply.status).toBe(500);
    expect(await notes()).not.toContain('late error');
  });
});

describe('faults inside batch', () => {
  const cmd = (note: string) => `booking.v1.waitlist.add?fields[note]=${note}`;

  it('matches each command of a batch on its own', async () => {
    await clearRules();
    await addRule({ method: 'booking.v1.waitlist.add', error: 'QUERY_LIMIT_EXCEEDED', times: 2 });
    const reply = await server().call('batch', {
      cmd: { a: cmd('b-one'), b: cmd('b-two'), c: cmd('b-three'), d: 'booking.v1.waitlist.list' },
    });
    expect(reply.status, reply.text).toBe(200);
    const limited = { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' };
    expect(reply.body.result.result_error).toEqual({ a: limited, b: limited });
    expect(Object.keys(reply.body.result.result)).toEqual(['c', 'd']);
    const all = await notes();
    expect(all).toContain('b-three');
    expect(all).not.toContain('b-one');
    expect(all).not.toContain('b-two');
  });

  it('a rule matching "batch" answers for the whole batch, as the real limit does', async () => {
    await clearRules();
    await addRule({ method: 'batch', error: 'QUERY_LIMIT_EXCEEDED', times: 1 });
    const reply = await server().call('batch', { cmd: { a: cmd('never') } });
    expect(reply.status).toBe(503);
    expect(await notes()).not.toContain('never');
  });

  it('after "commit" on a command: it is written, its entry in result_error says the error', async () => {
    await clearRules();
    await addRule({ method: 'booking.v1.waitlist.add', error: 'INTERNAL_SERVER_ERROR', after: 'commit', times: 1 });
    const reply = await server().call('batch', { cmd: { a: cmd('cmd-committed') } });
    expect(reply.body.result.result_error).toEqual({
      a: { error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' },
    });
    expect(await notes()).toContain('cmd-committed');
  });

  it('drop on a command drops the whole batch: the commands before it ran, it and those after did not', async () => {
    await clearRules();
    await addRule({ method: 'booking.v1.waitlist.update', drop: true, times: 1 });
    await expect(
      callRest(`${server().hook}batch`, {
        cmd: {
          a: cmd('before-drop'),
          b: 'booking.v1.waitlist.update?id=$result[a]&fields[note]=x',
          c: cmd('after-drop'),
        },
      }),
    ).rejects.toThrow(/socket hang up|ECONNRESET/);
    const all = await notes();
    expect(all).toContain('before-drop');
    expect(all).not.toContain('after-drop');
  });

  it('latency on a command delays the batch by it', async () => {
    await clearRules();
    await addRule({ method: 'booking.v1.waitlist.list', latencyMs: 250, times: 2 });
    const t0 = performance.now();
    const reply = await server().call('batch', { cmd: ['booking.v1.waitlist.list', 'booking.v1.waitlist.list'] });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(498);
    expect(reply.body.result.result_error).toEqual([]);
  });
});

describe('per portal', () => {
  let other: PortalHandle;
  beforeAll(async () => {
    other = await server().server.createPortal({ name: 'faulty', webhooks: ['1:faultysecret0001'] });
  });

  it("a portal's rules meet only that portal's calls", async () => {
    await clearRules();
    const rule = await other.faults.add({ error: 'INTERNAL_SERVER_ERROR' });
    const otherCall = await fetch(`${other.webhookUrl}booking.v1.waitlist.list`, { method: 'POST' }).then(readReply);
    expect(otherCall.status).toBe(500);
    expect((await server().call('booking.v1.waitlist.list')).status).toBe(200);
    expect(await rulesOf('default')).toEqual([]);
    expect(await rulesOf('faulty')).toEqual([{ ...rule, fired: 1 }]);
    expect(await other.faults.clear()).toBe(1);
    const after = await fetch(`${other.webhookUrl}booking.v1.waitlist.list`, { method: 'POST' }).then(readReply);
    expect(after.status).toBe(200);
  });

  it("the unprefixed /_admin/faults is the default portal's; DELETE of one rule leaves the others", async () => {
    await clearRules();
    const a = await addRule({ method: 'a.*', latencyMs: 1 });
    const b = await addRule({ method: 'b.*', latencyMs: 1 }, 'default');
    expect((await admin('portals/default/faults')).body.rules.map((r: { id: number }) => r.id)).toEqual([a.id, b.id]);
    expect((await admin(`faults/${a.id}`, 'DELETE')).status).toBe(200);
    expect((await admin('faults')).body.rules.map((r: { id: number }) => r.id)).toEqual([b.id]);
    expect((await admin(`portals/faulty/faults/${b.id}`, 'DELETE')).status).toBe(404);
    expect((await admin('faults')).body.rules).toHaveLength(1);
  });

  it('a reset or a snapshot load leaves the rules as they are', async () => {
    await clearRules();
    await addRule({ method: 'nothing.calls.this', latencyMs: 1 });
    expect((await admin('snapshots/before-faults', 'POST')).status).toBe(200);
    await addRule({ method: 'nothing.calls.this.either', latencyMs: 1 });
    expect((await admin('reset', 'POST')).status).toBe(200);
    expect((await admin('snapshots/before-faults/load', 'POST')).status).toBe(200);
    expect(await rulesOf()).toHaveLength(2);
  });
});

describe('bad rules are refused, and nothing is stored or removed', () => {
  const BAD: [string, unknown, RegExp][] = [
    [
      'an unknown preset (the answer lists the valid ones)',
      { error: 'SLOW_DOWN' },
      /QUERY_LIMIT_EXCEEDED, OPERATION_TIME_LIMIT, expired_token, INTERNAL_SERVER_ERROR, ACCESS_DENIED, BOOKING_DISABLED/,
    ],
    ['a probability above 1', { error: 'ACCESS_DENIED', probability: 1.5 }, /probability/],
    ['a probability below 0', { error: 'ACCESS_DENIED', probability: -0.1 }, /probability/],
    ['a probability that is text', { error: 'ACCESS_DENIED', probability: '0.5' }, /probability/],
    ['negative times', { error: 'ACCESS_DENIED', times: -1 }, /times/],
    ['times 0', { error: 'ACCESS_DENIED', times: 0 }, /times/],
    ['negative latencyMs', { latencyMs: -5 }, /latencyMs/],
    ['latencyMs past ten minutes', { latencyMs: 600_001 }, /latencyMs/],
    ['an unclosed [ in the glob', { method: 'booking.[abc', error: 'ACCESS_DENIED' }, /not closed/],
    ['an unclosed { in the glob', { method: 'booking.{add,list', error: 'ACCESS_DENIED' }, /not closed/],
    ['a space in the glob', { method: 'booking v1', error: 'ACCESS_DENIED' }, /glob/],
    ['an empty glob', { method: '', error: 'ACCESS_DENIED' }, /glob/],
    ['a rule that does nothing', { method: '*' }, /error.*latencyMs.*drop/],
    ['error and drop together', { error: 'ACCESS_DENIED', drop: true }, /exclude/],
    ['after other than "commit"', { error: 'ACCESS_DENIED', after: 'rollback' }, /after/],
    ['an unknown field', { error: 'ACCESS_DENIED', latency: 5 }, /Unknown field "latency"/],
    ['an own error without a description', { error: { status: 500, error: 'X' } }, /error_description/],
    ['an own error with status 200', { error: { status: 200, error: 'X', error_description: 'y' } }, /400-599/],
    ['a seed that is not a whole number', { error: 'ACCESS_DENIED', seed: 1.5 }, /seed/],
    ['a body that is a list', [], /JSON object/],
  ];

  it.each(BAD)('%s: 400 INVALID_FAULT', async (_name, rule, message) => {
    await clearRules();
    const kept = await addRule({ method: 'kept.rule', latencyMs: 1 });
    const reply = await admin('faults', 'POST', rule);
    expect(reply.status, reply.text).toBe(400);
    expect(reply.body.error).toBe(Array.isArray(rule) ? 'INVALID_JSON' : 'INVALID_FAULT');
    expect(reply.body.error_description).toMatch(message);
    expect(await rulesOf()).toEqual([kept]);
  });

  it.each(['999999', 'abc', '0', '-1'])(
    'DELETE and GET of rule id %s: 404 FAULT_NOT_FOUND, nothing removed',
    async (id) => {
      await clearRules();
      const kept = await addRule({ method: 'kept.rule', latencyMs: 1 });
      for (const method of ['DELETE', 'GET']) {
        const reply = await admin(`faults/${id}`, method);
        expect([reply.status, reply.body.error], reply.text).toEqual([404, 'FAULT_NOT_FOUND']);
      }
      expect(await rulesOf()).toEqual([kept]);
    },
  );

  it('faults of a portal that does not exist: 404', async () => {
    const reply = await admin('portals/nosuch/faults', 'POST', { error: 'ACCESS_DENIED' });
    expect(reply.status).toBe(404);
  });

  it('startServer(): faults.add refuses the same rules, storing nothing', async () => {
    await clearRules();
    const portal = server().server.portal('default');
    await expect(portal.faults.add({ error: 'NOPE' })).rejects.toThrow(/Unknown preset "NOPE"/);
    expect(await portal.faults.list()).toEqual([]);
  });
});

describe('@bitrix24/b24jssdk against QUERY_LIMIT_EXCEEDED', () => {
  const tls = useServer({ tls: 'self-signed' });

  /** GET over HTTPS, trusting the server's own certificate. */
  function getText(url: string, token: string, ca: string): Promise<string> {
    return new Promise((resolve, reject) => {
      httpsGet(url, { headers: { authorization: `Bearer ${token}` }, ca }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
  }

  it('retries through a rule with times 2 and succeeds; the server saw three calls', async () => {
    const { server: running } = tls();
    const certPath = running.certPath as string;
    const ca = await import('node:fs').then((fs) => fs.readFileSync(certPath, 'utf8'));
    const rule = await running.portal('default').faults.add({
      method: 'booking.v1.waitlist.list',
      error: 'QUERY_LIMIT_EXCEEDED',
      times: 2,
    });
    const run = await runNode(
      join(ROOT, 'test', 'support', 'jssdk-client.mjs'),
      [tls().hook, JSON.stringify([{ method: 'booking.v1.waitlist.list' }]), JSON.stringify({ maxRetries: 3 })],
      { NODE_EXTRA_CA_CERTS: certPath },
    );
    const line = /^RESULT (.*)$/m.exec(run.stdout)?.[1];
    expect(line, run.stdout + run.stderr).toBeDefined();
    const { calls } = JSON.parse(line as string) as { calls: { result?: unknown; error?: unknown }[] };
    expect(calls).toEqual([{ result: { waitList: [] } }]);
    expect((await running.portal('default').faults.list()).find((r) => r.id === rule.id)?.fired).toBe(2);
    // The server's own count of what it answered.
    const metrics = await getText(`${running.url}/metrics`, running.adminToken, ca);
    const count = (status: number) =>
      Number(
        new RegExp(`b24_requests_total\\{method="booking\\.v1\\.waitlist\\.list",status="${status}"\\} (\\d+)`).exec(
          metrics,
        )?.[1] ?? 0,
      );
    expect([count(503), count(200)], metrics).toEqual([2, 1]);
    // The journal shows the three calls, the two refused ones marked with the rule.
    const entries = (await running.portal('default').journal({ method: 'booking.v1.waitlist.list' })).slice(-3);
    expect(entries.map((e) => [e.status, e.fault])).toEqual([
      [503, rule.id],
      [503, rule.id],
      [200, undefined],
    ]);
  });
});

describe('fired rules in the journal', () => {
  it('marks the entry of a call, of a batch command and of a dropped call with the rule that fired', async () => {
    await clearRules();
    const portal = server().server.portal('default');
    await portal.clearJournal();
    const refused = await addRule({ method: 'booking.v1.waitlist.get', error: 'ACCESS_DENIED', times: 2 });
    expect((await server().call('booking.v1.waitlist.get', { id: 1 })).status).toBe(403);
    const batch = await server().call('batch', {
      cmd: { a: 'booking.v1.waitlist.get?id=1', b: 'server.time' },
    });
    expect(batch.body.result.result_error.a.error).toBe('ACCESS_DENIED');
    const dropped = await addRule({ method: 'booking.v1.waitlist.add', drop: true, after: 'commit', times: 1 });
    await expect(server().call('booking.v1.waitlist.add', { fields: { note: 'lost' } })).rejects.toThrow();
    const entries = await portal.journal();
    const marks = entries.map((e) => [e.method, e.status, e.fault, e.batchId === undefined ? '' : 'in batch']);
    expect(marks).toEqual([
      ['booking.v1.waitlist.get', 403, refused.id, ''],
      ['batch', 200, undefined, ''],
      ['booking.v1.waitlist.get', 403, refused.id, 'in batch'],
      ['server.time', 200, undefined, 'in batch'],
      ['booking.v1.waitlist.add', 444, dropped.id, ''],
    ]);
    // The lost response's write happened.
    expect(await notes()).toContain('lost');
    await clearRules();
  });
});

// A rule added or removed through one worker is told to the other before it is answered: no waiting.
describe("serve --workers 2: the rules and their counters are the store's, not a process's", () => {
  let cli: CliServer;
  let token: string;
  const hookUrl = () => `${cli.url}/rest/1/workerfaults0001/`;
  beforeAll(async () => {
    const store =
      TEST_DATABASE === 'postgres' ? ['--database', await freshPostgresDatabase()] : ['--data', tempDataDir()];
    cli = await startCli(['--port', '0', ...store, '--webhook', '1:workerfaults0001:booking,crm', '--workers', '2']);
    token = /^Admin token: (\S+)/m.exec(cli.stdout)?.[1] as string;
  });
  afterAll(async () => {
    await killAll();
  });

  const cliAdmin = (path: string, method: string, body?: unknown) =>
    fetch(`${cli.url}/_admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(readReply);
  /** One call after another, each on a connection of its own (the workers take them in turn). */
  async function statuses(count: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push((await callRest(`${hookUrl()}booking.v1.waitlist.list`)).status);
    return out;
  }

  it('times counts the firings of every worker together', async () => {
    // Every worker has read the rules (none) before one is added through one of them.
    expect(await statuses(4)).toEqual(Array(4).fill(200));
    const added = await cliAdmin('faults', 'POST', {
      method: 'booking.v1.waitlist.list',
      error: 'QUERY_LIMIT_EXCEEDED',
      times: 5,
    });
    expect(added.status, added.text).toBe(201);
    expect(await statuses(10)).toEqual([503, 503, 503, 503, 503, 200, 200, 200, 200, 200]);
    expect((await cliAdmin('faults', 'GET')).body.rules[0].fired).toBe(5);
    // The request log names the rule that fired on a call.
    const faulted = cli.stdout
      .split('\n')
      .filter((line) => line.includes('"msg":"request"') && line.includes('"fault":'))
      .map((line) => JSON.parse(line) as { status: number; fault: number });
    expect(faulted.map(({ status, fault }) => [status, fault])).toEqual(Array(5).fill([503, added.body.id]));
  });

  it('a seeded probability draws one sequence across the workers', async () => {
    await cliAdmin('faults', 'DELETE');
    await cliAdmin('faults', 'POST', {
      method: 'booking.v1.*',
      error: 'INTERNAL_SERVER_ERROR',
      probability: 0.5,
      seed: 11,
    });
    expect(await statuses(16)).toEqual(Array.from({ length: 16 }, (_, n) => (seededDraw(11, n) < 0.5 ? 500 : 200)));
  });

  it('a removed rule fires in no worker, at once', async () => {
    await cliAdmin('faults', 'POST', { method: 'booking.v1.*', error: 'ACCESS_DENIED' });
    expect(await statuses(4)).not.toContain(200);
    expect((await cliAdmin('faults', 'DELETE')).status).toBe(200);
    expect(await statuses(6)).toEqual(Array(6).fill(200));
  });
});
