// Writes src/client/methods.generated.ts, the typed client's method types, from the OpenAPI
// document of the built declarations (dist/), and compiles again when it changed. Run by
// `npm run build` after tsc; test/client.test.ts fails when the committed file is stale, and
// so does the build itself under CI (CI set), where writing it would hide that.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const dist = new URL('../dist/', import.meta.url);
const { createRegistry } = await import(new URL('methods.js', dist).href);
const { openApiDocument } = await import(new URL('openapi/document.js', dist).href);
const { clientTypes } = await import(new URL('openapi/typescript.js', dist).href);

const file = new URL('../src/client/methods.generated.ts', import.meta.url);
const text = clientTypes(openApiDocument(createRegistry().all()));
let current = '';
try {
  current = readFileSync(file, 'utf8');
} catch {
  // Not there yet: written below.
}
if (text !== current && process.env.CI) {
  // In CI the committed file must be current: writing it here would hide that it is not.
  console.error('src/client/methods.generated.ts is stale: run `npm run build` and commit it');
  process.exit(1);
}
if (text !== current) {
  writeFileSync(file, text);
  console.log('src/client/methods.generated.ts written; compiling again');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
