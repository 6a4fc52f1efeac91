// What the benchmark scripts share: starting the servers they measure, and a JSON POST on a
// keep-alive agent.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

export const ROOT = new URL('..', import.meta.url).pathname;
export const SECRET = 'benchsecret00000';

/** Starts `node <args>` in the project and resolves once its output matches `readyPattern`. */
export function startProcess(args, readyPattern) {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const match = readyPattern.exec(out);
      if (match) {
        // Stop collecting, keep draining: a server that logs must never block on a full pipe.
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve({ child, port: Number(match[1]) });
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

/** The bare node:http baseline (bench/bare-server.mjs) on a free port. */
export const startBare = () => startProcess(['bench/bare-server.mjs', '0'], /listening on (\d+)/);

/** Our built server with the bench webhook, request log off; `extra` are more serve flags. */
export function startOurs(data, extra = []) {
  return startProcess(
    [
      'dist/cli.js',
      'serve',
      '--port',
      '0',
      '--data',
      data,
      '--webhook',
      `1:${SECRET}:booking,crm`,
      '--log-level',
      'warn',
      ...extra,
    ],
    /listening on https?:\/\/[^:]+:(\d+)/,
  );
}

/** Peak resident memory of a process so far (Linux VmHWM), in MiB. */
export function peakMemoryMiB(pid) {
  try {
    return Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024);
  } catch {
    return Number.NaN;
  }
}

/** POSTs a JSON body (an object, or a string sent as it is); resolves with status and text. */
export function postJson(url, body, agent) {
  const data = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
