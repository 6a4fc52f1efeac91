/**
 * The cURL examples the suite runs come from a fixture, so CI needs no docs checkout. Where the
 * docs are at hand (../shared/spec/b24restdocs), the fixture must still match them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { docExamples } from './support/doc-examples.js';
import { tempDir } from './support/temp.js';

const DOCS = fileURLToPath(new URL('../../shared/spec/b24restdocs/', import.meta.url));

describe('the doc-examples fixture', () => {
  it.skipIf(!existsSync(DOCS))('matches the docs it was made from', () => {
    const out = tempDir('doc-examples-');
    const script = fileURLToPath(new URL('../scripts/doc-examples.mjs', import.meta.url));
    execFileSync(process.execPath, [script, DOCS, join(out, 'doc-examples.json')]);
    expect(JSON.parse(readFileSync(join(out, 'doc-examples.json'), 'utf8'))).toEqual(docExamples);
  });

  it('holds the examples of every booking method page', () => {
    const bookingPages = Object.keys(docExamples).filter((p) => /booking-v1-[a-z.-]+\.md$/.test(p));
    expect(bookingPages.length).toBeGreaterThanOrEqual(32);
  });
});
