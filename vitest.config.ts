import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The whole suite runs twice: on the embedded SQLite default and on a real PostgreSQL started
 * from the npm registry (test/support/postgres-setup.ts). Tests read B24_TEST_DATABASE
 * through test/support/server.ts. The web console's browser tests (test/console-*.test.ts)
 * run once, on SQLite: what they prove is the page's, and the admin route under them is
 * tested on both stores (test/admin-rest.test.ts).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real servers, real sockets and child processes: give them time on a loaded 2-core CI box.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'sqlite', env: { B24_TEST_DATABASE: 'sqlite' } } },
      {
        extends: true,
        test: {
          name: 'postgres',
          env: { B24_TEST_DATABASE: 'postgres' },
          exclude: [...configDefaults.exclude, 'test/console-*.test.ts'],
          globalSetup: ['test/support/postgres-setup.ts'],
        },
      },
    ],
  },
});
