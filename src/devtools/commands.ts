/**
 * The offline development commands: `reset`, `snapshot save|load|list`, `seed FILE`. They act
 * on the store of `--data` / `--database` directly, as the running server's admin API does.
 */
import { readFileSync } from 'node:fs';
import { systemClock } from '../clock.js';
import { createRegistry } from '../methods.js';
import { NO_LIMITS } from '../rest/limits.js';
import { defaultSettings } from '../rest/registry.js';
import { listSnapshots, loadSnapshot, resetState, saveSnapshot } from '../store/state.js';
import { Store, type StoreOptions } from '../store/store.js';
import { applySeed, parseSeed } from './seed.js';

async function withStore<T>(options: StoreOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function resetCommand(options: StoreOptions): Promise<void> {
  return withStore(options, async (store) => {
    await resetState(store);
    console.log('reset: every booking, wait-list, CRM and event record removed; webhooks and applications kept');
  });
}

export function snapshotCommand(
  sub: string | undefined,
  name: string | undefined,
  options: StoreOptions,
): Promise<void> {
  return withStore(options, async (store) => {
    if (sub === 'list') {
      for (const s of await listSnapshots(store)) console.log(`${s.name}\t${new Date(s.createdAt).toISOString()}`);
      return;
    }
    if (!name || !/^[A-Za-z0-9._-]{1,100}$/.test(name)) {
      throw new Error('snapshot save|load NAME: a name of letters, digits, ".", "_" or "-"');
    }
    if (sub === 'save') {
      await saveSnapshot(store, name, Date.now());
      console.log(`saved snapshot "${name}"`);
    } else if (sub === 'load') {
      if (!(await loadSnapshot(store, name))) throw new Error(`no snapshot named "${name}"`);
      console.log(`loaded snapshot "${name}"`);
    } else {
      throw new Error('snapshot takes save NAME, load NAME or list');
    }
  });
}

export function seedCommand(file: string | undefined, options: StoreOptions): Promise<void> {
  if (!file) throw new Error('seed takes a file: b24-booking seed FILE (JSON or YAML)');
  const document = parseSeed(readFileSync(file, 'utf8'));
  return withStore(options, async (store) => {
    const platform = {
      registry: createRegistry(),
      store,
      clock: systemClock,
      settings: defaultSettings,
      limits: NO_LIMITS,
    };
    const { counts, ids } = await applySeed(platform, document);
    console.log(JSON.stringify({ counts, ids }));
  });
}
