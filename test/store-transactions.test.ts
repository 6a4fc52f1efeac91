/**
 * The store's transactions (`Store.write`, `Store.transaction`), on the backend under test: on
 * SQLite they run on the connection directly (src/store/sqlite-direct.ts), on PostgreSQL through
 * Kysely; both must commit whole, roll back whole, and keep concurrent writers apart.
 */
import { describe, expect, it } from 'vitest';
import type { Repositories } from '../src/store/store.js';
import { useServer } from './support/server.js';

const server = useServer();
const store = () => server().server.store;

async function entries(): Promise<number> {
  const rows = await store().db.selectFrom('wait_list_item').select('id').execute();
  return rows.length;
}

const addEntry = (repos: Repositories, note: string) => repos.waitList.insert({ note, createdBy: 1, createdAt: 1 });

describe('Store.write', () => {
  it('rolls back everything a failing write did, and the next write goes through', async () => {
    const before = await entries();
    await expect(
      store().write(async (repos) => {
        await addEntry(repos, 'rolled back');
        await repos.crm.insert('crm_deal', { title: 'rolled back' });
        throw new Error('the write fails');
      }),
    ).rejects.toThrow('the write fails');
    expect(await entries()).toBe(before);
    await store().write((repos) => addEntry(repos, 'kept'));
    expect(await entries()).toBe(before + 1);
  });

  it('commits 30 concurrent writes, each whole', async () => {
    const before = await entries();
    const ids = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        store().write(async (repos) => {
          const id = await addEntry(repos, `concurrent ${i}`);
          await repos.waitList.replaceExternalData(id, [{ moduleId: 'crm', entityTypeId: 'DEAL', value: String(i) }]);
          return id;
        }),
      ),
    );
    expect(new Set(ids).size).toBe(30);
    expect(await entries()).toBe(before + 30);
    for (const [i, id] of ids.entries()) {
      expect(await store().read((repos) => repos.waitList.externalData(id))).toEqual([
        { moduleId: 'crm', entityTypeId: 'DEAL', value: String(i) },
      ]);
    }
  });

  it('refuses statements of a write that has ended, built once or built per call', async () => {
    const id = await store().write((repos) => addEntry(repos, 'ended'));
    let kept: Repositories | undefined;
    await store().write(async (repos) => {
      kept = repos;
    });
    const ended = kept as Repositories;
    await expect(ended.waitList.touch(id, 2)).rejects.toThrow();
    await expect(ended.crm.update('crm_deal', 1, { title: 'late' })).rejects.toThrow();
  });
});

describe('replacing the links of an entry', () => {
  it('leaves exactly the new set, in order, whatever the lengths before and after', async () => {
    const id = await store().write((repos) => addEntry(repos, 'links'));
    const links = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => ({ moduleId: 'crm', entityTypeId: 'DEAL', value: `${tag}${i}` }));
    // 300 and 257 cross the 256-row piece on PostgreSQL, where the delete rides with the first one.
    for (const [n, tag] of [
      [3, 'a'],
      [0, 'b'],
      [1, 'c'],
      [300, 'd'],
      [257, 'e'],
      [2, 'f'],
    ] as const) {
      await store().write((repos) => repos.waitList.replaceExternalData(id, links(n, tag)));
      expect(await store().read((repos) => repos.waitList.externalData(id))).toEqual(links(n, tag));
    }
  });

  it('changes nothing when the write fails after the replacement', async () => {
    const id = await store().write(async (repos) => {
      const made = await addEntry(repos, 'kept links');
      await repos.waitList.replaceExternalData(made, [{ moduleId: 'crm', entityTypeId: 'DEAL', value: 'kept' }]);
      return made;
    });
    await expect(
      store().write(async (repos) => {
        await repos.waitList.replaceExternalData(id, [{ moduleId: 'crm', entityTypeId: 'DEAL', value: 'gone' }]);
        throw new Error('the write fails');
      }),
    ).rejects.toThrow('the write fails');
    expect(await store().read((repos) => repos.waitList.externalData(id))).toEqual([
      { moduleId: 'crm', entityTypeId: 'DEAL', value: 'kept' },
    ]);
  });
});

describe('Store.transaction', () => {
  it('joins the writes inside it into one transaction: a failure rolls back all of them', async () => {
    const before = await entries();
    await expect(
      store().transaction(async (tx) => {
        await tx.write((repos) => addEntry(repos, 'first'));
        await tx.write((repos) => addEntry(repos, 'second'));
        // Inside, both are there (a statement built per call, on the transaction's connection).
        expect(await tx.db.selectFrom('wait_list_item').select('id').execute()).toHaveLength(before + 2);
        throw new Error('the transaction fails');
      }),
    ).rejects.toThrow('the transaction fails');
    expect(await entries()).toBe(before);
  });
});
