/**
 * The official @bitrix24/b24jssdk against the server over HTTPS with a self-signed certificate
 * the client trusts through NODE_EXTRA_CA_CERTS: a batch and the callList helper.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, startTestServer, type TestServer, tempDir, USER_ID } from './support/server.js';

const run = promisify(execFile);

let srv: TestServer;
let data: string;

beforeAll(async () => {
  data = tempDir();
  srv = await startTestServer({ data, tls: 'self-signed' });
});
afterAll(() => srv.server.close());

describe('@bitrix24/b24jssdk', () => {
  it('runs a named batch with a reference and lists the wait list with callList over verified HTTPS', async () => {
    expect(srv.url.startsWith('https://')).toBe(true);
    const { stdout } = await run(process.execPath, [join('test', 'support', 'jssdk-batch-client.mjs')], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: join(data, 'tls', 'cert.pem'),
        B24_WEBHOOK_URL: `${srv.url}/rest/${USER_ID}/${SECRET}`,
      },
    });
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT ')) as string;
    const answer = JSON.parse(line.slice('RESULT '.length));
    expect(answer.batch.errors).toEqual([]);
    expect(answer.batch.isSuccess).toBe(true);
    const id = answer.batch.commands.add.result;
    expect(typeof id).toBe('number');
    expect(answer.batch.commands.get).toEqual({ isSuccess: true, result: { waitList: { id, note: 'from the SDK' } } });
    expect(answer.batch.commands.time.isSuccess).toBe(true);
    expect(answer.list.isSuccess).toBe(true);
    expect(answer.list.items).toEqual([{ id, note: 'from the SDK' }]);
  });
});
