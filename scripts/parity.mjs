// PARITY.md: every method, parameter, error code and cURL example of the doc pages, each with
// the test that covers it, and what no test covers. `npm run parity [-- DOCS_ROOT]` (it builds first):
//   1. where the docs are at hand (../shared/spec/b24restdocs, or the path given), reads their pages into
//      test/fixtures/doc-pages.json, so CI needs no docs checkout;
//   2. writes PARITY.md from that fixture, test/fixtures/doc-examples.json (the cURL examples),
//      the OpenAPI document of the built declarations and the test files.
// test/parity.test.ts fails when PARITY.md or the fixture is stale, and when a documented
// booking method is not declared.
//
// How a test is credited (see `parityReport`): a parameter's key or an error's text (its
// placeholders standing for any value) or code (where the page gives no other error that code)
// counts for the call it belongs to, that is the nearest method name before it in the test (or, where the
// test names no method before it, the nearest after it), so a key sent to one method does not
// cover another called nearby. Where a test cannot show that by its text (a table of cases, a
// loop over methods), it says what it covers in a comment inside the test:
//   // parity: crm.status.add error:ERROR_CORE error:"Status already exists" param:fields.SORT
//   // parity: crm.{deal,contact,company}.get error:"ID is not defined"
// (`error:CODE` matches the code, `error:"..."` a part of the description, `param:` the
// parameter's path; one `{a,b}` group names several methods). A comment before a file's first
// test (a table of cases it runs) counts for that test. A file that runs the cURL examples of pages it does not name says which:
//   // parity examples: api-reference/crm/status/ api-reference/user/
// (each a path prefix of the pages, as doc-pages.json names them).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownFiles } from './markdown.mjs';

/**
 * The doc sections read: the booking module, the CRM records it links to (and their universal
 * face, pipelines and smart process types), the CRM's reference lists, and the users.
 */
const SECTIONS = [
  'api-reference/booking',
  'api-reference/crm/deals',
  'api-reference/crm/contacts',
  'api-reference/crm/companies',
  'api-reference/crm/universal',
  'api-reference/crm/status',
  'api-reference/user',
];

// -----------------------------------------------------------------------------------------------
// Reading the doc pages

const METHOD = /^[a-z]+(\.[A-Za-z0-9]+)+$/;

