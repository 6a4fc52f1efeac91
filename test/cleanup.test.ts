/**
 * What a server makes outside its data directory goes when it closes: a `:memory:` server has no
 * directory to keep a self-signed certificate in, so it makes a temp one, and removes it.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect, it } from 'vitest';
import { startTestServer } from './support/server.js';

it('a :memory: server removes the directory of its self-signed certificate on close', async () => {
  const srv = await startTestServer({ tls: 'self-signed' });
  const certPath = srv.server.certPath as string;
  expect(existsSync(certPath)).toBe(true);
  await srv.server.close();
  expect(existsSync(dirname(dirname(certPath)))).toBe(false);
});
