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

  it('credits a key or an error to the call it is in, or to what a `// parity:` comment names', () => {
    const page = 'api-reference/booking/waitlist/booking-v1-waitlist-get.md';
    const pages = { [page]: fixture[page] as DocPage };
    const file = (text: string, fileText = '') => ({
      file: 'test/x.test.ts',
      setup: '',
      text: fileText,
      tests: [{ file: 'test/x.test.ts', title: 't', text }],
    });
    // The key and the error belong to the call of another method made just after.
    const nearby = report(pages, [
      file("call('booking.v1.waitlist.get', {}); call('booking.v1.waitlist.update', { id: 1 }); 'Wait list not found'"),
    ]);
    expect(nearby).toContain('- booking.v1.waitlist.get: parameter `id`');
    expect(nearby).toContain('- booking.v1.waitlist.get: error `1040` Wait list not found');
    // A table of cases says what it covers; a file says whose examples it runs.
    const tagged = report(pages, [
      file(
        'for (const [m, p] of cases) call(m, p);\n// parity: booking.v1.{waitlist,booking}.get error:1040 param:id\n',
        '// parity examples: api-reference/booking/waitlist/\n',
      ),
    ]);
    expect(tagged).toContain('| `id` | yes | yes | test/x.test.ts › t |');
    expect(tagged).toContain('| `1040` | Wait list not found | test/x.test.ts › t |');
    expect(tagged).toContain('| cURL (Webhook) | test/x.test.ts |');
    // A page's placeholders stand for any value; a code two errors share does not tell which was tested.
    const shared = report(
      {
        [page]: {
          method: 'booking.v1.waitlist.get',
          params: [],
          errors: [
            { code: 'NOT_FOUND', description: 'Entity type `{entityTypeName}` is not supported' },
            { code: 'NOT_FOUND', description: 'Element not found' },
          ],
        },
      },
      [file("call('booking.v1.waitlist.get', {}); fails('NOT_FOUND', 'Entity type DEAL is not supported')")],
    );
    expect(shared).toContain('| `NOT_FOUND` | Entity type `{entityTypeName}` is not supported | test/x.test.ts › t |');
    expect(shared).toContain('- booking.v1.waitlist.get: error `NOT_FOUND` Element not found');
    // A key sent as a shorthand property counts.
    const shorthand = report(pages, [file("const id = 5; call('booking.v1.waitlist.get', { id });")]);
    expect(shorthand).toContain('| `id` | yes | yes | test/x.test.ts › t |');
  });
});

describe('the doc-pages fixture', () => {
  it.skipIf(!existsSync(DOCS))('matches the docs it was made from', () => {
    expect(readDocPages(DOCS)).toEqual(fixture);
  });
});