/** The section of a page from a `## ` heading to the next one. */
function section(markdown, heading) {
  const start = markdown.search(new RegExp(`^## ${heading}\\s*$`, 'm'));
  if (start === -1) return '';
  const rest = markdown.slice(start + 3);
  const end = rest.search(/^## /m);
  return end === -1 ? rest : rest.slice(0, end);
}

/** The `#| ... |#` tables of a text: each row's cells, the header row (`**Name**`, `**Code**`) apart. */
function tables(text) {
  const out = [];
  for (const table of text.matchAll(/^#\|\s*\n([\s\S]*?)^\|#/gm)) {
    const rows = table[1].split(/\|\|\s*\n(?=\|\|)/).map((row) =>
      row
        .replace(/^\|\|\s*/, '')
        .replace(/\s*\|\|\s*$/, '')
        .split(/\s\|\s/)
        .map((cell) => cell.trim()),
    );
    const headed = /^\*\*\w+\*\*/.test(rows[0]?.[0] ?? '') && rows[0].every((cell) => /^\*\*[^*]+\*\*/.test(cell));
    out.push({
      header: headed ? rows[0].map((cell) => cell.replace(/\*\*/g, '').split(/\s/)[0]) : [],
      rows: headed ? rows.slice(1) : rows,
    });
  }
  return out;
}

const tableRows = (text) => tables(text).flatMap((table) => table.rows);

/** `**name***` (required) or `**name**`, at the start of a parameter row. */
function parameterOf(cell) {
  const match = /^\*\*([A-Za-z_][A-Za-z0-9_]*)\*\*(\*)?/.exec(cell);
  return match ? { name: match[1], required: match[2] === '*' } : undefined;
}

/**
 * The parameters of a page, as dotted paths: the top table's, then each `### ... {#name}`
 * subsection's under the parameter of that name (`fields.datePeriod.from`).
 */
function parametersOf(markdown) {
  const text = section(markdown, 'Method Parameters');
  const parts = text.split(/^### .*?\{#([A-Za-z0-9_-]+)\}\s*$/m);
  const params = [];
  const add = (prefix, rows) => {
    for (const cells of rows) {
      const param = parameterOf(cells[0] ?? '');
      if (param) params.push({ path: prefix + param.name, required: param.required });
    }
  };
  add('', tableRows(parts[0] ?? ''));
  for (let i = 1; i < parts.length; i += 2) {
    const anchor = parts[i].replace(/^parameter-/, '');
    const parent = params.find((p) => p.path.split('.').pop().toLowerCase() === anchor.toLowerCase());
    // A subsection of a parameter the tables do not list (`auth`, say) is no parameter of the method.
    if (parent) add(`${parent.path}.`, tableRows(parts[i + 1] ?? ''));
  }
  return params.filter((p, i) => params.findIndex((q) => q.path === p.path) === i);
}

/** A cell's text: its backticks off, and what a stray `|` of the table's markup left after it. */
const unquote = (cell) =>
  cell
    .replace(/\s*\|.*$/, '')
    .replace(/^`|`$/g, '')
    .trim();

/** The rows of "Possible Error Codes": code (`''` for "Empty value", or where no column) and description. */
function errorsOf(markdown) {
  const text = section(markdown, 'Error Handling');
  const at = text.search(/^### Possible Error Codes/m);
  if (at === -1) return [];
  return tables(text.slice(at)).flatMap(({ header, rows }) => {
    const codeAt = header.indexOf('Code');
    const textAt = header.indexOf('Description');
    return rows.map((cells) => {
      const code = codeAt === -1 ? '' : unquote(cells[codeAt] ?? '');
      return { code: /^empty/i.test(code) ? '' : code, description: unquote(cells[textAt] ?? '') };
    });
  });
}

/** Every page of the sections that documents one method: its method, parameters and errors. */
export function readDocPages(root) {
  const pages = {};
  for (const dir of SECTIONS) {
    for (const file of [...markdownFiles(join(root, dir))].sort()) {
      const markdown = readFileSync(file, 'utf8');
      const title = /^# (.+)$/m.exec(markdown)?.[1] ?? '';
      const method = title.split(/\s+/).pop();
      if (!METHOD.test(method)) continue;
      pages[relative(root, file)] = { method, params: parametersOf(markdown), errors: errorsOf(markdown) };
    }
  }
  return pages;
}

// -----------------------------------------------------------------------------------------------
// Finding the tests

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The tests of a file: each `it(...)`/`test(...)` from its title to the next one, and the
 * file's text before the first (its setup, which names the doc pages a docs test runs).
 */
function testsOf(file, text) {
  const starts = [...text.matchAll(/^\s*(?:it|test)(?:\.\w+(?:\([^)]*\))?)*\(\s*(['"`])((?:\\.|(?!\1).)*)\1/gm)];
  // `booking.v1.waitlist.${method}`: the file's tests name its methods by the rest (`call('get', ...)`).
  const prefixes = [...new Set([...text.matchAll(/`([a-z]+(?:\.[A-Za-z0-9]+)+\.)\$\{/g)].map((m) => m[1]))];
  const setup = text.slice(0, starts[0]?.index ?? text.length);
  const tests = starts.map((match, i) => {
    const own = text.slice(match.index, starts[i + 1]?.index ?? text.length);
    // A table of cases before the file's first test is run by it: so are its `// parity:` comments.
    return { file, prefixes, title: match[2], text: own, ...(i === 0 && { comments: setup + own }) };
  });
  return { file, setup, text, tests };
}

/** The test files, each split into its tests. */
export function readTests(dir) {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => testsOf(`test/${name}`, readFileSync(join(dir, name), 'utf8')));
}

/**
 * A method's name as a test has it: whole, not part of a longer name; or, in a file that names
 * its methods from a prefix, the rest of the name quoted (`'get'` under `booking.v1.waitlist.`).
 */
function methodPattern(method, test) {
  const whole = `(?<![\\w.])${escapeRegExp(method)}(?![\\w]|\\.[a-z])`;
  const rests = (test?.prefixes ?? [])
    .filter((prefix) => method.toLowerCase().startsWith(prefix.toLowerCase()))
    .map((prefix) => `(?<=['"])${escapeRegExp(method.slice(prefix.length))}(?=['"])`);
  return new RegExp([whole, ...rests].join('|'), 'gi');
}

/** A parameter's key as a test sends it: `name:`, `"name":`, `name=`, `[name]` or shorthand (`{ id, name }`). */
const keyPattern = (name) => {
  const key = escapeRegExp(name);
  return new RegExp(`(?<![\\w])(["']?${key}["']?\\s*:|${key}=|\\[${key}\\])|(?<=[{,]\\s*)${key}(?=\\s*[,}])`, 'i');
};

/** The keys a cURL example sends, at any depth (`-d '{"fields":{"note":...}}'` sends fields and note). */
function sentKeys(command) {
  const body = /-d '([^']*)'/.exec(command)?.[1];
  const keys = new Set();
  const walk = (value) => {
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value)) {
      if (!Array.isArray(value)) keys.add(key.toLowerCase());
      walk(inner);
    }
  };
  try {
    walk(JSON.parse(body ?? '{}'));
  } catch {
    // Not JSON: sends no keys this can read.
  }
  return keys;
}

const label = (test) => `${test.file} › ${test.title}`;

/** How far from a mention of the method a parameter's key or an error's text may be, in characters. */
const NEAR = { key: 300, error: 600 };

/**
 * Where a test names a method it may call, in order: any of `known` (lower case) written whole,
 * or quoted as the rest of a name under one of the file's prefixes.
 */
function mentionsOf(test, known) {
  // A `// parity:` comment is no call: what follows it belongs to the call before, as without it.
  const text = test.text.replace(/\/\/\s*parity:.*$/gm, (comment) => ' '.repeat(comment.length));
  const found = [];
  for (const m of text.matchAll(/(?<![\w.])[a-z]+(?:\.[A-Za-z0-9]+)+/gi)) {
    if (known.has(m[0].toLowerCase())) found.push({ index: m.index, length: m[0].length, method: m[0].toLowerCase() });
  }
  for (const prefix of test.prefixes ?? []) {
    for (const m of text.matchAll(/(?<=['"])[A-Za-z0-9.]+(?=['"])/g)) {
      const method = `${prefix}${m[0]}`.toLowerCase();
      if (known.has(method)) found.push({ index: m.index, length: m[0].length, method });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/**
 * Where the call a method's name is written in ends: the first bracket closed after it that it
 * did not open (`call('crm.deal.add', { fields: {...} })` ends at the last `)`); quoted text skipped.
 */
function callEnd(text, from) {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      const close = text.indexOf(c, i + 1);
      if (close === -1) return text.length;
      i = close;
    } else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && --depth < 0) return i;
  }
  return text.length;
}

/**
 * Whether `pattern` occurs in the test as part of a call of the method: within the call's own
 * brackets however long they are, or else the nearest method the test names before it (or, with
 * none before, after it) is this one, within `distance` characters.
 */
function inCallOf(test, method, pattern, distance, mentions) {
  const found = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
  const wanted = method.toLowerCase();
  return [...test.text.matchAll(found)].some((m) => {
    const before = mentions.filter((at) => at.index < m.index).pop();
    const owner = before ?? mentions.find((at) => at.index > m.index);
    if (owner?.method !== wanted) return false;
    // The call's brackets are after the name and its closing quote.
    if (before && m.index < callEnd(test.text, before.index + before.length + 1)) return true;
    return Math.abs(m.index - owner.index) <= distance;
  });
}

/** `crm.{deal,contact}.get` -> crm.deal.get, crm.contact.get (one brace group). */
function expandBraces(name) {
  const group = /\{([^}]*)\}/.exec(name);
  if (!group) return [name];
  return group[1].split(',').map((part) => name.replace(group[0], part.trim()));
}

/** The `// parity: <method> param:<path> error:<code> error:"<text>"` comments of a test. */
function tagsOf(test) {
  const tags = [];
  for (const line of (test.comments ?? test.text).matchAll(
    /\/\/\s*parity:\s*([a-z]+(?:\.(?:[A-Za-z0-9]+|\{[A-Za-z0-9., ]+\}))+)(.*)$/gm,
  )) {
    for (const method of expandBraces(line[1])) {
      for (const item of line[2].matchAll(/(param|error):("[^"]*"|\S+)/g)) {
        const quoted = item[2].startsWith('"');
        const value = quoted ? item[2].slice(1, -1) : item[2];
        tags.push({ method: method.toLowerCase(), kind: item[1], value, quoted });
      }
    }
  }
  return tags;
}

/** Whether a test's comments say it covers the method's parameter or error. */
function tagged(test, method, kind, matches) {
  return tagsOf(test).some((tag) => tag.method === method.toLowerCase() && tag.kind === kind && matches(tag));
}

/** The page path prefixes a file's `// parity examples:` comments name. */
const examplePrefixes = (file) =>
  [...file.text.matchAll(/\/\/\s*parity examples:(.*)$/gm)].flatMap((m) => m[1].trim().split(/\s+/));

/**
 * The tests naming a method, the most telling first: one whose title names the method, in a
 * file named for its entity (`waitlist` of booking.v1.waitlist.get), naming it most often.
 */
function testsNaming(tests, method) {
  const entity = method
    .toLowerCase()
    .split('.')
    .filter((part) => part !== 'v1' && part !== method.split('.')[0])
    .slice(0, 1);
  const mentions = (test, text) => text.match(methodPattern(method, test))?.length ?? 0;
  const score = (test) =>
    (mentions(test, test.title) > 0 ? 1000 : 0) +
    (entity.some((part) => test.file.toLowerCase().includes(part)) ? 100 : 0) +
    Math.min(mentions(test, test.text), 99);
  const isTagged = (test) => tagsOf(test).some((tag) => tag.method === method.toLowerCase());
  return tests
    .filter((test) => mentions(test, test.text) > 0 || isTagged(test))
    .map((test, index) => ({ test, index, score: score(test) }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map(({ test }) => test);
}

// -----------------------------------------------------------------------------------------------
// The report

/** What the OpenAPI request body schema says of a parameter path: declared, free-form or absent. */
function declaredIn(document, params, path) {
  const follow = (node) =>
    typeof node?.$ref === 'string'
      ? node.$ref
          .slice(2)
          .split('/')
          .reduce((at, key) => at?.[key], document)
      : node;
  let schema = follow(params);
  for (const segment of path.split('.')) {
    if (schema?.type === 'array' || (Array.isArray(schema?.type) && !schema.properties)) {
      schema = schema.items ? follow(schema.items) : schema;
    }
    if (schema && schema.properties === undefined && schema !== params) return 'any key';
    const properties = schema?.properties ?? {};
    const key = Object.keys(properties).find((name) => name.toLowerCase() === segment.toLowerCase());
    if (key === undefined) return schema && Object.keys(properties).length === 0 ? 'any key' : 'no';
    schema = follow(properties[key]);
  }
  return 'yes';
}

/**
 * An error's text as a test has it: the page's placeholders (`'field_n'`, `{entityTypeName}`, any
 * part in backticks) stand for whatever the test names there, and a value in braces the page
 * leaves out may stand between two words (`Invalid value {x} to match`). Undefined when too
 * little is left.
 */
function textPattern(description) {
  const parts = description.split(/`[^`]*(?:`|$)|\{[A-Za-z_]+\}/);
  if (parts.join('').trim().length < 6) return undefined;
  const words = (part) => escapeRegExp(part).replaceAll(' ', ' (?:\\{[^}]*\\} )?');
  return new RegExp(parts.map(words).join('.{1,80}?'));
}

const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');

/**
 * PARITY.md from the doc pages (readDocPages), the cURL examples (doc-examples.json), the
 * OpenAPI document and the tests (readTests). CRM pages count only for the methods declared.
 */
export function parityReport({ pages, examples, document, tests }) {
  const operations = new Map(
    Object.values(document.paths).map((item) => [item.post.operationId.toLowerCase(), item.post]),
  );
  const paramsOf = (operation) => operation.requestBody.content['application/json'].schema;
  const allTests = tests.flatMap((file) => file.tests);
  const known = new Set([...operations.keys(), ...Object.values(pages).map((page) => page.method.toLowerCase())]);
  const mentions = new Map(allTests.map((test) => [test, mentionsOf(test, known)]));
  const missing = [];
  const out = [];
  const counts = { methods: 0, declared: 0, params: 0, errors: 0, examples: 0 };
  const covered = { methods: 0, params: 0, errors: 0, examples: 0 };
  const entries = Object.entries(pages).filter(
    ([page, { method }]) => page.startsWith('api-reference/booking/') || operations.has(method.toLowerCase()),
  );
  for (const [page, { method, params, errors }] of entries) {
    const operation = operations.get(method.toLowerCase());
    const fileName = page.split('/').pop();
    // A docs test names the page it runs; any other test names the method.
    const pageFiles = tests.filter(
      (file) =>
        file.setup.includes(fileName) ||
        file.text.includes(`/${fileName}'`) ||
        examplePrefixes(file).some((prefix) => page.startsWith(prefix)),
    );
    const byMethod = testsNaming(allTests, method);
    const first = (found) => (found ? label(found) : '');
    const blocks = examples[page] ?? [];
    // A docs test runs the page's examples, so it sends what they send.
    const exampleKeys = new Set(blocks.flatMap((block) => [...sentKeys(block.command)]));
    const methodTest = byMethod[0] ? label(byMethod[0]) : (pageFiles[0]?.file ?? '');
    counts.methods++;
    if (operation) counts.declared++;
    else missing.push(`${method} (${page}): not declared`);
    if (methodTest) covered.methods++;
    else missing.push(`${method}: no test calls it`);

    out.push(`## ${method}`, '');
    out.push(`Page: \`${page}\`. Declared: ${operation ? 'yes' : '**no**'}. Test: ${methodTest || '**none**'}.`, '');
    if (params.length > 0) {
      out.push('| Parameter | Required | Declared | Test |', '| --- | --- | --- | --- |');
      for (const param of params) {
        const name = param.path.split('.').pop();
        const byExample =
          pageFiles[0] && exampleKeys.has(name.toLowerCase()) ? `${pageFiles[0].file} (the page's cURL example)` : '';
        const samePath = (tag) => tag.value.toLowerCase() === param.path.toLowerCase();
        const test =
          first(
            byMethod.find(
              (t) =>
                tagged(t, method, 'param', samePath) ||
                inCallOf(t, method, keyPattern(name), NEAR.key, mentions.get(t) ?? []),
            ),
          ) || byExample;
        const declared = operation ? declaredIn(document, paramsOf(operation), param.path) : 'no';
        counts.params++;
        if (test) covered.params++;
        else missing.push(`${method}: parameter \`${param.path}\``);
        out.push(`| \`${param.path}\` | ${param.required ? 'yes' : ''} | ${declared} | ${cell(test || '**none**')} |`);
      }
      out.push('');
    }
    if (errors.length > 0) {
      out.push('| Error code | Description | Test |', '| --- | --- | --- |');
      for (const error of errors) {
        const text = error.description.trim();
        const byText = textPattern(text);
        // A code the page gives several errors tells them apart no more: their texts must.
        const byCode =
          error.code === '' || errors.filter((other) => other.code === error.code).length > 1
            ? undefined
            : new RegExp(`['"]${escapeRegExp(error.code)}['"]|error: ${escapeRegExp(error.code)}\\b`);
        const sameError = (tag) => (tag.quoted ? text.includes(tag.value) : tag.value === error.code);
        const found = byMethod.find(
          (t) =>
            tagged(t, method, 'error', sameError) ||
            [byText, byCode].some(
              (pattern) => pattern && inCallOf(t, method, pattern, NEAR.error, mentions.get(t) ?? []),
            ),
        );
        counts.errors++;
        if (found) covered.errors++;
        else missing.push(`${method}: error \`${error.code || '(empty)'}\` ${text}`);
        out.push(`| \`${cell(error.code || '(empty)')}\` | ${cell(text)} | ${cell(first(found) || '**none**')} |`);
      }
      out.push('');
    }
    if (blocks.length > 0) {
      out.push('| cURL example | Test |', '| --- | --- |');
      for (const block of blocks) {
        const test = pageFiles[0]?.file ?? '';
        counts.examples++;
        if (test) covered.examples++;
        else missing.push(`${method}: cURL example "${block.tab ?? 'untitled'}"`);
        out.push(`| ${cell(block.tab ?? 'untitled')} | ${test || '**none**'} |`);
      }
      out.push('');
    }
  }
  const summary = [
    '# Parity with the Bitrix24 REST docs',
    '',
    'Generated by `npm run parity` (scripts/parity.mjs) from the doc pages of the booking module and of the',
    'CRM methods the server has (read into test/fixtures/doc-pages.json and doc-examples.json), the OpenAPI',
    'document of the declarations and the test files. Do not edit; test/parity.test.ts fails when it is stale.',
    '',
    'A test covers a method when it names the method; a parameter, when a test has its key (`name:`, `name=`,',
    `\`[name]\`) in a call of the method (the nearest method name before it, within ${NEAR.key} characters), or runs`,
    "the page's cURL example that sends it; an error, when a test has its text (the page's placeholders standing",
    'for any value) or its quoted code (where the page gives no other error that code) in a call of the method',
    `(within ${NEAR.error} characters); either, when a test says so in a \`// parity:\` comment (a table of`,
    "cases). A cURL example is covered when a test file runs the page's examples (names the page, or its",
    '`// parity examples:` comment names the section). "Declared": the parameter is in the method\'s request body',
    'schema ("any key": a free-form object).',
    '',
    `| | Documented | Covered by a test |`,
    '| --- | --- | --- |',
    `| Methods (declared: ${counts.declared}) | ${counts.methods} | ${covered.methods} |`,
    `| Parameters | ${counts.params} | ${covered.params} |`,
    `| Error codes | ${counts.errors} | ${covered.errors} |`,
    `| cURL examples | ${counts.examples} | ${covered.examples} |`,
    '',
    '## Not covered by any test',
    '',
    ...(missing.length > 0 ? missing.map((line) => `- ${line}`) : ['Nothing.']),
    '',
  ];
  return `${[...summary, ...out].join('\n').trimEnd()}\n`;
}

// -----------------------------------------------------------------------------------------------

const repo = fileURLToPath(new URL('..', import.meta.url));
/** The docs checkout: the first argument, or ../shared/spec/b24restdocs beside the repository. */
export const DOCS_ROOT = process.argv[2] ?? join(repo, '../shared/spec/b24restdocs');
export const PAGES_FIXTURE = join(repo, 'test/fixtures/doc-pages.json');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (existsSync(DOCS_ROOT)) {
    writeFileSync(PAGES_FIXTURE, `${JSON.stringify(readDocPages(DOCS_ROOT), null, 2)}\n`);
    // As `biome check --write` leaves it, so the commit check does not rewrite it.
    execFileSync(join(repo, 'node_modules/.bin/biome'), ['format', '--write', PAGES_FIXTURE], { stdio: 'ignore' });
  }
  const { createRegistry } = await import(join(repo, 'dist/methods.js'));
  const { openApiDocument } = await import(join(repo, 'dist/openapi/document.js'));
  const report = parityReport({
    pages: JSON.parse(readFileSync(PAGES_FIXTURE, 'utf8')),
    examples: JSON.parse(readFileSync(join(repo, 'test/fixtures/doc-examples.json'), 'utf8')),
    document: openApiDocument(createRegistry().all()),
    tests: readTests(join(repo, 'test')),
  });
  writeFileSync(join(repo, 'PARITY.md'), report);
  console.log(`PARITY.md written (${report.split('\n').length} lines)`);
}
