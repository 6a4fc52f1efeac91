/**
 * Bad input of every kind gets a Bitrix-shaped error with a 4xx status: never a 500, never a
 * crash, never a change to stored data. Seeded and bounded, so a failure replays.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allMethods } from '../src/methods.js';
import { useServer } from './support/server.js';
import { storedState } from './support/state.js';

const server = useServer();

const methodNames = [...allMethods.map((m) => m.name), 'booking.v1.nothing', 'batch', ''];

const deep = fc.integer({ min: 20, max: 200 }).map((depth) => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = { fields: value };
  return JSON.stringify(value);
});

const jsonBodies = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc
    .jsonValue({ maxDepth: 3 })
    .map((v) => JSON.stringify({ id: v, waitListId: v, fields: v, externalData: v, filter: v })),
  fc
    .record({
      waitListId: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.boolean()),
      externalData: fc.oneof(
        fc.array(fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })), { maxLength: 5 }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    })
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }).map((s) => `{"fields": ${s}`),
  deep,
  fc.integer({ min: 1_000, max: 20_000 }).map((n) =>
    JSON.stringify({
      waitListId: 1,
      externalData: Array.from({ length: n }, (_, i) => ({
        moduleId: 'crm',
        entityTypeId: 'DEAL',
        value: String(i),
      })),
    }),
  ),
);

const formBodies = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc
    .array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })), { maxLength: 8 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
  fc.integer({ min: 30, max: 80 }).map((depth) => `${'a'}${'[b]'.repeat(depth)}=1`),
);

const CHARSETS = [
  'utf-8',
  'utf-16le',
  'utf-16be',
  'utf16',
  'latin1',
  'iso-8859-1',
  'windows-1251',
  'ascii',
  'x-bogus',
  '',
];
const TRANSFER_ENCODINGS = ['', '7bit', '8bit', 'binary', 'base64', 'quoted-printable', 'x-bogus'];

/** Bytes, often those that make UTF-16 surrogates, nulls and invalid UTF-8 (fast-check favours small values). */
const textBytes = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x00, 0xd8, 0xdb, 0xdc, 0xdf, 0xc3, 0xff)), {
    maxLength: 12,
  })
  .map((bytes) => Uint8Array.from(bytes));

const percentBytes = (bytes: Uint8Array) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** One part's name: plain, or as RFC 2231 `name*=charset''bytes` in any charset. */
const partName = fc.oneof(
  fc.string({ maxLength: 12 }).map((name) => `name="${name.replace(/["\r\n]/g, '')}"`),
  fc
    .tuple(fc.constantFrom(...CHARSETS), textBytes)
    .map(([charset, bytes]) => `name*=${charset}''${percentBytes(bytes)}`),
  fc.constantFrom('name="fields[note]"', 'name="id"', 'name="waitListId"', 'name="fields[clients][0][id]"'),
);

const part = fc.record({
  name: partName,
  filename: fc.option(fc.constantFrom('filename="a.txt"', "filename*=utf-16le''%00%d8"), { nil: undefined }),
  charset: fc.constantFrom(...CHARSETS),
  encoding: fc.constantFrom(...TRANSFER_ENCODINGS),
  value: fc.oneof(
    textBytes,
    fc.string({ maxLength: 24 }).map((s) => Buffer.from(s)),
  ),
});

/** Real multipart bodies (boundary `x`): every charset and transfer encoding, in names and values. */
const multipartBodies = fc.array(part, { maxLength: 4 }).map((parts) =>
  Buffer.concat([
    ...parts.flatMap((p) => {
      const disposition = ['form-data', p.name, p.filename].filter(Boolean).join('; ');
      const head = [`Content-Disposition: ${disposition}`];
      if (p.charset !== '') head.push(`Content-Type: text/plain; charset=${p.charset}`);
      if (p.encoding !== '') head.push(`Content-Transfer-Encoding: ${p.encoding}`);
      return [Buffer.from(`--x\r\n${head.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(p.value), Buffer.from('\r\n')];
    }),
    Buffer.from('--x--\r\n'),
  ]),
);

const request = fc.record({
  method: fc.constantFrom(...methodNames),
  kind: fc.constantFrom('json', 'form', 'query', 'bytes', 'multipart'),
  json: jsonBodies,
  form: formBodies,
  bytes: fc.uint8Array({ maxLength: 200 }),
  multipart: multipartBodies,
  httpMethod: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'),
});

type Fuzzed = typeof request extends fc.Arbitrary<infer T> ? T : never;

const CONTENT_TYPES = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
  multipart: 'multipart/form-data; boundary=x',
  bytes: 'application/json',
} as const;

function toFetch(base: string, r: Fuzzed): { url: string; init: RequestInit } {
  const url = base + encodeURIComponent(r.method);
  if (r.kind === 'query') return { url: `${url}?${r.form}`, init: { method: r.httpMethod } };
  const payload = { json: r.json, form: r.form, multipart: r.multipart, bytes: Buffer.from(r.bytes) }[r.kind];
  return {
    url,
    init: {
      method: r.httpMethod,
      headers: { 'content-type': CONTENT_TYPES[r.kind] },
      body: r.httpMethod === 'GET' ? undefined : payload,
    },
  };
}

describe('fuzzed requests', () => {
  it('never answer 5xx, always answer errors in the Bitrix shape, never change data when refused', async () => {
    const seedEntry = await server().call('booking.v1.waitlist.add', { fields: { note: 'seed' } });
    expect(seedEntry.status).toBe(200);
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = await storedState(server());
        const { url, init } = toFetch(server().hook, r);
        const res = await fetch(url, init);
        const text = await res.text();
        expect(res.status, text).toBeLessThan(500);
        const body = JSON.parse(text);
        if (res.status !== 200) {
          expect(typeof body.error, text).toBe('string');
          expect(typeof body.error_description, text).toBe('string');
          expect(res.status, text).toBeGreaterThanOrEqual(400);
          expect(await storedState(server()), `${r.method} ${text}`).toBe(before);
        } else {
          expect(body).toHaveProperty('result');
          expect(body).toHaveProperty('time');
        }
      }),
      { seed: 20261126, numRuns: 250 },
    );
  });
});

describe('fuzzed multipart bodies', () => {
  it('never end the process nor answer 5xx, whatever the charsets and encodings of names and values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...methodNames), multipartBodies, async (method, body) => {
        const res = await fetch(server().hook + encodeURIComponent(method), {
          method: 'POST',
          headers: { 'content-type': 'multipart/form-data; boundary=x' },
          body,
        });
        const text = await res.text();
        expect(res.status, text).toBeLessThan(500);
        const answer = JSON.parse(text);
        if (res.status !== 200) expect(typeof answer.error, text).toBe('string');
      }),
      { seed: 20261202, numRuns: 300 },
    );
  });
});
