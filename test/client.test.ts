/**
 * The typed client (`b24-booking-server/client`) against a running server, over the plain
 * protocol: a webhook, an OAuth token, errors as B24Error, batch. Its types are checked by tsc
 * in test/client-types.ts; here, that the committed types are those the declarations give.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { B24Error, createClient, isErrorOf, phpQuery } from '../src/client/index.js';
import { allMethods, createRegistry } from '../src/methods.js';
import { openApiDocument } from '../src/openapi/document.js';
import { clientTypes } from '../src/openapi/typescript.js';
import { ROOT } from './support/cli.js';
import { accessTokenFor } from './support/oauth.js';
import { SECRET, tempDir, useServer } from './support/server.js';

const server = useServer({ webhooks: [`1:${SECRET}:booking,crm`, '7:crmonly000000000:crm'] });

const webhookClient = () => createClient({ webhookUrl: server().hook });

describe('the generated method types', () => {
  it('are those the declarations give (run `npm run build` after changing a method)', () => {
    const committed = readFileSync(new URL('../src/client/methods.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(clientTypes(openApiDocument(createRegistry().all())));
  });

  it('name every method the server has', () => {
    const committed = readFileSync(new URL('../src/client/methods.generated.ts', import.meta.url), 'utf8');
    for (const method of allMethods) expect(committed).toContain(`  ${JSON.stringify(method.name)}: {`);
  });
});

describe('createClient({ webhookUrl })', () => {
  it('calls methods and answers their result', async () => {
    const client = webhookClient();
    const id = await client.call('booking.v1.waitlist.add', { fields: { note: 'from the client' } });
    expect(typeof id).toBe('number');
    const { waitList } = await client.call('booking.v1.waitlist.get', { id });
    expect(waitList).toEqual({ id, note: 'from the client' });
    expect(await client.call('booking.v1.waitlist.update', { id, fields: { note: 'changed' } })).toBe(true);
    const page = await client.answer('booking.v1.waitlist.list');
    expect(page.total).toBe(0);
    expect(page.result.waitList.map((entry) => entry.note)).toContain('changed');
    expect(typeof page.time.duration).toBe('number');
  });

  it('takes the webhook URL with or without its trailing slash', async () => {
    const client = createClient({ webhookUrl: server().hook.replace(/\/$/, '') });
    expect(typeof (await client.call('server.time'))).toBe('string');
  });

  it('answers a CRM page with its real total and next', async () => {
    const client = webhookClient();
    for (let i = 0; i < 3; i++) await client.call('crm.contact.add', { fields: { NAME: `Client ${i}` } });
    const page = await client.answer('crm.contact.list', { start: 0 });
    expect(page.total).toBeGreaterThanOrEqual(3);
    expect(Array.isArray(page.result)).toBe(true);
  });

  it('throws a B24Error with the code, text and status the server answered', async () => {
    const client = webhookClient();
    const failure = await client.call('booking.v1.waitlist.get', { id: 987654 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(B24Error);
    const direct = await server().call('booking.v1.waitlist.get', { id: 987654 });
    expect(isErrorOf(failure, 'booking.v1.waitlist.get')).toBe(true);
    if (!isErrorOf(failure, 'booking.v1.waitlist.get')) return;
    expect({ error: failure.code, error_description: failure.description }).toEqual(direct.body);
    expect(failure.status).toBe(direct.status);
    expect(failure.method).toBe('booking.v1.waitlist.get');
    expect(isErrorOf(failure, 'booking.v1.waitlist.list')).toBe(false);
  });

  it('throws the scope error for a webhook without the scope, and for wrong credentials', async () => {
    const crmOnly = createClient({ webhookUrl: `${server().url}/rest/7/crmonly000000000/` });
    await expect(crmOnly.call('booking.v1.waitlist.list')).rejects.toMatchObject({
      code: 'insufficient_scope',
      status: 403,
    });
    const wrong = createClient({ webhookUrl: `${server().url}/rest/1/wrongsecret00000/` });
    await expect(wrong.call('server.time')).rejects.toMatchObject({ name: 'B24Error', status: 401 });
  });

  it('throws INVALID_RESPONSE for an answer that is not the protocol’s', async () => {
    // A proxy's error page, through the fetch option.
    const proxy = async () => new Response('<html>Bad Gateway</html>', { status: 502 });
    const client = createClient({ webhookUrl: server().hook, fetch: proxy });
    await expect(client.call('server.time')).rejects.toMatchObject({
      code: 'INVALID_RESPONSE',
      description: '<html>Bad Gateway</html>',
      status: 502,
    });
  });
});

describe('createClient({ url, accessToken })', () => {
  it('sends the token in `auth`, to the portal’s /rest/', async () => {
    const { accessToken } = await accessTokenFor(server());
    for (const url of [server().url, `${server().url}/`, `${server().url}/rest/`]) {
      const client = createClient({ url, accessToken });
      const id = await client.call('booking.v1.waitlist.add', { fields: { note: 'by OAuth' } });
      expect((await client.call('booking.v1.waitlist.get', { id })).waitList.note).toBe('by OAuth');
    }
  });

  it('asks a token function for the token on every call', async () => {
    const { accessToken } = await accessTokenFor(server());
    let asked = 0;
    const client = createClient({
      url: server().url,
      accessToken: async () => {
        asked++;
        return accessToken;
      },
    });
    await client.call('server.time');
    await client.call('profile');
    expect(asked).toBe(2);
  });

  it('throws expired or unknown tokens as B24Error', async () => {
    const client = createClient({ url: server().url, accessToken: 'not-a-token' });
    await expect(client.call('server.time')).rejects.toMatchObject({ code: 'invalid_token', status: 401 });
  });
});

describe('client.batch', () => {
  it('runs typed commands with references, each answer under its key', async () => {
    const client = webhookClient();
    const answer = await client.batch({
      added: { method: 'booking.v1.waitlist.add', params: { fields: { note: 'a & b = [c]' } } },
      read: { method: 'booking.v1.waitlist.get', params: { id: '$result[added]' } },
      time: { method: 'server.time' },
    });
    expect(answer.result_error).toEqual({});
    expect(typeof answer.result.added).toBe('number');
    expect(answer.result.read?.waitList).toEqual({ id: answer.result.added, note: 'a & b = [c]' });
    expect(typeof answer.result.time).toBe('string');
    expect(Object.keys(answer.result_time).sort()).toEqual(['added', 'read', 'time']);
  });

  it('puts a failing command’s error under its key, and halt stops there', async () => {
    const client = webhookClient();
    const commands = {
      missing: { method: 'booking.v1.waitlist.get', params: { id: 987654 } },
      after: { method: 'server.time' },
    } as const;
    const going = await client.batch(commands);
    expect(going.result_error.missing).toMatchObject({ error: '1040' });
    expect(going.result.after).toBeTypeOf('string');
    const halted = await client.batch(commands, { halt: true });
    expect(halted.result_error.missing).toMatchObject({ error: '1040' });
    expect(halted.result.after).toBeUndefined();
  });

  it('sends list items and nested objects as PHP query strings the server reads back', async () => {
    expect(phpQuery({ fields: { note: 'x y', ids: [1, 2] }, flag: true, none: null })).toBe(
      'fields[note]=x%20y&fields[ids][0]=1&fields[ids][1]=2&flag=1',
    );
    const client = webhookClient();
    const answer = await client.batch({
      type: { method: 'booking.v1.resourceType.add', params: { fields: { name: 'Room', code: 'room-client' } } },
      resource: {
        method: 'booking.v1.resource.add',
        params: { fields: { name: 'Room 1', typeId: '$result[type]' } },
      },
    });
    expect(answer.result_error).toEqual({});
    const resource = await client.call('booking.v1.resource.get', { id: answer.result.resource as number });
    expect(resource.resource.typeId).toBe(answer.result.type);
  });
});

describe('client.pages', () => {
  /** `count` records made by batches of 50 `method` commands. */
  async function make(method: 'crm.contact.add' | 'booking.v1.waitlist.add', count: number): Promise<number[]> {
    const client = webhookClient();
    const ids: number[] = [];
    for (let made = 0; made < count; made += 50) {
      const commands = Object.fromEntries(
        Array.from({ length: Math.min(50, count - made) }, (_, i) => [
          `c${i}`,
          method === 'crm.contact.add'
            ? ({ method, params: { fields: { NAME: `Paged ${made + i}` } } } as const)
            : ({ method, params: { fields: { note: `paged ${made + i}` } } } as const),
        ]),
      );
      const answer = await client.batch(commands);
      expect(answer.result_error).toEqual({});
      ids.push(...Object.values(answer.result).map(Number));
    }
    return ids;
  }

  it('reads a CRM list page by page by its `next`', async () => {
    const made = await make('crm.contact.add', 120);
    const seen: number[] = [];
    let total = 0;
    for await (const page of webhookClient().pages('crm.contact.list', { select: ['ID'] })) {
      total = page.total ?? 0;
      seen.push(...page.result.map((record) => Number(record.ID)));
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(made));
  });

  it('reads a booking-module list (no `next`, `total` 0) until a short page', async () => {
    const made = await make('booking.v1.waitlist.add', 75);
    const sizes: number[] = [];
    const seen: number[] = [];
    for await (const page of webhookClient().pages('booking.v1.waitlist.list')) {
      sizes.push(page.result.waitList.length);
      seen.push(...page.result.waitList.map((entry) => entry.id as number));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(made));
    expect(sizes.slice(0, -1).every((size) => size === 50)).toBe(true);
    expect(sizes.at(-1)).toBeLessThan(50);
    expect(sizes.length).toBe(Math.floor(seen.length / 50) + 1);
  });
});

