/**
 * The README's vitest set-up for portals (one server for the run, one portal per test file), run
 * as written: its code blocks are copied into a project of their own, with this package and
 * vitest as its dependencies, and vitest runs it in a child process.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { ROOT, SQLITE_RUN } from './support/cli.js';
import { tempDir } from './support/server.js';

const run = promisify(execFile);

/** The README's TypeScript blocks that start with a file name comment, by that name. */
function exampleFiles(): Map<string, string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const files = new Map<string, string>();
  for (const match of readme.matchAll(/```ts\n\/\/ ((?:test\/)?[\w.-]+\.ts)\b[^\n]*\n([\s\S]*?)```/g)) {
    files.set(match[1] as string, `// ${match[1]}\n${match[2]}`);
  }
  return files;
}

// It starts a server of its own on SQLite: once is enough.
it.runIf(SQLITE_RUN)("the README's vitest example runs: two tests on a portal of the file's own", async () => {
  const files = exampleFiles();
  expect([...files.keys()].sort()).toEqual([
    'test/b24-server.ts',
    'test/booking.test.ts',
    'test/portal.ts',
    'vitest.config.ts',
  ]);
  const project = tempDir('b24-readme-vitest-');
  writeFileSync(join(project, 'package.json'), '{"type": "module"}');
  for (const [name, text] of files) {
    mkdirSync(dirname(join(project, name)), { recursive: true });
    writeFileSync(join(project, name), text);
  }
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(ROOT, join(project, 'node_modules', 'b24-booking-server'));
  symlinkSync(join(ROOT, 'node_modules', 'vitest'), join(project, 'node_modules', 'vitest'));
  const { stdout } = await run(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], {
    cwd: project,
    env: { ...process.env, NO_COLOR: '1', B24_TEST_DATABASE: '' },
  });
  expect(stdout).toMatch(/Tests\s+2 passed \(2\)/);
});
