/**
 * Builds the web console (console/) into dist/console/: one script and one style sheet named
 * by their content hash, and the page that loads them (no inline script, as the console's
 * Content-Security-Policy wants). Everything it needs is bundled: it works offline.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const outdir = new URL('dist/console/', root);

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
const result = await build({
  entryPoints: [new URL('console/src/main.tsx', root).pathname],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  minify: true,
  legalComments: 'none',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: 'console-[hash]',
  assetNames: 'asset-[hash]',
  outdir: outdir.pathname,
  metafile: true,
  logLevel: 'warning',
  conditions: ['browser', 'production'],
  define: { 'process.env.NODE_ENV': '"production"' },
});
const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
const js = outputs.find((name) => name.endsWith('.js'));
const css = outputs.find((name) => name.endsWith('.css'));
if (!js || !css) throw new Error(`the console build made no script or no style sheet: ${outputs.join(', ')}`);
const page = (await readFile(new URL('console/index.html', root), 'utf8')).replace('%JS%', js).replace('%CSS%', css);
await writeFile(new URL('index.html', outdir), page);
