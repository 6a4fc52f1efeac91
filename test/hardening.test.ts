/**
 * What a client without credentials, or a hostile one, can make the server do: never end the
 * process, never hold it up for others, never make it keep more than a stated bound.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_VALUES } from '../src/http/request-params.js';
import { MAX_REFERENCES_PER_COMMAND } from '../src/platform/batch.js';
import { readReply, SECRET, startTestServer, type TestServer, USER_ID } from './support/server.js';

let server: TestServer;
/** A server with small limits, for the tests of connections and memory. */
let tight: TestServer;
const unexpected: unknown[] = [];

beforeAll(async () => {
  server = await startTestServer({
    onUnexpectedError: (error) => unexpected.push(error),
    authThrottle: { burst: 10, drainPerSecond: 0.001 },
  });
  tight = await startTestServer({
    onUnexpectedError: (error) => unexpected.push(error),
    headersTimeout: 1,
    requestTimeout: 2,
    maxConnections: 40,
    unauthenticatedMemory: 1,
  });
});
afterAll(async () => {
  await server.server.close();
  await tight.server.close();
});

const wrongHook = () => `${server.url}/rest/${USER_ID}/wrongsecret0000/`;

function post(url: string, body: Buffer | string, contentType: string, headers: Record<string, string> = {}) {
  return fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body }).then(readReply);
}

/** A raw connection, for requests no well-behaved client would send. */
function rawConnection(to = tight): Promise<Socket> {
  const { port } = new URL(to.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends on `socket` until it closes it. */
function readUntilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
    });
    socket.on('error', () => resolve(text));
    socket.on('close', () => resolve(text));
  });
}

function multipart(parts: { disposition: string; headers?: string[]; value: Buffer }[]): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    const head = [`Content-Disposition: form-data; ${part.disposition}`, ...(part.headers ?? [])].join('\r\n');
    pieces.push(Buffer.from(`--x\r\n${head}\r\n\r\n`, 'latin1'), part.value, Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from('--x--\r\n'));
  return Buffer.concat(pieces);
}

