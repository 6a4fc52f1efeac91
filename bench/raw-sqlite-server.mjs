// The storage ceiling: node:http + better-sqlite3 and nothing else, running for each benchmarked
// method the very SQL statements our server runs for it (traced from dist/ through
// better-sqlite3's prepare), on the SQLite file our server created and keeps open: two processes
// sharing one WAL database, as two of our own would. No routing table, parameter binding, views,
// limits or logging: what is left is HTTP, JSON and the storage work, so our server over this one
// says what our layers cost, and this one over bare node:http what the storage costs.
//   node bench/raw-sqlite-server.mjs <data directory> [normal|full] [port]
// Answers `POST /rest/<user>/<secret>/<method>` for the three methods of bench/run.mjs with the
// JSON shape ours gives; anything else is a 404.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { timeObject } from '../dist/http/envelope.js';

const [data, sync = 'normal', port = '0'] = process.argv.slice(2);

// The pragmas of src/store/store.ts openSqlite.
const db = new SQLite(join(data, 'b24-booking.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');

// Prepared once, spelled as Kysely compiles them, so SQLite's work is the same.
const sql = {
  webhook: db.prepare('select "id", "user_id", "scopes", "created_at" from "webhook" where "secret_hash" = ?'),
  begin: db.prepare('begin immediate'),
  commit: db.prepare('commit'),
  rollback: db.prepare('rollback'),
  touchEntry: db.prepare('update "wait_list_item" set "updated_at" = ? where "id" = ? and "is_deleted" = ?'),
  deleteLinks: db.prepare('delete from "wait_list_external_data" where "wait_list_item_id" = ?'),
  insertLink: db.prepare(
    'insert into "wait_list_external_data" ("wait_list_item_id", "module_id", "entity_type_id", "value") values (?, ?, ?, ?)',
  ),
  entryClients: db.prepare(
    'select "c"."client_id", "c"."is_primary", "t"."id" as "type_id", "t"."module_id", "t"."code" from "booking_client" as "c" inner join "booking_client_type" as "t" on "t"."id" = "c"."client_type_id" where "c"."owner_kind" = ? and "c"."owner_id" = ? order by "c"."id"',
  ),
  deals: new Map(), // `where "id" in (?, ?, ...)`: one statement per number of deals, as Kysely's cache keeps them
  recordEvent: db.prepare('insert into "event_outbox" ("event", "payload", "created_at") values (?, ?, ?)'),
  entry: db.prepare(
    'select "id", "note", "created_by", "created_at", "updated_at" from "wait_list_item" where "id" = ? and "is_deleted" = ?',
  ),
  page: db.prepare('select "id", "note" from "wait_list_item" where "is_deleted" = ? order by "id" limit ? offset ?'),
};

function dealsById(ids) {
  let statement = sql.deals.get(ids.length);
  if (statement === undefined) {
    statement = db.prepare(`select * from "crm_deal" where "id" in (${ids.map(() => '?').join(', ')})`);
    sql.deals.set(ids.length, statement);
  }
  return statement.all(...ids);
}

/** Ours believes a found webhook for a second (src/rest/auth.ts CallerCache): so does this one. */
const found = new Map();
function webhookOf(secret) {
  const cached = found.get(secret);
  if (cached !== undefined && cached.until > performance.now()) return cached.hook;
  const [hook] = sql.webhook.all(createHash('sha256').update(secret).digest('hex'));
  if (hook) found.set(secret, { hook, until: performance.now() + 1000 });
  return hook;
}

/** What ours does for each method once the caller is known: `{ result, total? }`, or null when the entry is missing. */
const methods = {
  'booking.v1.waitlist.externalData.set'({ waitListId, externalData }) {
    const now = Date.now();
    sql.begin.run();
    try {
      if (sql.touchEntry.run(now, waitListId, 0).changes === 0) {
        sql.rollback.run();
        return null;
      }
      sql.deleteLinks.run(waitListId);
      for (const link of externalData) sql.insertLink.run(waitListId, link.moduleId, link.entityTypeId, link.value);
      // The deal rule (an entry without clients takes the linked deals' contacts and company).
      const clients = sql.entryClients.all('waitlist', waitListId);
      const dealIds = externalData
        .filter((link) => link.moduleId === 'crm' && link.entityTypeId === 'DEAL')
        .map((link) => Number(link.value));
      // The bench links a deal that does not exist, so ours stops after this read too.
      if (clients.length === 0 && dealIds.length > 0) dealsById(dealIds);
      sql.recordEvent.run('onBookingWaitListItemUpdate', JSON.stringify({ ID: waitListId }), now);
      sql.commit.run();
    } catch (error) {
      if (db.inTransaction) sql.rollback.run();
      throw error;
    }
    return { result: true };
  },
  'booking.v1.waitlist.get'({ id }) {
    const [row] = sql.entry.all(id, 0); // all(), as Kysely runs every select
    return row ? { result: { waitList: { id: row.id, note: row.note } } } : null;
  },
  'booking.v1.waitlist.list'() {
    const rows = sql.page.all(0, 50, 0);
    return { result: { waitList: rows.map((row) => ({ id: row.id, note: row.note })) }, total: 0 };
  },
};

function answer(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

const server = createServer((req, res) => {
  const startMs = Date.now();
  const started = performance.now();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const [, rest, userId, secret, name] = req.url.split('/');
    const method = methods[name];
    if (rest !== 'rest' || method === undefined) return answer(res, 404, { error: 'ERROR_METHOD_NOT_FOUND' });
    const hook = webhookOf(secret);
    if (!hook || String(hook.user_id) !== userId) return answer(res, 401, { error: 'NO_AUTH_FOUND' });
    const outcome = method(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
    if (outcome === null) return answer(res, 400, { error: 1040, error_description: 'not found' });
    const elapsed = performance.now() - started;
    answer(res, 200, { ...outcome, time: timeObject(startMs, elapsed, elapsed) });
  });
});
server.listen(Number(port), '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
