/**
 * GET /_docs/: the OpenAPI document rendered as a reference page, offline, with "try it".
 */
import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { tryCall } from '../src/openapi/reference.js';
import { readReply, useServer } from './support/server.js';

const server = useServer();

async function page() {
  const res = await fetch(`${server().url}/_docs/`);
  return { res, html: await res.text() };
}

const unescapeHtml = (text: string) =>
  text.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

/** The section of one method, as the page has it. */
function section(html: string, method: string): string {
  const start = html.indexOf(`<section id="${method}">`);
  expect(start, method).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('GET /_docs/', () => {
  it('is an HTML page served without credentials, /_docs sending there', async () => {
    const { res, html } = await page();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const bare = await fetch(`${server().url}/_docs`, { redirect: 'manual' });
    await bare.text();
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/_docs/');
  });

  it('has a section and a link for every operation of /openapi.json, with its errors', async () => {
    const { html } = await page();
    const doc = (await readReply(await fetch(`${server().url}/openapi.json`))).body;
    const methods = Object.values(doc.paths as Record<string, { post: { operationId: string } }>).map(
      (item) => item.post.operationId,
    );
    expect(methods.length).toBeGreaterThan(60);
    for (const method of methods) {
      section(html, method);
      expect(html).toContain(`<a href="#${method}" data-method="${method}">${method}</a>`);
    }
    const get = section(html, 'booking.v1.waitlist.get');
    expect(get).toContain('<td>400</td><td><code>1040</code></td><td>Wait list not found</td>');
    expect(get).toContain('id: number;');
    expect(get).toContain('note: string | null;');
    expect(section(html, 'batch')).toContain('ERROR_BATCH_METHOD_NOT_ALLOWED');
  });

  it('loads nothing from elsewhere: inline script and style only, allowed by their hashes', async () => {
    const { res, html } = await page();
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script[^>]+src=|<link /);
    const script = html.match(/<script>([\s\S]*?)<\/script>/)?.[1] as string;
    const style = html.match(/<style>([\s\S]*?)<\/style>/)?.[1] as string;
    const csp = res.headers.get('content-security-policy') as string;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src ${sha256(script)}`);
    expect(csp).toContain(`style-src ${sha256(style)}`);
    expect(script).toContain(tryCall.toString());
  });

  it('tries a method through a webhook URL as the page does, starting from its example', async () => {
    const { html } = await page();
    const example = section(html, 'booking.v1.waitlist.get').match(/<textarea[^>]*>([\s\S]*?)<\/textarea>/)?.[1];
    expect(JSON.parse(unescapeHtml(example as string))).toEqual({ id: 1 });
    const missing = await tryCall(server().hook, 'booking.v1.waitlist.get', unescapeHtml(example as string), fetch);
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text).error).toBe('1040');
    const added = await tryCall(
      server().hook.replace(/\/$/, ''),
      'booking.v1.waitlist.add',
      '{"fields":{"note":"tried"}}',
      fetch,
    );
    expect(added.status).toBe(200);
    expect(added.text).toMatch(/^\{\n {2}"result": \d+,/);
    const empty = await tryCall(server().hook, 'server.time', '  ', fetch);
    expect(JSON.parse(empty.text).result).toBeTypeOf('string');
  });

  it('wires its buttons: the page’s own script, run against a stand-in DOM, calls through the entered webhook', async () => {
    const { html } = await page();
    const script = html.match(/<script>([\s\S]*?)<\/script>/)?.[1] as string;
    const output = { textContent: '' };
    const textarea = { value: '{"fields":{"note":"from the page"}}' };
    const form = { querySelector: (selector: string) => (selector === 'output' ? output : textarea) };
    const button = { dataset: { method: 'booking.v1.waitlist.add' }, closest: () => form };
    const webhook = { value: '', placeholder: '', addEventListener: () => {} };
    const listeners = new Map<string, (event?: unknown) => unknown>();
    const filter = {
      value: '',
      addEventListener: (type: string, listener: () => void) => listeners.set(`filter ${type}`, listener),
    };
    // The navigation's links and the sections they name, as the page has them.
    const methods = [...html.matchAll(/<a href="#[^"]+" data-method="([^"]+)">/g)].map((m) => m[1] as string);
    const links = methods.map((method) => ({ dataset: { method }, hidden: false }));
    const sections = new Map(methods.map((method) => [method, { hidden: false }]));
    const document = {
      getElementById: (id: string) => (id === 'webhook' ? webhook : id === 'filter' ? filter : sections.get(id)),
      querySelectorAll: () => links,
      addEventListener: (type: string, listener: (event: unknown) => Promise<void>) => listeners.set(type, listener),
    };
    const sessionStorage = { getItem: () => server().hook, setItem: () => {} };
    runInNewContext(script, { document, sessionStorage, location: { origin: server().url }, fetch });
    expect(webhook.value).toBe(server().hook);
    const click = listeners.get('click') as (event: unknown) => Promise<void>;
    await click({ target: { closest: () => button } });
    expect(output.textContent).toMatch(/^HTTP 200\n\{\n {2}"result": \d+,/);
    webhook.value = '';
    await click({ target: { closest: () => button } });
    expect(output.textContent).toBe('Enter a webhook URL at the top of the page first.');

    filter.value = ' WaitList.Client ';
    listeners.get('filter input')?.();
    const shown = methods.filter((method) => !sections.get(method)?.hidden);
    expect(shown).toEqual([
      'booking.v1.waitlist.client.set',
      'booking.v1.waitlist.client.list',
      'booking.v1.waitlist.client.unset',
    ]);
    expect(links.filter((link) => !link.hidden).map((link) => link.dataset.method)).toEqual(shown);
    filter.value = '';
    listeners.get('filter input')?.();
    expect(links.every((link) => !link.hidden)).toBe(true);
  });
});
