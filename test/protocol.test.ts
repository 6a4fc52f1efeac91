/** The REST protocol as any Bitrix24 client meets it: URLs, encodings, auth, envelope, errors. */
import { describe, expect, it } from 'vitest';
import { SECRET, useServer } from './support/server.js';

const server = useServer();

async function addEntry(note = 'Note'): Promise<number> {
  const reply = await server().call('booking.v1.waitlist.add', { fields: { note } });
  expect(reply.status).toBe(200);
  return reply.body.result as number;
}

describe('URLs', () => {
  it('routes every path form a client uses to the same method', async () => {
    const id = await addEntry('paths');
    const base = server().url;
    const forms = [
      `/rest/1/${SECRET}/booking.v1.waitlist.get`,
      `/rest/1/${SECRET}/booking.v1.waitlist.get.json`,
      `/rest/1/${SECRET}//booking.v1.waitlist.get/`,
      `/rest/1/${SECRET}/booking.v1.waitlist.get?bx24_request_id=abc&bx24_sdk_ver=2.2.0&bx24_sdk_type=b24-js-sdk`,
    ];
    for (const path of forms) {
      const reply = await server().request(base + path, { id });
      expect(reply.status, path).toBe(200);
      expect(reply.body.result, path).toEqual({ waitList: { id, note: 'paths' } });
    }
  });

  it('matches method names case-insensitively', async () => {
    const id = await addEntry();
    for (const name of [
      'booking.v1.waitlist.externalData.set',
      'booking.v1.waitlist.externaldata.set',
      'BOOKING.V1.WAITLIST.EXTERNALDATA.SET',
    ]) {
      const reply = await server().call(name, {
        waitListId: id,
        externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: '7' }],
      });
      expect(reply.status, name).toBe(200);
      expect(reply.body.result).toBe(true);
    }
  });

  it('answers an unknown method with 404 ERROR_METHOD_NOT_FOUND', async () => {
    const reply = await server().call('booking.v1.waitlist.nothing', {});
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' });
  });
});

describe('encodings', () => {
  it('gives the same answer for JSON, form and query-string parameters', async () => {
    const id = await addEntry();
    const params = {
      waitListId: id,
      externalData: [
        { moduleId: 'crm', entityTypeId: 'DEAL', value: '1' },
        { moduleId: 'crm', entityTypeId: 'DEAL', value: '2' },
      ],
    };
    for (const encoding of ['json', 'form', 'query'] as const) {
      const set = await server().call('booking.v1.waitlist.externalData.set', params, encoding);
      expect(set.status, encoding).toBe(200);
      expect(set.body.result).toBe(true);
      const list = await server().call('booking.v1.waitlist.externalData.list', { waitListId: id }, encoding);
      expect(list.body.result, encoding).toEqual({
        externalData: [
          { entityTypeId: 'DEAL', moduleId: 'crm', value: '1' },
          { entityTypeId: 'DEAL', moduleId: 'crm', value: '2' },
        ],
      });
    }
  });

  it('reads PHP-style nested form keys as written by http_build_query', async () => {
    const id = await addEntry();
    const body = `waitListId=${id}&externalData%5B0%5D%5BmoduleId%5D=crm&externalData%5B0%5D%5BentityTypeId%5D=DEAL&externalData%5B0%5D%5Bvalue%5D=42`;
    const res = await fetch(`${server().hook}booking.v1.waitlist.externalData.set.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(res.status).toBe(200);
    const list = await server().call('booking.v1.waitlist.externalData.list', { waitListId: id });
    expect(list.body.result.externalData).toEqual([{ entityTypeId: 'DEAL', moduleId: 'crm', value: '42' }]);
  });

  it('reads multipart/form-data fields with PHP-style nesting, ignoring files', async () => {
    const id = await addEntry();
    const form = new FormData();
    form.append('waitListId', String(id));
    form.append('externalData[0][moduleId]', 'crm');
    form.append('externalData[0][entityTypeId]', 'DEAL');
    form.append('externalData[0][value]', 'Ünïcode 9');
    form.append('attachment', new Blob([Buffer.from([0xff, 0x00, 0xfe])]), 'binary.bin');
    const res = await fetch(`${server().hook}booking.v1.waitlist.externalData.set`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const list = await server().call('booking.v1.waitlist.externalData.list', { waitListId: id });
    expect(list.body.result.externalData).toEqual([{ entityTypeId: 'DEAL', moduleId: 'crm', value: 'Ünïcode 9' }]);
  });

  it('answers a malformed multipart body with a Bitrix-shaped 400', async () => {
    const res = await fetch(`${server().hook}booking.v1.waitlist.add`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data' },
      body: 'no boundary here',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'ERROR_ARGUMENT',
      error_description: 'Malformed multipart/form-data body',
    });
  });

  it('merges the query string with the body, the body winning', async () => {
    const id = await addEntry('query');
    const reply = await server().request(`${server().hook}booking.v1.waitlist.get?id=999999`, { id });
    expect(reply.body.result.waitList.id).toBe(id);
  });

  it('accepts a JSON [] body as no parameters', async () => {
    const res = await fetch(`${server().hook}booking.v1.waitlist.list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: { waitList: expect.any(Array) }, total: 0 });
  });

  it('answers a GET with no body', async () => {
    const res = await fetch(`${server().hook}booking.v1.waitlist.list.json`);
    expect(res.status).toBe(200);
  });
});

