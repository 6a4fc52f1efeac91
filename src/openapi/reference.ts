/**
 * The reference page served at GET /_docs/: the OpenAPI document rendered as one HTML page,
 * with nothing fetched from elsewhere (no renderer from a CDN, no fonts), so it works offline.
 * Each method shows its parameters and answer as TypeScript types (the typed client's, written
 * by the same writer), its errors, and a "try it" form that calls the method through a webhook
 * URL the reader enters.
 */
import { createHash } from 'node:crypto';
import type { Schema } from './schemas.js';
import { follow, operationErrors, typeWriter } from './typescript.js';

const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/**
 * "Try it": runs in the page, inlined by its source text (so the tests call the very code the
 * page runs). A JSON POST to `<webhook>/<method>.json`, the answer pretty-printed.
 */
export async function tryCall(
  webhook: string,
  method: string,
  paramsText: string,
  send: typeof fetch,
): Promise<{ status: number; text: string }> {
  const base = webhook.endsWith('/') ? webhook : `${webhook}/`;
  const response = await send(`${base}${method}.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: paramsText.trim() === '' ? '{}' : paramsText,
  });
  const text = await response.text();
  try {
    return { status: response.status, text: JSON.stringify(JSON.parse(text), null, 2) };
  } catch {
    return { status: response.status, text };
  }
}

/** The page's wiring (the DOM is the browser's; the server's TypeScript has no DOM types). */
const WIRING = `
const filter = document.getElementById('filter');
filter.addEventListener('input', () => {
  const wanted = filter.value.trim().toLowerCase();
  for (const link of document.querySelectorAll('nav a[data-method]')) {
    const shown = link.dataset.method.toLowerCase().includes(wanted);
    link.hidden = !shown;
    document.getElementById(link.dataset.method).hidden = !shown;
  }
});
const webhook = document.getElementById('webhook');
webhook.placeholder = location.origin + '/rest/<user id>/<secret>/';
webhook.value = sessionStorage.getItem('b24-webhook') || '';
webhook.addEventListener('change', () => sessionStorage.setItem('b24-webhook', webhook.value));
document.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-method]');
  if (!button) return;
  const form = button.closest('.try');
  const output = form.querySelector('output');
  if (!webhook.value) {
    output.textContent = 'Enter a webhook URL at the top of the page first.';
    return;
  }
  output.textContent = '...';
  try {
    const { status, text } = await tryCall(webhook.value, button.dataset.method, form.querySelector('textarea').value, fetch);
    output.textContent = 'HTTP ' + status + '\\n' + text;
  } catch (error) {
    output.textContent = String(error);
  }
});`;

const SCRIPT = `${tryCall.toString()}\n${WIRING}\n`;

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; display: flex; color: #1b1f24; }
nav { width: 19rem; flex: none; height: 100vh; overflow: auto; position: sticky; top: 0; background: #f4f5f7;
  padding: 1rem; box-sizing: border-box; font-size: 13px; }
nav h2 { font-size: 13px; text-transform: uppercase; color: #555; margin: 1rem 0 .25rem; }
nav a { display: block; color: #1b1f24; text-decoration: none; padding: 1px 0; }
nav a:hover { text-decoration: underline; }
main { flex: 1; min-width: 0; padding: 1rem 2rem 4rem; }
section { border-top: 1px solid #ddd; padding: .5rem 0 1rem; }
h1 { margin-top: 0; } h3 { font-size: 14px; margin: 1rem 0 .25rem; }
pre, textarea, output { font: 12.5px/1.4 ui-monospace, monospace; }
pre { background: #f6f8fa; padding: .5rem .75rem; overflow: auto; max-height: 28rem; margin: 0; }
table { border-collapse: collapse; font-size: 13px; } td, th { text-align: left; padding: 2px 10px 2px 0; vertical-align: top; }
.scope { font-size: 12px; background: #e8eefc; border-radius: 3px; padding: 1px 6px; margin-left: .5rem; }
.try textarea { width: 100%; box-sizing: border-box; min-height: 4rem; }
.try output { display: block; white-space: pre-wrap; background: #f6f8fa; margin-top: .25rem; }
#webhook { width: 32rem; max-width: 100%; font: inherit; }
#filter { width: 100%; box-sizing: border-box; margin-top: .5rem; font: inherit; }
`;

/** `'sha256-...'` of an inline block, for the Content-Security-Policy that allows only it. */
const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The page's policy: its own inline script and style only; "try it" may call any portal the
 * reader names (connect-src), nothing else leaves the page.
 */
export const REFERENCE_CSP = [
  "default-src 'none'",
  `script-src ${hashOf(SCRIPT)}`,
  `style-src ${hashOf(STYLE)}`,
  'connect-src *',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** A value that satisfies the schema's required properties: the "try it" starting point. */
function exampleOf(document: Schema, node: Schema): unknown {
  const schema = follow(document, node);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const type = ([] as unknown[]).concat(schema.type ?? [])[0];
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'string') return '';
  if (type === 'boolean') return true;
  if (type === 'array') return schema.items ? [exampleOf(document, schema.items as Schema)] : [];
  if (type === 'object' && schema.properties) {
    const required = (schema.required as string[] | undefined) ?? [];
    const properties = schema.properties as Record<string, Schema>;
    return Object.fromEntries(required.map((name) => [name, exampleOf(document, properties[name] as Schema)]));
  }
  return {};
}

