/**
 * The offline development commands: `reset`, `snapshot save|load|list`, `seed FILE`. They act
 * on one portal's store (`--data` / `--database`, `--portal`) directly, as the running server's
 * admin API does.
 */
import { readFileSync } from 'node:fs';
import type { Platform } from '../rest/dispatch.js';
import { listSnapshots, loadSnapshot, resetState, saveSnapshot } from '../store/state.js';
import { applySeed, parseSeed } from './seed.js';

export async function resetCommand(platform: Platform): Promise<void> {
  await resetState(platform.store);
  console.log('reset: every booking, wait-list, CRM and event record removed; webhooks and applications kept');
}

export async function snapshotCommand(sub: string | undefined, name: string | undefined, platform: Platform) {
  const { store } = platform;
  if (sub === 'list') {
    for (const s of await listSnapshots(store)) console.log(`${s.name}\t${new Date(s.createdAt).toISOString()}`);
    return;
  }
  if (!name || !/^[A-Za-z0-9._-]{1,100}$/.test(name)) {
    throw new Error('snapshot save|load NAME: a name of letters, digits, ".", "_" or "-"');
  }
  if (sub === 'save') {
    await saveSnapshot(store, name, platform.clock.now());
    console.log(`saved snapshot "${name}"`);
  } else if (sub === 'load') {
    if (!(await loadSnapshot(store, name))) throw new Error(`no snapshot named "${name}"`);
    console.log(`loaded snapshot "${name}"`);
  } else {
    throw new Error('snapshot takes save NAME, load NAME or list');
  }
}

/** A seed file, read and parsed before any store is opened: a bad file changes nothing. */
export function readSeedFile(file: string | undefined): unknown {
  if (!file) throw new Error('seed takes a file: b24-booking seed FILE (JSON or YAML)');
  return parseSeed(readFileSync(file, 'utf8'));
}

export async function seedCommand(document: unknown, platform: Platform): Promise<void> {
  const { counts, ids } = await applySeed(platform, document);
  console.log(JSON.stringify({ counts, ids }));
}