describe('the envelope', () => {
  it('carries the time object with every field clients read', async () => {
    const reply = await server().call('booking.v1.waitlist.add', { fields: { note: 'x' } });
    const time = reply.body.time;
    for (const key of ['start', 'finish', 'duration', 'processing', 'operating', 'operating_reset_at']) {
      expect(typeof time[key], key).toBe('number');
    }
    expect(time.finish).toBeGreaterThanOrEqual(time.start);
    expect(time.date_start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(time.date_finish).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(Object.keys(reply.body)).toEqual(['result', 'time']);
  });

  it('sends errors without time, with a string code', async () => {
    const reply = await server().call('booking.v1.waitlist.get', { id: 987654 });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: '1040', error_description: 'Wait list not found' });
  });
});

describe('browsers', () => {
  it('answer a CORS preflight and send CORS headers to a request with an Origin', async () => {
    const preflight = await fetch(`${server().hook}booking.v1.waitlist.list`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const withOrigin = await fetch(`${server().hook}booking.v1.waitlist.list`, {
      method: 'POST',
      headers: { origin: 'https://app.example.com', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(withOrigin.headers.get('access-control-allow-origin')).toBe('*');
    const withoutOrigin = await fetch(`${server().hook}booking.v1.waitlist.list`, { method: 'POST', body: '' });
    expect(withoutOrigin.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS', () => {
  const origin = 'https://app.example.com';
  const allowed = (res: Response) => res.headers.get('access-control-allow-origin');

  it('goes out on /rest/ and /oauth/token/ only, the paths a page calls', async () => {
    const token = await fetch(`${server().url}/oauth/token/?grant_type=password`, { headers: { origin } });
    expect(token.status).toBe(400);
    expect(allowed(token)).toBe('*');
    const tokenPreflight = await fetch(`${server().url}/oauth/token/`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(tokenPreflight.status).toBe(204);
    expect(allowed(tokenPreflight)).toBe('*');

    const admin = { authorization: `Bearer ${server().server.adminToken}` };
    for (const [path, headers] of [
      ['/_admin/clock', admin],
      ['/_admin/clock', {}],
      ['/health', {}],
      ['/metrics', admin],
      ['/oauth/authorize/?client_id=none', admin],
      ['/nowhere', {}],
    ] as [string, Record<string, string>][]) {
      const res = await fetch(`${server().url}${path}`, { headers: { ...headers, origin } });
      expect(allowed(res), `GET ${path}`).toBeNull();
      const preflight = await fetch(`${server().url}${path}`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
      expect(allowed(preflight), `OPTIONS ${path}`).toBeNull();
      expect(preflight.status, `OPTIONS ${path}`).not.toBe(204);
    }
  });
});

describe('authentication', () => {
  it('refuses a wrong webhook secret with 401 NO_AUTH_FOUND', async () => {
    const reply = await server().request(`${server().url}/rest/1/wrongsecret/booking.v1.waitlist.list`, {});
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' });
  });

  it('refuses the right secret under another user id', async () => {
    const reply = await server().request(`${server().url}/rest/2/${SECRET}/booking.v1.waitlist.list`, {});
    expect(reply.status).toBe(401);
    expect(reply.body.error).toBe('NO_AUTH_FOUND');
  });

  it('refuses a call with no credentials', async () => {
    const reply = await server().request(`${server().url}/rest/booking.v1.waitlist.list`, {});
    expect(reply.status).toBe(401);
    expect(reply.body.error).toBe('NO_AUTH_FOUND');
  });

  it('rejects an auth token it does not know as invalid_token', async () => {
    for (const url of [
      `${server().url}/rest/booking.v1.waitlist.list`,
      `${server().url}/rest/booking.v1.waitlist.list?access_token=abc`,
    ]) {
      const reply = await server().request(url, url.includes('access_token') ? {} : { auth: 'abc' });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({
        error: 'invalid_token',
        error_description: 'The access token provided is invalid.',
      });
    }
  });
});

describe('bad requests', () => {
  it('answers malformed JSON with a Bitrix-shaped 400', async () => {
    const res = await fetch(`${server().hook}booking.v1.waitlist.add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"fields": {',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.error).toBe('ERROR_ARGUMENT');
    expect(String(body.error_description)).toMatch(/^Malformed JSON body/);
  });

  it('refuses a body over the limit', async () => {
    const note = 'x'.repeat(9 * 1024 * 1024);
    const reply = await server().call('booking.v1.waitlist.add', { fields: { note } });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('ERROR_ARGUMENT');
  });

  it('refuses invalid UTF-8 with WRONG_ENCODING', async () => {
    const res = await fetch(`${server().hook}booking.v1.waitlist.add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'WRONG_ENCODING', error_description: 'Wrong request encoding' });
  });

  it('refuses parameters nested too deeply', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = { a: deep };
    const reply = await server().call('booking.v1.waitlist.add', { fields: deep });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('ERROR_ARGUMENT');
  });

  it('refuses HTTP methods other than GET and POST', async () => {
    const reply = await server().request(`${server().hook}booking.v1.waitlist.list`, {}, 'json', { method: 'PUT' });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: 'invalid_http_method', error_description: 'Wrong method for current action' });
  });
});

describe('scopes', () => {
  it('refuses a webhook without the method scope with 403 insufficient_scope', async () => {
    const { startTestServer } = await import('./support/server.js');
    const limited = await startTestServer({ webhooks: ['5:crmonlysecret000:crm'] });
    try {
      const reply = await limited.request(`${limited.url}/rest/5/crmonlysecret000/booking.v1.waitlist.list`, {});
      expect(reply.status).toBe(403);
      expect(reply.body.error).toBe('insufficient_scope');
    } finally {
      await limited.server.close();
    }
  });
});
