/**
 * PARITY.md (`npm run parity`): current with the doc pages, the declarations and the tests, and
 * every documented booking method declared. The pages come from a fixture, so CI needs no docs
 * checkout; where the docs are at hand, the fixture must match them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type DocPage, parityReport, readDocPages, readTests } from '../scripts/parity.mjs';
import { createRegistry } from '../src/methods.js';
import { openApiDocument } from '../src/openapi/document.js';
import { docExamples } from './support/doc-examples.js';

const DOCS = fileURLToPath(new URL('../../shared/spec/b24restdocs/', import.meta.url));
const fixture = JSON.parse(readFileSync(new URL('./fixtures/doc-pages.json', import.meta.url), 'utf8')) as Record<
  string,
  DocPage
>;

const report = (pages = fixture, tests = readTests(fileURLToPath(new URL('.', import.meta.url)))) =>
  parityReport({ pages, examples: docExamples, document: openApiDocument(createRegistry().all()), tests });

describe('PARITY.md', () => {
  it('is current (run `npm run parity` after changing a method, a test or the docs)', () => {
    expect(readFileSync(new URL('../PARITY.md', import.meta.url), 'utf8')).toBe(report());
  });

  it('has every documented booking method declared', () => {
    const registry = createRegistry();
    const booking = Object.entries(fixture).filter(([page]) => page.startsWith('api-reference/booking/'));
    expect(booking.length).toBeGreaterThanOrEqual(37);
    for (const [page, { method }] of booking) expect(registry.find(method), page).toBeDefined();
  });

  it('lists what no test covers, and a documented method that is not declared', () => {
    const page = 'api-reference/booking/waitlist/booking-v1-waitlist-get.md';
    const pages = {
      [page]: fixture[page] as DocPage,
      'api-reference/booking/x/booking-v1-nothing-get.md': {
        method: 'booking.v1.nothing.get',
        params: [{ path: 'id', required: true }],
        errors: [],
      },
    };
    const text = report(pages, []);
    expect(text).toContain('- booking.v1.waitlist.get: no test calls it');
    expect(text).toContain('- booking.v1.waitlist.get: parameter `id`');
    expect(text).toContain('- booking.v1.waitlist.get: error `1040` Wait list not found');
    expect(text).toContain('- booking.v1.waitlist.get: cURL example "cURL (Webhook)"');
    expect(text).toContain(
      '- booking.v1.nothing.get (api-reference/booking/x/booking-v1-nothing-get.md): not declared',
    );
    const tested = report(pages, [
      {
        file: 'test/x.test.ts',
        setup: "const PAGES = ['api-reference/booking/waitlist/booking-v1-waitlist-get.md'];",
        text: '',
        tests: [
          {
            file: 'test/x.test.ts',
            title: 'gets',
            text: "call('booking.v1.waitlist.get', { id: 1 }); 'Wait list not found'",
          },
        ],
      },
    ]);
    expect(tested).toContain('| `id` | yes | yes | test/x.test.ts › gets |');
    expect(tested).toContain('| `1040` | Wait list not found | test/x.test.ts › gets |');
    expect(tested).toContain('| cURL (Webhook) | test/x.test.ts |');
  });
});

describe('the doc-pages fixture', () => {
  it.skipIf(!existsSync(DOCS))('matches the docs it was made from', () => {
    expect(readDocPages(DOCS)).toEqual(fixture);
  });
});
