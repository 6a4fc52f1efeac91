/** Versioned migrations, in order. One list for every dialect. */
import type { Migration } from 'kysely';
import * as initial from './001-initial.js';
import * as platform from './004-platform.js';

export const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '004-platform': platform,
};
