/**
 * The official @bitrix24/b24jssdk against the server over HTTPS with a self-signed certificate
 * the client trusts through NODE_EXTRA_CA_CERTS: a batch and the callList helper.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SECRET, USER_ID, useServer } from './support/server.js';

const run = promisify(execFile);

// Over HTTPS with the server's own self-signed certificate, which the SDK trusts by NODE_EXTRA_CA_CERTS.
const server = useServer({ tls: 'self-signed' });

describe('@bitrix24/b24jssdk', () => {
  it('runs a named batch with a reference and lists the wait list with callList over verified HTTPS', async () => {
    expect(server().url.startsWith('https://')).toBe(true);
    const { stdout } = await run(process.execPath, [join('test', 'support', 'jssdk-batch-client.mjs')], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: server().server.certPath as string,
        B24_WEBHOOK_URL: `${server().url}/rest/${USER_ID}/${SECRET}`,
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
