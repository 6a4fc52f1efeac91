// The peers `npm run bench` measures beside bare node:http and ours: what a team would run instead.
// - Mockoon CLI (`@mockoon/cli`, a dev dependency): a stub of Bitrix24 answering canned envelopes
//   (our own answers' bytes) on the same webhook routes. Its environment file is generated here
//   with `@mockoon/commons`' builders (the CLI's own library), into a temporary directory.
// - json-server 0.17 (a dev dependency): a REST server over a JSON file holding one wait-list
//   record; PATCH /waitlist/1 is the write (json-server rewrites the whole file on each one),
//   GET /waitlist/1 the get, GET /waitlist the list.
// Both run offline and print a line each request (Mockoon's transaction log, which it has no flag
// to turn off) or nothing (json-server --quiet), as they come.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuildEnvironment, BuildHeader, BuildHTTPRoute } from '@mockoon/commons';
import { freePort, ROOT, startProcess } from './support.mjs';

/**
 * Mockoon CLI answering `POST /<path>` with `body` (JSON) for each `[path, body]` of `answers`,
 * its environment written to `dir`.
 */
export async function startMockoon(dir, answers) {
  const port = await freePort();
  const environment = { ...BuildEnvironment({ hasDefaultRoute: false, port }), name: 'bitrix24-stub' };
  for (const [path, body] of answers) {
    const route = { ...BuildHTTPRoute(true, { endpoint: path.replace(/^\//, ''), body }), method: 'post' };
    route.responses[0].headers = [BuildHeader('Content-Type', 'application/json; charset=utf-8')];
    environment.routes.push(route);
    environment.rootChildren.push({ type: 'route', uuid: route.uuid });
  }
  const file = join(dir, 'mockoon-environment.json');
  writeFileSync(file, JSON.stringify(environment));
  return startProcess(
    [
      join(ROOT, 'node_modules/@mockoon/cli/bin/run.js'),
      'start',
      '--data',
      file,
      '--port',
      String(port),
      '--hostname',
      '127.0.0.1',
      '--disable-log-to-file',
      '--disable-admin-api',
    ],
    new RegExp(`Server started on port (${port})`),
  );
}

/** json-server 0.17 on a JSON file in `dir` holding the wait-list record `record` (its id 1). */
export async function startJsonServer(dir, record) {
  const port = await freePort();
  const file = join(dir, 'json-server-db.json');
  writeFileSync(file, JSON.stringify({ waitlist: [{ ...record, id: 1 }] }, null, 2));
  const args = ['--quiet', '--host', '127.0.0.1', '--port', String(port), file];
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/json-server/lib/cli/bin.js'), ...args], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // Quiet, it prints nothing when ready: wait for an answer.
  for (let tries = 0; ; tries++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/waitlist/1`)).ok) return { child, port };
    } catch (error) {
      if (tries > 200 || child.exitCode !== null) throw error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
