/**
 * The official @bitrix24/b24jssdk on crm.item.* over HTTPS (a self-signed certificate the client
 * trusts through NODE_EXTRA_CA_CERTS): add and get, its three list helpers over 120 deals, and
 * a batch mixing crm.item.* and booking.v1.*.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { callRest } from './support/cli.js';
import { SECRET, USER_ID, useServer } from './support/server.js';

const run = promisify(execFile);
const PREFIX = 'sdk-list-';

// Over HTTPS with the server's own self-signed certificate, which the SDK trusts by NODE_EXTRA_CA_CERTS.
const server = useServer({ tls: 'self-signed' });

describe('@bitrix24/b24jssdk on crm.item.*', () => {
  it('adds and gets a deal, lists 120 deals exactly once with each helper, and runs a mixed batch', async () => {
    const ca = readFileSync(server().server.certPath as string);
    const add = async (title: string) =>
      (await callRest(`${server().hook}crm.deal.add`, { fields: { TITLE: title } }, { ca })).body.result as number;
    const made: number[] = [];
    for (let i = 0; i < 120; i++) {
      // Every 50 a deal of another name in between, so the filter has work to do.
      if (i % 50 === 0) await add(`other ${i}`);
      made.push(await add(`${PREFIX}${i}`));
    }
    const { stdout } = await run(process.execPath, [join('test', 'support', 'jssdk-crm-client.mjs')], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: server().server.certPath as string,
        B24_WEBHOOK_URL: `${server().url}/rest/${USER_ID}/${SECRET}`,
        B24_TITLE_PREFIX: PREFIX,
      },
    });
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT ')) as string;
    const answer = JSON.parse(line.slice('RESULT '.length));

    expect(answer.added.isSuccess).toBe(true);
    expect(answer.added.item).toMatchObject({ title: 'From the SDK', opportunity: 120.5, entityTypeId: 2 });
    expect(answer.got.item).toEqual(answer.added.item);

    for (const helper of ['byNext', 'byId'] as const) {
      expect(answer[helper].errors, helper).toEqual([]);
      expect(answer[helper].ids, helper).toEqual(made);
    }
    expect(answer.chunks.map((chunk: number[]) => chunk.length)).toEqual([50, 50, 20]);
    expect(answer.chunks.flat()).toEqual(made);

    expect(answer.batch.errors).toEqual([]);
    const { deal, type, read, types } = answer.batch.commands;
    expect(deal.result.item).toMatchObject({ title: 'Batch deal' });
    expect(typeof type.result).toBe('number');
    expect(read.result.item).toEqual(deal.result.item);
    expect(types.result.resourceType.map((t: { id: number }) => t.id)).toContain(type.result);
    // Each command's time carries the operating counter, as the SDK reads it.
    expect(Object.keys(read.time)).toEqual(expect.arrayContaining(['operating', 'operating_reset_at']));
  });
});
