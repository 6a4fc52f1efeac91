/**
 * Temp directories of a test file, removed after its last test: a helper that makes one
 * registers it here, so no test has to remember to.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];

// Registered when the file imports this module, before its own hooks: after hooks run in
// reverse order, so this runs once the file's servers and child processes are stopped.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
