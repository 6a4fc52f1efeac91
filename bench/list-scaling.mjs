// List cost against the amount of data: `booking.v1.waitlist.list` (first page, page 20 at
// start=950, and one day by createdWithin) at 1,000 and at 1,000,000 entries, on the SQLite
// default, over HTTP with the bare node:http baseline in the same run. Medians of sequential
// calls on one keep-alive connection.   node bench/list-scaling.mjs [CALLS=300]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { medianPostMs, printScalingTable, SECRET, startBare, startOurs } from './support.mjs';

const calls = Number(process.argv[2] ?? 300);
const DAY = 86_400_000;
const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 1 });

const medianMs = (port, path, body) => medianPostMs(`http://127.0.0.1:${port}${path}`, body, agent, calls, 30);

/**
 * Fills the store directly: `count` entries, 50 a day going back from now, so a day holds the
 * same entries at both sizes and only the entries outside it differ.
 */
function seed(dir, count, now) {
  const db = new SQLite(join(dir, 'b24-booking.sqlite'));
  const spread = Math.ceil(count / 50);
  db.prepare(
    `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
     insert into wait_list_item (created_by, created_at, note, is_deleted)
     select 1, ? - (i % ?) * ? - i, 'entry ' || i, 0 from n`,
  ).run(count, now, spread, DAY);
  db.close();
}

const bare = await startBare();
const rows = [];
try {
  for (const count of [1_000, 1_000_000]) {
    const data = mkdtempSync(join(tmpdir(), 'b24-lists-'));
    // The server makes the schema; stop it, fill the file, start it again.
    const first = await startOurs(data);
    first.child.kill();
    await new Promise((r) => first.child.once('exit', r));
    const now = Date.now();
    const t0 = Date.now();
    seed(data, count, now);
    const seedSeconds = (Date.now() - t0) / 1000;
    const ours = await startOurs(data);
    try {
      const day = new Date(now - 3 * DAY);
      const dd = (d) =>
        `${String(d.getDate()).padStart(2, '0')}.${String(d.getMonth() + 1).padStart(2, '0')}.${d.getFullYear()}`;
      const cases = [
        ['first page', {}],
        ['page 20 (start=950)', { start: 950 }],
        [
          'one day (createdWithin)',
          { filter: { createdWithin: { from: dd(day), to: dd(new Date(day.getTime() + DAY)) } } },
        ],
      ];
      for (const [name, params] of cases) {
        const path = `/rest/1/${SECRET}/booking.v1.waitlist.list`;
        rows.push({ count, name, ms: await medianMs(ours.port, path, JSON.stringify(params)), seedSeconds });
      }
    } finally {
      ours.child.kill();
      rmSync(data, { recursive: true, force: true });
    }
  }
  printScalingTable(rows, 'entries', calls, await medianMs(bare.port, '/', '{}'));
} finally {
  bare.child.kill();
  agent.destroy();
}
