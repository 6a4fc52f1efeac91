/**
 * The official client, @bitrix24/b24jssdk, against the built CLI over HTTPS on loopback. B24Hook
 * always calls `https://<host>/rest/<user>/<secret>/<method>`, so the server runs with
 * `--tls self-signed` and the client trusts `<data>/tls/cert.pem` through NODE_EXTRA_CA_CERTS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, callRest, killAll, ROOT, runNode, SQLITE_RUN, startCli, tempDataDir } from './support/cli.js';

const SECRET = 'jssdksecret0000a';
const CLIENT = join(ROOT, 'test', 'support', 'jssdk-client.mjs');

interface SdkCall {
  result?: unknown;
  error?: { name?: string; code?: string; status?: number; message?: string };
}

describe.runIf(SQLITE_RUN)('@bitrix24/b24jssdk over HTTPS', () => {
  let server: CliServer;
  let dataDir: string;
  let certPath: string;
  let ca: Buffer;
  let hook: string;

  beforeAll(async () => {
    dataDir = tempDataDir('b24-jssdk-');
    server = await startCli([
      '--port',
      '0',
      '--data',
      dataDir,
      '--tls',
      'self-signed',
      '--webhook',
      `1:${SECRET}:booking,crm`,
    ]);
    certPath = join(dataDir, 'tls', 'cert.pem');
    ca = readFileSync(certPath);
    hook = `${server.url}/rest/1/${SECRET}/`;
  });

  afterAll(async () => {
    if (server) await server.stop();
    await killAll();
  });

  async function sdk(calls: { method: string; params?: unknown }[], trustCertificate = true) {
    const run = await runNode(
      CLIENT,
      [hook, JSON.stringify(calls)],
      trustCertificate ? { NODE_EXTRA_CA_CERTS: certPath } : {},
    );
    const line = /^RESULT (.*)$/m.exec(run.stdout)?.[1];
    if (run.code !== 0 || !line) throw new Error(`the SDK client failed (${run.code}):\n${run.stdout}${run.stderr}`);
    return JSON.parse(line) as { tlsVerify: boolean; calls: SdkCall[] };
  }

  it('prints an HTTPS URL, the webhook it was given (not its secret) and the certificate it keeps', () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server.banner.givenWebhooks).toEqual([{ id: 1, userId: 1, scopes: ['booking', 'crm'] }]);
    expect(server.stdout).not.toContain(SECRET);
    expect(server.banner.certPath).toBe(certPath);
    expect(ca.toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('adds an entry, sets and lists its external data, as a plain HTTPS call sees them', async () => {
    const { tlsVerify, calls } = await sdk([
      { method: 'booking.v1.waitlist.add', params: { fields: { note: 'from the SDK' } } },
      {
        method: 'booking.v1.waitlist.externalData.set',
        params: { waitListId: '$result[0]', externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: '1' }] },
      },
      { method: 'booking.v1.waitlist.externalData.list', params: { waitListId: '$result[0]' } },
    ]);
    expect(tlsVerify).toBe(true);
    const [add, set, list] = calls as [SdkCall, SdkCall, SdkCall];
    expect(add.error).toBeUndefined();
    expect(Number.isSafeInteger(add.result) && (add.result as number) > 0, JSON.stringify(add)).toBe(true);
    expect(set).toEqual({ result: true });
    expect(list).toEqual({ result: { externalData: [{ entityTypeId: 'DEAL', moduleId: 'crm', value: '1' }] } });

    // The same server through plain HTTPS (node:https, the same certificate trusted): the same answers.
    const id = add.result as number;
    const plainList = await callRest(`${hook}booking.v1.waitlist.externalData.list`, { waitListId: id }, { ca });
    expect(plainList.status).toBe(200);
    expect(plainList.body.result).toEqual(list.result);
    const plainGet = await callRest(`${hook}booking.v1.waitlist.get`, { id }, { ca });
    expect(plainGet.body.result).toEqual({ waitList: { id, note: 'from the SDK' } });

    const plainAdd = await callRest(`${hook}booking.v1.waitlist.add`, { fields: { note: 'plain' } }, { ca });
    expect(plainAdd.status).toBe(200);
    expect(plainAdd.body.result).toBeGreaterThan(id);
    const plainSet = await callRest(
      `${hook}booking.v1.waitlist.externalData.set`,
      { waitListId: plainAdd.body.result, externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: '1' }] },
      { ca },
    );
    expect(plainSet.body.result).toBe(set.result);
    const sdkReadsPlain = await sdk([
      { method: 'booking.v1.waitlist.externalData.list', params: { waitListId: plainAdd.body.result } },
    ]);
    expect(sdkReadsPlain.calls).toEqual([{ result: list.result }]);
  });

  it('surfaces a method error (unknown waitListId) as code 1040, as the plain call answers', async () => {
    const { calls } = await sdk([
      { method: 'booking.v1.waitlist.externalData.list', params: { waitListId: 987654321 } },
      {
        method: 'booking.v1.waitlist.externalData.set',
        params: { waitListId: 987654321, externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: '1' }] },
      },
    ]);
    const plain = await callRest(`${hook}booking.v1.waitlist.externalData.list`, { waitListId: 987654321 }, { ca });
    expect(plain.status).toBe(400);
    expect(plain.body).toEqual({ error: '1040', error_description: 'Wait list not found' });
    for (const call of calls) {
      expect(call.result).toBeUndefined();
      expect(call.error).toMatchObject({ code: '1040', status: 400, message: plain.body.error_description });
    }
  });

  it('fails the TLS handshake for a client that does not trust the certificate', async () => {
    const { tlsVerify, calls } = await sdk(
      [{ method: 'booking.v1.waitlist.add', params: { fields: { note: 'must not arrive' } } }],
      false,
    );
    expect(tlsVerify).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.result).toBeUndefined();
    expect(calls[0]?.error?.code).toMatch(
      /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/,
    );
    // Plain node:https without the CA is refused the same way; the write never reached the server.
    await expect(callRest(`${hook}booking.v1.waitlist.add`, { fields: { note: 'must not arrive' } })).rejects.toThrow(
      /self[- ]signed|unable to verify/i,
    );
    const notes = await callRest(`${hook}booking.v1.waitlist.list`, {}, { ca });
    expect(notes.body.result.waitList.map((e: { note: string }) => e.note)).not.toContain('must not arrive');
  });
});