describe('the package export', () => {
  it('is b24-booking-server/client, built into dist', async () => {
    const module = await import('b24-booking-server/client');
    expect(typeof module.createClient).toBe('function');
    expect(module.B24Error.name).toBe('B24Error');
  });
});

describe('the README', () => {
  it('runs its client example as written, against this server (the built client)', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = /```ts\n(import [^\n]*'b24-booking-server\/client';[\s\S]*?)```/.exec(readme)?.[1] as string;
    expect(example).toContain("'http://127.0.0.1:8080/rest/1/<secret>/'");
    const client = pathToFileURL(join(ROOT, 'dist/client/index.js')).href;
    const script = join(tempDir('b24-readme-client-'), 'example.mjs');
    // Its last expression is the answer it shows: exported to be checked.
    writeFileSync(
      script,
      `${example
        .replace("'b24-booking-server/client'", JSON.stringify(client))
        .replace("'http://127.0.0.1:8080/rest/1/<secret>/'", JSON.stringify(server().hook))
        .replaceAll('console.log(', '(')}\nexport { answer, page, waitList };\n`,
    );
    const ran = await import(pathToFileURL(script).href);
    expect(ran.waitList.note).toBe('call back');
    expect(ran.page.total).toBeTypeOf('number');
    expect(ran.answer.result.read.waitList.note).toBe('x');
    expect(ran.answer.result_error).toEqual({});
  });
});
