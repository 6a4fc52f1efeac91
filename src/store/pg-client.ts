/**
 * The PostgreSQL connections of a process: one pool, and what each connection does to the
 * statements Kysely hands it. A write on PostgreSQL is a chain of round trips (BEGIN, each
 * statement, COMMIT), and on loopback a round trip costs more CPU in the two processes' socket
 * calls and wake-ups than the statement costs to run (a profile of the write: `writev` to the
 * PostgreSQL socket was half of the server's busy time). So:
 * - statements with parameters run as named (prepared) statements, parsed once per connection;
 * - `BEGIN` is not a round trip of its own: it is written behind a cork and leaves in the same
 *   packet as the transaction's first statement (the connection is in pg's pipeline mode, which
 *   lets a statement go out before the answer to the one before it is in).
 */
import type { Socket } from 'node:net';
import pg from 'pg';

// PostgreSQL's int8 (bigint: our millisecond times, counts) as JS numbers: every value the
// server stores fits well inside 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (text) => Number(text));

export function openPool(url: string, poolSize = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: 30_000, pipeline: true });
  // A connection that drops while idle must not crash the server; the pool replaces it.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.query = withStatementsOfOurs(client) as typeof client.query;
  });
  return pool;
}

/**
 * Names come from one process-wide table of statement texts, bounded because bulk inserts of n
 * rows each spell a text of their own; past the bound, statements run unnamed.
 */
const PREPARED_LIMIT = 500;
const statementNames = new Map<string, string>();

/** What Kysely's PostgreSQL driver makes of the answer to a `BEGIN`: nothing but that it came. */
const BEGUN: pg.QueryResult = { command: 'BEGIN', rowCount: null, oid: 0, rows: [], fields: [] };

type Query = (text: unknown, values?: unknown, callback?: unknown) => Promise<pg.QueryResult>;

/**
 * `client.query` as Kysely's driver calls it (`query(text, values)`), with the statements named
 * and `BEGIN` held back until the next statement; called with a callback (`pool.query`), as pg's.
 */
function withStatementsOfOurs(client: pg.PoolClient): Query {
  const query = client.query.bind(client) as Query;
  const stream = (client as unknown as { connection: { stream: Socket } }).connection.stream;
  /** A `BEGIN` written into the corked socket, waiting for the statement it leaves with. */
  let begin: Promise<pg.QueryResult> | undefined;
  const named: Query = (text, values, callback) => {
    if (callback !== undefined) return query(text, values, callback);
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      let name = statementNames.get(text);
      if (name === undefined && statementNames.size < PREPARED_LIMIT) {
        name = `b24_${statementNames.size}`;
        statementNames.set(text, name);
      }
      if (name !== undefined) return query({ name, text, values });
    }
    return query(text, values);
  };
  return (text, values, callback) => {
    if (text === 'begin' && begin === undefined && callback === undefined) {
      stream.cork();
      begin = query('begin');
      // Its failure (only a connection that broke) is the next statement's.
      begin.catch(() => {});
      return Promise.resolve(BEGUN);
    }
    if (begin === undefined) return named(text, values, callback);
    const begun = begin;
    begin = undefined;
    const answer = named(text, values, callback);
    stream.uncork();
    // The statement counts only inside the transaction: it fails if the BEGIN did.
    return Promise.all([begun, answer]).then(([, result]) => result);
  };
}
