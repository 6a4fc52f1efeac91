/**
 * The PostgreSQL connections (src/store/pg-client.ts): `BEGIN` leaves in the same socket write as
 * the transaction's first statement, and the transaction is still a transaction: what runs in it
 * is rolled back whole, a failing first statement fails its caller and leaves the connection
 * usable. Only in the postgres project.
 */
import type { Socket } from 'node:net';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../src/store/pg-client.js';
import { freshPostgresDatabase, TEST_DATABASE } from './support/server.js';

describe.runIf(TEST_DATABASE === 'postgres')('PostgreSQL connections', () => {
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = openPool(await freshPostgresDatabase(), 2);
    await pool.query('create table note (id int primary key)');
  });
  afterAll(() => pool.end());

  /** `fn` on a connection of its own; gives what it returned and the socket writes it made. */
  async function onConnection<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<{ result: T; writes: number }> {
    const client = await pool.connect();
    const stream = (client as unknown as { connection: { stream: Socket } }).connection.stream;
    let writes = 0;
    const counted = <F extends (...args: never[]) => unknown>(write: F) =>
      ((...args: Parameters<F>) => {
        writes++;
        return write.apply(stream, args);
      }) as F;
    const original = { write: stream._write, writev: stream._writev };
    stream._write = counted(stream._write);
    if (stream._writev) stream._writev = counted(stream._writev);
    try {
      return { result: await fn(client), writes };
    } finally {
      Object.assign(stream, { _write: original.write, _writev: original.writev });
      client.release();
    }
  }

  const notes = async () => (await pool.query('select id from note order by id')).rows.map((r) => r.id);

  it('sends BEGIN with the first statement, in one write, and rolls back what ran after it', async () => {
    const { result, writes } = await onConnection(async (client) => {
      await client.query('begin', []);
      const inserted = await client.query('insert into note (id) values ($1) returning id', [1]);
      await client.query('rollback', []);
      return inserted.rows;
    });
    expect(result).toEqual([{ id: 1 }]);
    // begin + insert together, then rollback.
    expect(writes).toBe(2);
    expect(await notes()).toEqual([]);
  });

  it('commits what ran in the transaction', async () => {
    await onConnection(async (client) => {
      await client.query('begin', []);
      await client.query('insert into note (id) values ($1)', [2]);
      await client.query('insert into note (id) values ($1)', [3]);
      await client.query('commit', []);
    });
    expect(await notes()).toEqual([2, 3]);
  });

  it('fails the caller of a failing first statement, and the connection serves the next transaction', async () => {
    const { result } = await onConnection(async (client) => {
      await client.query('begin', []);
      const failed = await client.query('insert into note (id) values ($1)', [2]).then(
        () => 'inserted',
        (error: Error) => error.message,
      );
      await client.query('rollback', []);
      await client.query('begin', []);
      await client.query('insert into note (id) values ($1)', [4]);
      await client.query('commit', []);
      return failed;
    });
    expect(result).toMatch(/duplicate key/);
    expect(await notes()).toEqual([2, 3, 4]);
  });
});
