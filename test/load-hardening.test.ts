/**
 * A bounded load of what an attacker without credentials sends: twenty 8 MiB bodies at once and
 * 300 slow connections (headers that never end, bodies a byte at a time, with a wrong secret and
 * with none). Meanwhile /health must keep answering quickly, and the server process must stay
 * under a stated memory bound. The server runs as a child process (the built CLI), so its memory
 * is its own.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, SQLITE_RUN, startCli } from './support/cli.js';

/** What the server may grow by under this load, MiB: the 64 MiB budget for unauthenticated bodies, and room. */
const MEMORY_GROWTH_BOUND_MIB = 160;
/** How quickly /health must answer while the load runs, ms. */
const HEALTH_BOUND_MS = 100;

let server: CliServer;
let port: number;

beforeAll(async () => {
  server = await startCli(['--port', '0', '--data', ':memory:', '--log-level', 'silent']);
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server?.stop();
});

/** Resident memory of the server process, MiB: now (VmRSS) or at its peak so far (VmHWM). */
function residentMiB(field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  const kib = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
  return kib / 1024;
}

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** One GET /health: its status and how long it took, ms. */
function health(): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end();
  });
}

/** An 8 MiB JSON body without credentials, sent as fast as loopback takes it; resolves with the status line. */
function bigBody(body: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/rest/booking.v1.waitlist.list',
        headers: { 'content-type': 'application/json', 'content-length': body.length },
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.statusCode)));
      },
    );
    // A server that answers and closes before the body is sent makes the rest of the write fail.
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    req.end(body);
  });
}

describe.runIf(SQLITE_RUN)('under a load of unauthenticated and slow clients', () => {
  it(`/health answers within ${HEALTH_BOUND_MS} ms and memory grows by less than ${MEMORY_GROWTH_BOUND_MIB} MiB`, async () => {
    const before = residentMiB('VmRSS');
    const zeros = Buffer.from(`[${'0,'.repeat(4 * 1024 * 1024 - 10)}0]`);
    const slow: Socket[] = [];
    const heads = [
      // Headers that never end.
      () => 'POST /rest/booking.v1.waitlist.list HTTP/1.1\r\nHost: a\r\n',
      // A wrong secret in the path, then a body a byte at a time.
      () =>
        'POST /rest/1/wrongsecret0000/booking.v1.waitlist.list HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n',
      // No credentials, a body a byte at a time.
      () =>
        'POST /rest/booking.v1.waitlist.list HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n',
    ];
    for (let i = 0; i < 300; i++) {
      const socket = await open();
      socket.on('error', () => {});
      socket.write((heads[i % 3] as () => string)());
      slow.push(socket);
    }
    const trickle = setInterval(() => {
      for (const socket of slow) if (!socket.destroyed) socket.write('[');
    }, 100);

    const probes: { status: number; ms: number }[] = [];
    let loading = true;
    const probing = (async () => {
      while (loading) {
        probes.push(await health());
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const answers = await Promise.all(Array.from({ length: 20 }, () => bigBody(zeros)));
    // Let the slow connections trickle on for a while after the bodies.
    await new Promise((r) => setTimeout(r, 1500));
    loading = false;
    await probing;
    clearInterval(trickle);
    const peak = residentMiB('VmHWM');
    for (const socket of slow) socket.destroy();

    // Each big body is refused: 400 (too many values) when it fit in the budget, 503 or a
    // closed connection when it did not.
    for (const answer of answers) expect(['400', '503', 'EPIPE', 'ECONNRESET']).toContain(answer);
    expect(answers).toContain('400');
    const times = probes.map((p) => p.ms).sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] as number;
    const worst = times[times.length - 1] as number;
    console.log(
      `load-hardening: ${probes.length} /health probes, median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms; ` +
        `memory ${before.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB; big bodies: ${answers.join(' ')}`,
    );
    expect(probes.every((p) => p.status === 200)).toBe(true);
    expect(probes.length).toBeGreaterThan(10);
    expect(median).toBeLessThan(HEALTH_BOUND_MS);
    expect(worst).toBeLessThan(HEALTH_BOUND_MS * 5);
    expect(peak - before).toBeLessThan(MEMORY_GROWTH_BOUND_MIB);
  });
});
