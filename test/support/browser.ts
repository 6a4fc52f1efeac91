/**
 * Browser tests of the web console: Debian's Chromium (`/usr/bin/chromium`, or
 * B24_TEST_CHROMIUM) driven by playwright-core, launched once per test file (playwright gives
 * each launch a fresh profile of its own, removed when the browser closes). Every page the helper opens fails its test when it asks for anything off loopback
 * (the request is aborted and recorded), throws, or logs an error to the console.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { TestServer } from './server.js';

export const CHROMIUM = process.env.B24_TEST_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The zone the pages run in: new bookings are made in it. */
export const BROWSER_ZONE = 'UTC';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface ConsolePage {
  page: Page;
  /** What went wrong in the page so far: requests off loopback, page errors, console errors. */
  problems: string[];
}

export interface ConsoleBrowser {
  /** A new page (own context: own sessionStorage) at `path` of the server, e.g. `/_console/`. */
  open(path?: string, viewport?: { width: number; height: number }): Promise<ConsolePage>;
  /** A page already signed in with the server's admin token, at `#/<panel>`. */
  signedIn(panel?: string, viewport?: { width: number; height: number }): Promise<ConsolePage>;
}

/** Starts Chromium for the file; every page it opened is checked for problems after each test. */
export function useBrowser(server: () => TestServer): () => ConsoleBrowser {
  let browser: Browser | undefined;
  let opened: { context: BrowserContext; problems: string[] }[] = [];
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  });
  afterEach(async () => {
    const problems = opened.flatMap((o) => o.problems);
    await Promise.all(opened.map((o) => o.context.close()));
    opened = [];
    expect(problems, 'requests off loopback, page errors and console errors').toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const open = async (path = '/_console/', viewport = { width: 1280, height: 800 }): Promise<ConsolePage> => {
    if (!browser) throw new Error('the browser is not started yet');
    // The browser's zone is fixed, so what a test reads back does not depend on the machine's.
    const context = await browser.newContext({ viewport, timezoneId: BROWSER_ZONE, locale: 'en-GB' });
    const problems: string[] = [];
    opened.push({ context, problems });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || LOOPBACK.has(url.hostname)) return route.continue();
      problems.push(`request off loopback: ${url.href}`);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      // The browser logs every answer that is not 2xx; the tests that expect one assert it themselves.
      if (/Failed to load resource: the server responded with a status of (400|401|403|404|429|503)/.test(text)) return;
      problems.push(`console error: ${text}`);
    });
    await page.goto(`${server().url}${path}`);
    return { page, problems };
  };

  const signedIn = async (panel = 'calendar', viewport?: { width: number; height: number }) => {
    const token = server().server.adminToken;
    const opened = await open(`/_console/#token=${encodeURIComponent(token)}`, viewport);
    // The page runs in the browser: the expression is its text (the tests' TypeScript has no DOM).
    await opened.page.evaluate(`location.hash = ${JSON.stringify(`#/${panel}`)}`);
    return opened;
  };

  return () => ({ open, signedIn });
}

/** The admin API's REST route, as the console calls it (for arranging data in tests). */
export async function adminRest(
  server: TestServer,
  method: string,
  params: unknown = {},
  portal = 'default',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/_admin/portals/${portal}/rest/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical findings on the page as it is now (WCAG 2.x A and AA rules
 * and best practices). The source is evaluated through the browser's debugging protocol, which
 * the page's Content-Security-Policy does not govern.
 */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; targets: string[] }[]> {
  await page.evaluate(AXE_SOURCE);
  const found = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => String(n.target)) })))`)) as {
    id: string;
    impact: string;
    targets: string[];
  }[];
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * `expect.poll` with room for a loaded machine: what the page does after a click (a REST call,
 * then a reload of the panel) can take more than poll's default second when many test files
 * run at once. Where a test promises a time (live updates within 2 s) it says so itself.
 */
export function eventually<T>(read: () => T | Promise<T>): ReturnType<typeof expect.poll<T>> {
  return expect.poll(read, { timeout: 10_000 });
}
