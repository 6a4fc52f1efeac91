/**
 * The console's portals panel in Chromium: a portal made, reset and removed; a snapshot saved
 * and loaded; the clock set and advanced; each read back over the admin API and REST.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { adminRest, eventually, useBrowser } from './support/browser.js';
import { useServer } from './support/server.js';

const server = useServer({ adminToken: 'console-test-token' });
const browser = useBrowser(server);

async function adminGet<T>(path: string): Promise<T> {
  const response = await fetch(`${server().url}/_admin/${path}`, {
    headers: { authorization: `Bearer ${server().server.adminToken}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

const notes = async (portal = 'default') => {
  const { body } = await adminRest(server(), 'booking.v1.waitlist.list', {}, portal);
  return (body.result as { waitList: { note: string }[] }).waitList.map((e) => e.note);
};

const portalNames = async () => (await adminGet<{ portals: { name: string }[] }>('portals')).portals.map((p) => p.name);

/** The panel asks before it resets, removes or loads: these tests say yes. */
async function portalsPage(): Promise<Page> {
  const { page } = await browser().signedIn('portals');
  page.on('dialog', (dialog) => void dialog.accept());
  return page;
}

describe('portals', () => {
  test('create a portal, reset it, remove it', async () => {
    const page = await portalsPage();
    await page.getByLabel("New portal's name").fill('clinic-b');
    await page.getByRole('button', { name: 'Create portal' }).click();
    await eventually(() => page.getByRole('status').filter({ hasText: 'webhook' }).textContent()).toContain('clinic-b');
    await page.getByRole('cell', { name: 'clinic-b', exact: true }).waitFor();
    expect(await portalNames()).toContain('clinic-b');
    // The picker lists it at once, without a reload.
    await eventually(() =>
      page
        .getByRole('combobox', { name: /^Portal/ })
        .locator('option', { hasText: 'clinic-b' })
        .count(),
    ).toBe(1);

    expect(
      (await adminRest(server(), 'booking.v1.waitlist.add', { fields: { note: 'gone' } }, 'clinic-b')).status,
    ).toBe(200);
    await page.getByRole('button', { name: 'Reset clinic-b' }).click();
    await eventually(() => notes('clinic-b')).toEqual([]);

    // Opened: the picker has it, and the snapshots and clock are its own.
    await page.getByRole('button', { name: 'Open clinic-b' }).click();
    await page.getByRole('heading', { name: 'Snapshots of clinic-b' }).waitFor();
    expect(await page.getByRole('combobox', { name: /^Portal/ }).inputValue()).toBe('clinic-b');
    await page.getByRole('combobox', { name: /^Portal/ }).selectOption('default');
    await page.getByRole('heading', { name: 'Snapshots of default' }).waitFor();

    // The default portal cannot be removed, so it offers no button.
    expect(await page.getByRole('button', { name: 'Remove default' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Remove clinic-b' }).click();
    await eventually(() => portalNames()).not.toContain('clinic-b');
    await eventually(() =>
      page
        .getByRole('combobox', { name: /^Portal/ })
        .locator('option', { hasText: 'clinic-b' })
        .count(),
    ).toBe(0);
    await eventually(() => page.getByRole('cell', { name: 'clinic-b', exact: true }).count()).toBe(0);
  });

  test('a snapshot saved and loaded puts the records back', async () => {
    const page = await portalsPage();
    await adminRest(server(), 'booking.v1.waitlist.add', { fields: { note: 'kept' } });
    await page.getByLabel('Snapshot name').fill('before-change');
    await page.getByRole('button', { name: 'Save snapshot' }).click();
    await page.getByRole('button', { name: 'Load snapshot before-change' }).waitFor();
    expect((await adminGet<{ snapshots: { name: string }[] }>('snapshots')).snapshots.map((s) => s.name)).toContain(
      'before-change',
    );

    await adminRest(server(), 'booking.v1.waitlist.add', { fields: { note: 'later' } });
    expect(await notes()).toEqual(['kept', 'later']);
    await page.getByRole('button', { name: 'Load snapshot before-change' }).click();
    await eventually(() => notes()).toEqual(['kept']);
  });

  test('the clock: set in the browser, advanced, read back over the admin API', async () => {
    const page = await portalsPage();
    await page.getByLabel('Set to').fill('2030-03-04T09:00');
    await page.getByRole('button', { name: 'Set clock' }).click();
    // The field is in the browser's zone: the instant is what the browser makes of it.
    const set = (await page.evaluate("new Date('2030-03-04T09:00').getTime()")) as number;
    await eventually(
      async () => (await adminGet<{ timestamp: number }>('clock')).timestamp * 1000 - set,
    ).toBeGreaterThanOrEqual(0);
    const before = (await adminGet<{ timestamp: number }>('clock')).timestamp;
    expect(before * 1000 - set).toBeLessThan(60_000);

    await page.getByRole('button', { name: 'Advance the clock 1 day' }).click();
    await eventually(
      async () => (await adminGet<{ timestamp: number }>('clock')).timestamp - before,
    ).toBeGreaterThanOrEqual(86_400);
    const after = (await adminGet<{ timestamp: number; now: string }>('clock')).timestamp;
    expect(after - before).toBeLessThan(86_400 + 60);
    // The panel shows the portal's time.
    await eventually(() => page.getByRole('status', { name: 'Portal time' }).textContent()).toMatch(/^2030-03-05/);

    await page.getByLabel('Advance by (seconds)').fill('3600');
    await page.getByRole('button', { name: 'Advance clock' }).click();
    await eventually(
      async () => (await adminGet<{ timestamp: number }>('clock')).timestamp - after,
    ).toBeGreaterThanOrEqual(3600);
  });
});
