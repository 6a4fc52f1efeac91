/**
 * The console's journal and faults panels in Chromium: the journal shows a call made over REST
 * and the console's own change, filters by method and status, opens an entry, and its "copy as
 * curl" command makes the same call again; a fault rule added in the console fails the next
 * REST call over real HTTP, and its fired count shows.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { adminRest, eventually, useBrowser } from './support/browser.js';
import { SECRET, useServer } from './support/server.js';

const server = useServer({ adminToken: 'console-test-token' });
const browser = useBrowser(server);

const entryButtons = (page: Page) => page.getByRole('button', { name: /^Entry \d+: / });
const shownMethods = async (page: Page) =>
  (await entryButtons(page).allTextContents()).map((text) => text.trim()).sort();

describe('the journal', () => {
  test("shows a REST call and the console's own change; filters by method and status; an entry opens with a curl command that works", async () => {
    const { page } = await browser().signedIn('resources');
    // The console's own change: a resource type added in the Resources panel.
    await page.getByRole('button', { name: 'Add resource type' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Rooms');
    await page.getByRole('dialog').getByLabel('Code').fill('room');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: 'Rooms', exact: true }).waitFor();
    // Another client's calls, over a webhook: one that writes, one refused.
    const note = "call O'Brien back";
    const added = await server().call('booking.v1.waitlist.add', { fields: { note } });
    expect(added.status, added.text).toBe(200);
    const missing = await server().call('booking.v1.waitlist.get', { id: 999 });
    expect(missing.status).toBeGreaterThanOrEqual(400);

    await page.getByRole('link', { name: 'Journal' }).click();
    const consoleAdd = page.getByRole('row').filter({ hasText: 'booking.v1.resourceType.add' });
    await eventually(() => consoleAdd.textContent()).toContain('console');
    const webhookAdd = page.getByRole('row').filter({ hasText: 'booking.v1.waitlist.add' });
    await eventually(() => webhookAdd.textContent()).toContain('webhook');
    expect(await webhookAdd.textContent()).toContain('200');
    // The console's own reads (its panels reloading) are hidden unless asked for.
    const consoleReads = page.getByRole('row').filter({ hasText: 'booking.v1.resourceType.list' });
    expect(await consoleReads.count()).toBe(0);
    await page.getByLabel("Hide the console's reads").uncheck();
    await eventually(() => consoleReads.count()).toBeGreaterThan(0);
    await page.getByLabel("Hide the console's reads").check();

    // A method glob.
    await page.getByLabel('Method').fill('booking.v1.waitlist.*');
    await page.getByRole('button', { name: 'Filter' }).click();
    await eventually(() => shownMethods(page)).toEqual(['booking.v1.waitlist.add', 'booking.v1.waitlist.get']);
    // And a status class.
    await page.getByLabel('Status').selectOption('4xx');
    await eventually(() => shownMethods(page)).toEqual(['booking.v1.waitlist.get']);
    await page.getByLabel('Status').selectOption('');
    await eventually(() => shownMethods(page)).toHaveLength(2);
    // A glob the server refuses is said beside the filter.
    await page.getByLabel('Method').fill('booking.[');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('alert').filter({ hasText: 'glob' }).first().waitFor();
    await page.getByLabel('Method').fill('');
    await page.getByRole('button', { name: 'Filter' }).click();

    // The entry: its parameters, its result, and the same call as curl.
    await page.getByRole('button', { name: /: booking\.v1\.waitlist\.add$/ }).click();
    const entry = page.getByRole('complementary');
    await eventually(() => entry.getByRole('region', { name: 'Parameters' }).textContent()).toContain(note);
    expect(JSON.parse((await entry.getByRole('region', { name: 'Result' }).textContent()) ?? '')).toBe(
      added.body.result,
    );
    if (process.env.CONSOLE_SCREENSHOTS === '1') await page.screenshot({ path: 'docs/console-journal.png' });
    const curl = ((await entry.getByRole('region', { name: 'curl command' }).textContent()) ?? '').trim();
    expect(curl).toBe(
      `curl -s -X POST -H 'Content-Type: application/json' -d '{"fields":{"note":"call O'\\''Brien back"}}' ` +
        `"${server().url}/rest/1/\${B24_WEBHOOK_SECRET}/booking.v1.waitlist.add"`,
    );
    // Run as it is shown, with the secret in the variable: the same call, a second entry.
    const { stdout } = await promisify(execFile)('sh', ['-c', curl], {
      env: { ...process.env, B24_WEBHOOK_SECRET: SECRET },
    });
    const again = JSON.parse(stdout) as { result: number };
    expect(again.result).toBe(added.body.result + 1);
    const entries = await adminRest(server(), 'booking.v1.waitlist.get', { id: again.result });
    expect(entries.body.result).toMatchObject({ waitList: { note } });
  });
});

describe('faults', () => {
  test('a rule added in the console fails the next REST call; its fired count shows; it is removed', async () => {
    const { page } = await browser().signedIn('faults');
    await page.getByLabel('Methods').fill('booking.v1.waitlist.add');
    // The presets come from the server's list.
    const answer = page.getByLabel('Answer');
    await eventually(() => answer.locator('option').count()).toBeGreaterThan(6);
    await answer.selectOption('QUERY_LIMIT_EXCEEDED');
    await page.getByLabel('Times').fill('1');
    await page.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.getByRole('row').filter({ hasText: 'booking.v1.waitlist.add' });
    await eventually(() => rule.getByRole('cell').allTextContents()).toEqual([
      expect.any(String),
      'booking.v1.waitlist.add',
      'QUERY_LIMIT_EXCEEDED',
      '1',
      '0',
      'Remove',
    ]);

    const refused = await server().call('booking.v1.waitlist.add', { fields: { note: 'refused' } });
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
    await eventually(() => rule.getByRole('cell').nth(4).textContent()).toBe('1');
    // Spent after one: the next call runs.
    expect((await server().call('booking.v1.waitlist.add', { fields: { note: 'runs' } })).status).toBe(200);

    await rule.getByRole('button', { name: /^Remove rule \d+$/ }).click();
    await eventually(() => rule.count()).toBe(0);
    const left = await fetch(`${server().url}/_admin/faults`, {
      headers: { authorization: 'Bearer console-test-token' },
    });
    expect(((await left.json()) as { rules: unknown[] }).rules).toEqual([]);
  });

  test('a rule the server refuses shows its reason, and nothing is added', async () => {
    const { page } = await browser().signedIn('faults');
    await page.getByLabel('Methods').fill('booking.[');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('alert').filter({ hasText: 'glob' }).first().waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'booking.[' }).count()).toBe(0);
  });
});