/** The examples a schema holds anywhere inside it (batch's per-command errors), by their path. */
function examplesIn(schema: Schema, path: string[] = []): { path: string; examples: unknown[] }[] {
  const own = Array.isArray(schema.examples) ? [{ path: path.join('.'), examples: schema.examples }] : [];
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  return [...own, ...Object.entries(properties).flatMap(([name, inner]) => examplesIn(inner, [...path, name]))];
}

function operationSection(document: Schema, operation: Schema, type: (schema: Schema) => string): string {
  const method = operation.operationId as string;
  const body = ((operation.requestBody as Schema).content as Record<string, Schema>)['application/json'] as Schema;
  const params = follow(document, body.schema as Schema);
  const ok = (operation.responses as Record<string, Schema>)['200'] as Schema;
  const answer = ((ok.content as Record<string, Schema>)['application/json'] as Schema).schema as Schema;
  const errors = operationErrors(document, operation)
    .map(
      (e) =>
        `<tr><td>${escapeHtml(e.status)}</td><td><code>${escapeHtml(e.error || '(empty)')}</code></td><td>${escapeHtml(e.error_description)}</td></tr>`,
    )
    .join('\n');
  const scope = ((operation.tags as string[] | undefined) ?? [])[0] ?? '';
  const example = JSON.stringify(exampleOf(document, params), null, 2);
  return `<section id="${escapeHtml(method)}">
<h2>${escapeHtml(method)}<span class="scope">${escapeHtml(scope)}</span></h2>
${typeof operation.description === 'string' ? `<p>${escapeHtml(operation.description)}</p>` : ''}
<h3>Parameters</h3>
<pre>${escapeHtml(type(params))}</pre>
<h3>Answer</h3>
<pre>${escapeHtml(type(answer))}</pre>
${examplesIn(answer)
  .map(
    ({ path, examples }) =>
      `<h3>Example of ${escapeHtml(path)}</h3>\n<pre>${escapeHtml(JSON.stringify(examples[0], null, 2))}</pre>`,
  )
  .join('\n')}
<h3>Errors</h3>
<table><tr><th>Status</th><th>error</th><th>error_description</th></tr>
${errors}
</table>
<h3>Try it</h3>
<div class="try"><textarea aria-label="Parameters of ${escapeHtml(method)} (JSON)">${escapeHtml(example)}</textarea>
<button type="button" data-method="${escapeHtml(method)}">Call ${escapeHtml(method)}</button>
<output></output></div>
</section>`;
}

export function referencePage(document: Schema): string {
  const info = document.info as Schema;
  const { components, names, writer } = typeWriter(document);
  const type = (schema: Schema) => writer.type(schema);
  const operations = Object.values(document.paths as Record<string, Schema>).map((item) => item.post as Schema);
  const tags = [...new Set(operations.map((op) => ((op.tags as string[] | undefined) ?? [])[0] ?? ''))];
  const navigation = tags
    .map((tag) => {
      const links = operations
        .filter((op) => ((op.tags as string[] | undefined) ?? [])[0] === tag)
        .map((op) => {
          const method = escapeHtml(op.operationId as string);
          return `<a href="#${method}" data-method="${method}">${method}</a>`;
        });
      return `<h2>${escapeHtml(tag)}</h2>\n${links.join('\n')}`;
    })
    .join('\n');
  // The shared types the sections name (Time, the error body); the params are shown expanded.
  const shared = Object.entries(components)
    .filter(([name]) => !name.endsWith('.params'))
    .map(([name, schema]) => `${names.get(`#/components/schemas/${name}`)} = ${type(schema)}`)
    .join('\n\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title as string)} ${escapeHtml(info.version as string)}</title>
<style>${STYLE}</style>
</head>
<body>
<nav><a href="#top"><strong>${escapeHtml(info.title as string)}</strong></a>
<input id="filter" type="search" placeholder="Filter methods" aria-label="Filter methods" autocomplete="off">
${navigation}
</nav>
<main id="top">
<h1>${escapeHtml(info.title as string)} <small>${escapeHtml(info.version as string)}</small></h1>
<p>${escapeHtml(info.description as string)}</p>
<p>The OpenAPI document: <a href="../openapi.json">/openapi.json</a>. Types are written as TypeScript, as the typed
client (<code>b24-booking-server/client</code>) has them.</p>
<p><label>Webhook URL for "try it": <input id="webhook" type="url" autocomplete="off"></label>
(kept for this tab only)</p>
<h3>Shared types</h3>
<pre>${escapeHtml(shared)}</pre>
${operations.map((op) => operationSection(document, op, type)).join('\n')}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