describe('multipart bodies', () => {
  const url = () => `${server.hook}booking.v1.waitlist.list`;
  const MULTIPART = 'multipart/form-data; boundary=x';

  it('refuses a value whose declared charset decodes to a lone surrogate, and keeps serving', async () => {
    const body = multipart([
      {
        disposition: 'name="note"',
        headers: ['Content-Type: text/plain; charset=utf-16le'],
        value: Buffer.from([0x00, 0xd8]),
      },
    ]);
    const reply = await post(url(), body, MULTIPART);
    expect(reply.status, reply.text).toBe(400);
    expect(reply.body).toEqual({ error: 'WRONG_ENCODING', error_description: 'Wrong request encoding' });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it("refuses an RFC 2231 name that decodes to a lone surrogate (name*=utf-16le''%00%D8)", async () => {
    const body = multipart([{ disposition: "name*=utf-16le''%00%D8", value: Buffer.from('v') }]);
    const reply = await post(url(), body, MULTIPART);
    expect(reply.status, reply.text).toBe(400);
    expect(reply.body.error).toBe('WRONG_ENCODING');
    // Without credentials too: the parser runs before anyone is authenticated.
    const anonymous = await post(`${server.url}/rest/booking.v1.waitlist.list`, body, MULTIPART);
    expect(anonymous.status, anonymous.text).toBe(400);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('still reads well-formed utf-16le parts', async () => {
    const body = multipart([
      {
        disposition: 'name="fields[note]"',
        headers: ['Content-Type: text/plain; charset=utf-16le'],
        value: Buffer.from('Ünïcode', 'utf16le'),
      },
    ]);
    const added = await post(`${server.hook}booking.v1.waitlist.add`, body, MULTIPART);
    expect(added.status, added.text).toBe(200);
    const got = await server.call('booking.v1.waitlist.get', { id: added.body.result });
    expect(got.body.result.waitList.note).toBe('Ünïcode');
  });
});

describe('JSON bodies are bounded while they are read, not after', () => {
  it(`refuses more than ${MAX_JSON_VALUES} values before building them`, async () => {
    const zeros = `[${'0,'.repeat(4 * 1024 * 1024 - 10)}0]`;
    const reply = await post(`${server.url}/rest/booking.v1.waitlist.list`, zeros, 'application/json');
    expect(reply.status, reply.text.slice(0, 200)).toBe(400);
    expect(reply.body).toEqual({
      error: 'ERROR_ARGUMENT',
      error_description: `More than ${MAX_JSON_VALUES} parameters in the request`,
    });
  });

  it('refuses millions of nested arrays as too deep', async () => {
    const n = 3 * 1024 * 1024;
    const reply = await post(`${server.url}/rest/x`, `${'['.repeat(n)}${']'.repeat(n)}`, 'application/json');
    expect(reply.status).toBe(400);
    expect(reply.body.error_description).toBe('Parameters are nested deeper than 32 levels');
  });

  it('does not count brackets and commas inside strings', async () => {
    const note = `[{,"\\"${',['.repeat(300)}`;
    const added = await server.call('booking.v1.waitlist.add', { fields: { note } });
    expect(added.status, added.text).toBe(200);
    const got = await server.call('booking.v1.waitlist.get', { id: added.body.result });
    expect(got.body.result.waitList.note).toBe(note);
  });

  it('still takes a list of 40,000 values', async () => {
    const ids = Array.from({ length: 40_000 }, (_, i) => i + 1);
    const reply = await server.call('booking.v1.waitlist.list', { filter: { ids } });
    expect(reply.status, reply.text.slice(0, 200)).toBe(200);
  });
});

describe('credentials in the path are checked before the body is read', () => {
  it('answers a wrong secret at once, though the body has not arrived', async () => {
    const socket = await rawConnection(server);
    const answer = readUntilClosed(socket);
    const { host } = new URL(server.url);
    socket.write(
      `POST /rest/${USER_ID}/wrongsecret0000/booking.v1.waitlist.list HTTP/1.1\r\nHost: ${host}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 8000000\r\n\r\n{"filter":',
    );
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 401/);
    expect(text).toContain('"error":"NO_AUTH_FOUND"');
  });

  it('answers a right secret with the body it then reads', async () => {
    const reply = await post(`${server.hook}booking.v1.waitlist.list`, '{"filter":{}}', 'application/json');
    expect(reply.status, reply.text).toBe(200);
  });
});

describe('connections and memory', () => {
  it('closes a connection whose headers do not arrive in time', async () => {
    const socket = await rawConnection();
    const answer = readUntilClosed(socket);
    socket.write('POST /rest/x HTTP/1.1\r\nHost: a\r\n');
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a connection whose body does not arrive in time', async () => {
    const socket = await rawConnection();
    const answer = readUntilClosed(socket);
    socket.write('POST /rest/booking.v1.waitlist.list HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n{');
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 408/);
  });

  it('refuses bodies of unauthenticated requests past the memory bound, and lets the others finish', async () => {
    // Three bodies of 400 KiB each, held open: the first two fit in 1 MiB, the third does not.
    const sockets = await Promise.all([0, 1, 2].map(() => rawConnection()));
    const answers = sockets.map(readUntilClosed);
    const head =
      'POST /rest/booking.v1.waitlist.list HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\n';
    const chunk = `a=${'x'.repeat(400 * 1024)}`;
    for (const socket of sockets) socket.write(`${head}Content-Length: ${chunk.length + 9}\r\n\r\n${chunk}`);
    const third = sockets[2] as Socket;
    const refused = await Promise.race([answers[2], new Promise<string>((r) => setTimeout(() => r(''), 1500))]);
    expect(refused).toMatch(/^HTTP\/1\.1 503/);
    expect(refused).toContain('"error":"QUERY_LIMIT_EXCEEDED"');
    third.destroy();
    // The two that fit are answered when their bodies end (no credentials: 401).
    for (const socket of sockets.slice(0, 2)) socket.end('&b=123456');
    for (const answer of answers.slice(0, 2)) expect(await answer).toMatch(/^HTTP\/1\.1 401/);
  });

  it('takes at most --max-connections connections at once', async () => {
    const sockets = await Promise.all(Array.from({ length: 45 }, () => rawConnection()));
    const closed = await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), 500);
            socket.once('close', () => {
              clearTimeout(timer);
              resolve(true);
            });
          }),
      ),
    );
    expect(closed.filter(Boolean).length).toBeGreaterThanOrEqual(5);
    for (const socket of sockets) socket.destroy();
  });

  it('counts a client that hangs up mid-body as gone, not as a failure of the server', async () => {
    const socket = await rawConnection();
    socket.write(
      `POST /rest/${USER_ID}/${SECRET}/booking.v1.waitlist.list HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n{"fil`,
    );
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect(unexpected).toEqual([]);
  });
});

describe('batch references', () => {
  it(`resolves ${MAX_REFERENCES_PER_COMMAND} references in one command and refuses one more`, async () => {
    const refs = (n: number) => Array.from({ length: n }, () => '$result[a]').join(' ');
    const reply = await server.call('batch', {
      cmd: {
        a: 'booking.v1.waitlist.add?fields[note]=first',
        b: `booking.v1.waitlist.add?fields[note]=${encodeURIComponent(refs(MAX_REFERENCES_PER_COMMAND))}`,
        c: `booking.v1.waitlist.add?fields[note]=${encodeURIComponent(refs(MAX_REFERENCES_PER_COMMAND + 1))}`,
      },
    });
    expect(reply.status, reply.text.slice(0, 300)).toBe(200);
    const first = reply.body.result.result.a as number;
    const got = await server.call('booking.v1.waitlist.get', { id: reply.body.result.result.b });
    expect(got.body.result.waitList.note).toBe(Array(MAX_REFERENCES_PER_COMMAND).fill(String(first)).join(' '));
    expect(reply.body.result.result_error.c).toEqual({
      error: 'ERROR_BATCH_REFERENCES_EXCEEDED',
      error_description: `More than ${MAX_REFERENCES_PER_COMMAND} references to earlier results in one command`,
    });
    expect(reply.body.result.result.c).toBeUndefined();
  });
});

describe('failed authentication from one address', () => {
  it('is refused without a look-up once repeated, while known credentials keep working', async () => {
    // The test webhook has authenticated from here already; a guesser shares the address.
    expect((await server.call('booking.v1.waitlist.list')).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      statuses.push((await post(`${wrongHook()}booking.v1.waitlist.list`, '{}', 'application/json')).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(11)).toEqual(Array(4).fill(503));
    const refused = await post(`${wrongHook()}booking.v1.waitlist.list`, '{}', 'application/json');
    expect(refused.body).toEqual({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
    const known = await server.call('booking.v1.waitlist.list');
    expect(known.status, known.text).toBe(200);
    // An unknown token from the same address is not even looked up.
    const token = await post(`${server.url}/rest/booking.v1.waitlist.list`, '{"auth":"x"}', 'application/json');
    expect(token.status).toBe(503);
  });
});

describe('failed admin tokens', () => {
  it('count as failed authentication of the address; the admin token already used goes on working', async () => {
    const own = await startTestServer({ authThrottle: { burst: 3, drainPerSecond: 0.001 } });
    try {
      const clock = (token: string) =>
        fetch(`${own.url}/_admin/clock`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
      expect(await clock(own.server.adminToken)).toBe(200);
      expect(await Promise.all([1, 2, 3, 4].map(() => clock('guess-guess-guess')))).toEqual([401, 401, 401, 401]);
      // The address is throttled now: webhook secrets it never used are not looked up.
      const unseen = await post(
        `${own.url}/rest/${USER_ID}/${SECRET}/booking.v1.waitlist.list`,
        '{}',
        'application/json',
      );
      expect(unseen.status, unseen.text).toBe(503);
      expect(await clock(own.server.adminToken)).toBe(200);
    } finally {
      await own.server.close();
    }
  });
});
