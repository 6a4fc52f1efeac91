/**
 * The resources, CRM, events, journal, faults and portals panels pass an axe-core scan (no
 * serious or critical finding), their dialogs and an opened journal entry too, work from the
 * keyboard where it matters, and fit a 390-px-wide screen.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { adminRest, axeViolations, eventually, useBrowser } from './support/browser.js';
import { useServer } from './support/server.js';

const server = useServer({ adminToken: 'console-test-token' });
const browser = useBrowser(server);

async function ok<T = never>(method: string, params: unknown): Promise<T> {
  const reply = await adminRest(server(), method, params);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.result as T;
}

let deal: number;

beforeAll(async () => {
  const type = await ok<number>('booking.v1.resourceType.add', { fields: { name: 'Rooms', code: 'room' } });
  const room = await ok<number>('booking.v1.resource.add', { fields: { name: 'Room 1', typeId: type } });
  await ok('booking.v1.resource.slots.set', {
    resourceId: room,
    slots: [{ weekDays: ['Mon', 'Tue'], from: 540, to: 1080, timezone: 'Europe/Berlin', slotSize: 60 }],
  });
  deal = await ok<number>('crm.deal.add', { fields: { TITLE: 'A rather long deal title for a narrow screen' } });
  const booking = await ok<number>('booking.v1.booking.add', {
    fields: {
      name: 'Scanned',
      resourceIds: [room],
      datePeriod: {
        from: { timestamp: Date.parse('2030-03-04T09:00:00Z') / 1000, timezone: 'UTC' },
        to: { timestamp: Date.parse('2030-03-04T10:00:00Z') / 1000, timezone: 'UTC' },
      },
    },
  });
  await ok('booking.v1.booking.externalData.set', {
    bookingId: booking,
    externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: String(deal) }],
  });
  const rule = await fetch(`${server().url}/_admin/faults`, {
    method: 'POST',
    headers: { authorization: 'Bearer console-test-token', 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'nothing.calls.this', error: 'QUERY_LIMIT_EXCEEDED' }),
  });
  expect(rule.status).toBe(201);
});

/** Each panel's address and a text it shows once its data is in. */
const PANELS = [
  ['resources', 'Room 1'],
  ['crm', 'A rather long deal title for a narrow screen'],
  ['events', 'Offline queue'],
  ['journal', 'booking.v1.booking.add'],
  ['faults', 'nothing.calls.this'],
  ['portals', 'Snapshots of default'],
] as const;

describe('accessibility and small screens', () => {
  test('axe-core finds nothing serious or critical on each panel, its dialogs and an opened entry', async () => {
    const { page } = await browser().signedIn('resources');
    for (const [panel, shown] of PANELS) {
      await page.getByRole('link', { name: new RegExp(`^${panel}$`, 'i') }).click();
      await page.getByText(shown, { exact: true }).first().waitFor();
      expect(await axeViolations(page), panel).toEqual([]);
    }
    // Resource and working-hours dialogs, opened and closed from the keyboard.
    await page.getByRole('link', { name: 'Resources' }).click();
    for (const button of ['Edit Room 1', 'Working hours Room 1']) {
      await page.getByRole('button', { name: button }).focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      expect(await page.evaluate("document.activeElement?.closest('dialog') != null"), button).toBe(true);
      if (button === 'Edit Room 1') await dialog.getByText('Notifications', { exact: true }).click();
      expect(await axeViolations(page), button).toEqual([]);
      await page.keyboard.press('Escape');
      await eventually(() => dialog.count()).toBe(0);
    }
    // A deal with its booking, and a journal entry opened.
    await page.evaluate(`location.hash = '#/crm/deal/${deal}'`);
    await page.getByRole('list', { name: 'Linked bookings' }).getByText('Scanned').waitFor();
    expect(await axeViolations(page), 'a deal').toEqual([]);
    await page.getByRole('link', { name: 'Journal' }).click();
    await page.getByRole('button', { name: /: booking\.v1\.booking\.add$/ }).click();
    await page.getByRole('region', { name: 'curl command' }).waitFor();
    expect(await axeViolations(page), 'a journal entry').toEqual([]);
  });

  test('at 390 px wide each panel fits the screen (no page-wide sideways scrolling)', async () => {
    for (const [panel, shown] of PANELS) {
      const { page } = await browser().signedIn(panel, { width: 390, height: 800 });
      await page.getByText(shown, { exact: true }).first().waitFor();
      expect(await page.evaluate('document.documentElement.scrollWidth'), panel).toBeLessThanOrEqual(390);
    }
  });
});
