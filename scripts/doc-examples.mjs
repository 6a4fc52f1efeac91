// Extracts the cURL examples of the doc pages the tests run (the booking module, the CRM pages
// bookings link to, the protocol pages) into test/fixtures/doc-examples.json, so the suite runs
// them without the docs checkout. Run it after the docs change:
//   node scripts/doc-examples.mjs [DOCS_ROOT [OUT_FILE]]   (default ../shared/spec/b24restdocs)
// The suite checks the fixture against the docs whenever the docs are there.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { markdownFiles } from './markdown.mjs';

const root = process.argv[2] ?? new URL('../../shared/spec/b24restdocs/', import.meta.url).pathname;
const SECTIONS = [
  'api-reference/booking',
  'api-reference/crm/deals',
  'api-reference/crm/contacts',
  'api-reference/crm/companies',
  'api-reference/crm/universal',
  'api-reference/crm/status',
  'api-reference/user',
  'api-reference/common',
  'api-reference/events',
  'settings/how-to-call-rest-api',
  'settings/oauth',
];

/** The cURL blocks of a page, each with the label of the tab it is under. */
function curlBlocks(markdown) {
  const blocks = [];
  for (const block of markdown.matchAll(/```(?:bash|curl)\r?\n([\s\S]*?)```/g)) {
    const command = block[1].replace(/^[ \t]+/gm, '').trim();
    if (!command.startsWith('curl')) continue;
    const tab = [...markdown.slice(0, block.index).matchAll(/^\s*- (cURL[^\n]*?)\s*$/gm)].pop()?.[1] ?? null;
    blocks.push({ tab, command });
  }
  return blocks;
}

const fixture = {};
for (const section of SECTIONS) {
  for (const file of [...markdownFiles(join(root, section))].sort()) {
    const blocks = curlBlocks(readFileSync(file, 'utf8'));
    if (blocks.length > 0) fixture[relative(root, file)] = blocks;
  }
}
const out = process.argv[3] ?? new URL('../test/fixtures/doc-examples.json', import.meta.url).pathname;
writeFileSync(out, `${JSON.stringify(fixture, null, 1)}\n`);
console.log(`${Object.keys(fixture).length} pages, ${Object.values(fixture).flat().length} examples -> ${out}`);
