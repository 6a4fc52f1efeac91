/**
 * The console's wait list in Chromium: what REST made shows (a linked deal opens in the CRM
 * panel); entries are added, edited, deleted and booked from the page and read back over REST;
 * a booking goes back on the wait list from the calendar; the pages pass an axe-core scan and
 * read at 390 px.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { adminRest, axeViolations, eventually, useBrowser } from './support/browser.js';
import { useServer } from './support/server.js';

const server = useServer({ adminToken: 'console-test-token' });
const browser = useBrowser(server);

const DAY = '2030-03-04';
const at = (time: string) => ({ timestamp: Date.parse(`${DAY}T${time}:00Z`) / 1000, timezone: 'UTC' });

async function ok(method: string, params: unknown) {
  const reply = await adminRest(server(), method, params);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.result as never;
}

const notes = async () => ((await ok('booking.v1.waitlist.list', {})) as { waitList: { note: string }[] }).waitList;

const row = (page: import('playwright-core').Page, text: string) => page.getByRole('row').filter({ hasText: text });

let resource: number;
let contact: number;

beforeAll(async () => {
  const type: number = await ok('booking.v1.resourcetype.add', { fields: { name: 'Room', code: 'room' } });
  resource = await ok('booking.v1.resource.add', { fields: { name: 'Room 1', typeId: type } });
  contact = await ok('crm.contact.add', { fields: { NAME: 'Ann', LAST_NAME: 'Lee' } });
});

describe('the wait list', () => {
  test('shows entries made over REST with note, clients and external data; a deal link opens the deal', async () => {
    const deal: number = await ok('crm.deal.add', { fields: { TITLE: 'Check-up', CONTACT_ID: contact } });
    const id: number = await ok('booking.v1.waitlist.add', { fields: { note: 'Call back after 3 pm' } });
    // A deal link on an entry without clients makes the deal's contact its client.
    await ok('booking.v1.waitlist.externalData.set', {
      waitListId: id,
      externalData: [
        { moduleId: 'crm', entityTypeId: 'DEAL', value: String(deal) },
        { moduleId: 'myapp', entityTypeId: 'ORDER', value: 'A-17' },
      ],
    });
    const { page } = await browser().signedIn('waitlist');
    const entry = row(page, 'Call back after 3 pm');
    await eventually(() => entry.textContent()).toContain('Ann Lee');
    expect(await entry.textContent()).toContain('myapp/ORDER: A-17');
    const link = entry.getByRole('link', { name: `Deal #${deal}` });
    expect(await link.getAttribute('href')).toBe(`#/crm/deal/${deal}`);
    if (process.env.CONSOLE_SCREENSHOTS === '1') await page.screenshot({ path: 'docs/console-waitlist.png' });
    await link.click();
    expect(new URL(page.url()).hash).toBe(`#/crm/deal/${deal}`);
  });

  test('add, edit and delete an entry', async () => {
    const { page } = await browser().signedIn('waitlist');
    await page.getByRole('button', { name: 'Add entry' }).click();
    const adding = page.getByRole('dialog', { name: 'New wait-list entry' });
    await adding.getByLabel('Note').fill('Wants a morning');
    await adding.getByRole('button', { name: 'Add client' }).click();
    await adding.getByLabel('Client 1 id').fill(String(contact));
    await adding.getByRole('button', { name: 'Add entry' }).click();
    const entry = row(page, 'Wants a morning');
    await entry.waitFor();
    const made = (await notes()).find((e) => e.note === 'Wants a morning') as unknown as { id: number };
    const clients: { waitListClient: { id: number }[] } = await ok('booking.v1.waitlist.client.list', {
      waitListId: made.id,
    });
    expect(clients.waitListClient.map((c) => c.id)).toEqual([contact]);

    await page.getByRole('button', { name: `Edit entry #${made.id}` }).click();
    const editing = page.getByRole('dialog', { name: `Wait-list entry #${made.id}` });
    await editing.getByLabel('Note').fill('Wants an afternoon');
    await editing.getByRole('button', { name: 'Save' }).click();
    await row(page, 'Wants an afternoon').waitFor();
    const read: { waitList: { note: string } } = await ok('booking.v1.waitlist.get', { id: made.id });
    expect(read.waitList.note).toBe('Wants an afternoon');

    await page.getByRole('button', { name: `Delete entry #${made.id}` }).click();
    await eventually(() => row(page, 'Wants an afternoon').count()).toBe(0);
    expect((await adminRest(server(), 'booking.v1.waitlist.get', { id: made.id })).body.error).toBe('1040');
  });

  test('book an entry into a resource and time; put a booking back on the wait list from the calendar', async () => {
    const id: number = await ok('booking.v1.waitlist.add', { fields: { note: 'Book me' } });
    const { page } = await browser().signedIn('waitlist');
    await page.getByRole('button', { name: `Book entry #${id}` }).click();
    const dialog = page.getByRole('dialog', { name: `Book wait-list entry #${id}` });
    await dialog.getByLabel('Resource').selectOption({ label: 'Room 1' });
    await dialog.getByLabel('Start').fill(`${DAY}T15:00`);
    await dialog.getByLabel('Duration (minutes)').fill('30');
    await dialog.getByRole('button', { name: 'Book' }).click();
    await eventually(() => row(page, 'Book me').count()).toBe(0);
    const list: { booking: { id: number; resourceIds: number[]; datePeriod: unknown }[] } = await ok(
      'booking.v1.booking.list',
      { filter: { resourceId: [resource] } },
    );
    const booked = list.booking.find(
      (b) => JSON.stringify(b.datePeriod) === JSON.stringify({ from: at('15:00'), to: at('15:30') }),
    );
    expect(booked, JSON.stringify(list.booking)).toBeDefined();

    await page.evaluate(`location.hash = '#/calendar/${DAY}'`);
    await page.getByRole('button', { name: new RegExp(`Booking #${booked?.id}\\b`) }).click();
    await page.getByRole('button', { name: 'Put back on the wait list' }).click();
    await eventually(async () => (await notes()).map((e) => e.note)).toContain('Book me');
    expect((await adminRest(server(), 'booking.v1.booking.get', { id: booked?.id })).body.error).toBe('1021');
  });

  test('an entry another client adds shows within two seconds, without a reload', async () => {
    const { page } = await browser().signedIn('waitlist');
    await page.getByRole('heading', { name: 'Wait list' }).waitFor();
    await page.getByRole('button', { name: 'Add entry' }).waitFor();
    const reply = await server().call('booking.v1.waitlist.add', { fields: { note: 'Added by a webhook' } });
    expect(reply.status, reply.text).toBe(200);
    await row(page, 'Added by a webhook').waitFor({ timeout: 2000 });
  });
});

describe('accessibility and small screens', () => {
  test('axe-core finds nothing serious or critical: sign-in, calendar, a booking dialog, the wait list', async () => {
    await ok('booking.v1.booking.add', {
      fields: { name: 'Scanned', resourceIds: [resource], datePeriod: { from: at('10:00'), to: at('11:00') } },
    });
    const { page: signIn } = await browser().open();
    await signIn.getByLabel('Admin token').waitFor();
    expect(await axeViolations(signIn)).toEqual([]);
    const { page } = await browser().signedIn(`calendar/${DAY}`);
    await page.getByRole('button', { name: /Scanned/ }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    // From the keyboard: the block opens with Enter, and the dialog takes the focus.
    await page.getByRole('button', { name: /Scanned/ }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: /^Booking #\d+$/ });
    await dialog.waitFor();
    expect(await page.evaluate("document.activeElement?.closest('dialog') != null")).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await eventually(() => dialog.count()).toBe(0);
    await page.getByRole('link', { name: 'Wait list' }).click();
    await page.getByRole('button', { name: 'Add entry' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  test('at 390 px wide the panels fit the screen (no page-wide sideways scrolling)', async () => {
    for (const [panel, shown] of [
      [`calendar/${DAY}`, 'Room 1'],
      ['waitlist', 'Add entry'],
    ] as const) {
      const { page } = await browser().signedIn(panel, { width: 390, height: 800 });
      await page.getByText(shown, { exact: true }).first().waitFor();
      expect(await page.evaluate('document.documentElement.scrollWidth'), panel).toBeLessThanOrEqual(390);
    }
  });
});
