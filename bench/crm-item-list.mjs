// `crm.item.list` cost against the number of deals: the first page (with its `total`), the first
// page with `start: -1` (no count, as the SDK's list helpers ask), a keyset page (`>id`, as
// callList pages) and a filtered page (one user's deals), at 1,000 and 1,000,000 deals on the
// SQLite default, over HTTP. Medians of sequential calls on one keep-alive connection.
//   npm run build; node bench/crm-item-list.mjs [CALLS=100]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { medianPostMs, printScalingTable, SECRET, startBare, startOurs } from './support.mjs';

const calls = Number(process.argv[2] ?? 100);
const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 1 });

const medianMs = (port, path, body) => medianPostMs(`http://127.0.0.1:${port}${path}`, body, agent, calls);

/** `count` deals, one in 1,000 assigned to user 7 (the filtered case's few hundred at 1M, one at 1k). */
function seed(dir, count, now) {
  const db = new SQLite(join(dir, 'b24-booking.sqlite'));
  db.prepare(
    `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
     insert into crm_deal (title, type_id, stage_id, stage_semantic_id, category_id, currency_id, opportunity,
       is_manual_opportunity, opened, closed, is_new, assigned_by_id, created_by_id, modify_by_id,
       date_create, date_modify)
     select 'Deal ' || i, 'SALE', 'NEW', 'P', 0, 'USD', i % 1000, 'N', 'Y', 'N', 'Y',
       case when i % 1000 = 0 then 7 else 1 end, 1, 1, ? - i, ? - i from n`,
  ).run(count, now, now);
  // The counts the server keeps with every add (src/store/repositories/crm.ts), as the API would have left them.
  db.prepare('delete from crm_record_count where entity_type_id = 2').run();
  db.prepare(
    'insert into crm_record_count (entity_type_id, category_id, n) select 2, category_id, count(*) from crm_deal group by category_id',
  ).run();
  db.close();
}

const bare = await startBare();
const rows = [];
try {
  for (const count of [1_000, 1_000_000]) {
    const data = mkdtempSync(join(tmpdir(), 'b24-crm-lists-'));
    const first = await startOurs(data);
    first.child.kill();
    await new Promise((r) => first.child.once('exit', r));
    seed(data, count, Date.now());
    const ours = await startOurs(data);
    try {
      const select = ['id', 'title', 'stageId', 'opportunity'];
      const cases = [
        ['first page, with total', { entityTypeId: 2, select }],
        ['first page, start -1', { entityTypeId: 2, select, start: -1 }],
        [
          'keyset page (>id, start -1)',
          { entityTypeId: 2, select, order: { id: 'ASC' }, filter: { '>id': count / 2 }, start: -1 },
        ],
        ['one pipeline (categoryId), with total', { entityTypeId: 2, select, filter: { categoryId: 0 } }],
        ['one user (assignedById), with total', { entityTypeId: 2, select, filter: { assignedById: 7 } }],
      ];
      for (const [name, params] of cases) {
        const path = `/rest/1/${SECRET}/crm.item.list`;
        rows.push({ count, name, ms: await medianMs(ours.port, path, JSON.stringify(params)) });
      }
    } finally {
      ours.child.kill();
      rmSync(data, { recursive: true, force: true });
    }
  }
  printScalingTable(rows, 'deals', calls, await medianMs(bare.port, '/', '{}'));
} finally {
  bare.child.kill();
  agent.destroy();
}
