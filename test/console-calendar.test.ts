/**
 * The console's calendar in Chromium, driven as a person would: what REST made shows; a booking
 * is made, moved, resized and deleted with the mouse and read back over REST; a move the server
 * refuses shows its error and puts the block back; a change by another client shows by itself.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { adminRest, eventually, useBrowser } from './support/browser.js';
import { useServer } from './support/server.js';

const server = useServer({ adminToken: 'console-test-token' });
const browser = useBrowser(server);

/** A Monday far from today, so the tests do not depend on the date they run on. */
const DAY = '2030-03-04';
const at = (time: string, zone = 'UTC') => ({
  timestamp: zone === 'UTC' ? Date.parse(`${DAY}T${time}:00Z`) / 1000 : zonedTimestamp(time, zone),
  timezone: zone,
});
/** 10:00 in Tokyo on DAY is 01:00 UTC (UTC+9, no daylight saving). */
const zonedTimestamp = (time: string, zone: string) => {
  if (zone !== 'Asia/Tokyo') throw new Error(`no offset known for ${zone}`);
  return Date.parse(`${DAY}T${time}:00+09:00`) / 1000;
};

async function ok(method: string, params: unknown, portal = 'default') {
  const reply = await adminRest(server(), method, params, portal);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.result as never;
}

async function addBooking(name: string, resourceId: number, from: string, to: string, portal = 'default') {
  const id: number = await ok(
    'booking.v1.booking.add',
    { fields: { name, resourceIds: [resourceId], datePeriod: { from: at(from), to: at(to) } } },
    portal,
  );
  return id;
}

async function bookingOf(id: number, portal = 'default') {
  const booking: { booking: { name: string; resourceIds: number[]; datePeriod: Record<string, unknown> } } = await ok(
    'booking.v1.booking.get',
    { id },
    portal,
  );
  return booking.booking;
}

/** The calendar's geometry (src: slotMinTime 07:00, slotHeight 36 px a half hour). */
const FIRST_MINUTE = 7 * 60;
const PX_PER_MINUTE = 36 / 30;

/** Where, on the screen, a resource's column (0 = the first) shows the time `hh:mm`. */
async function pointAt(page: Page, column: number, time: string) {
  const cell = await page.locator('.ec-body .ec-day').nth(column).boundingBox();
  if (!cell) throw new Error(`no column ${column}`);
  const [h, m] = time.split(':').map(Number) as [number, number];
  return { x: cell.x + cell.width / 2, y: cell.y + (h * 60 + m - FIRST_MINUTE) * PX_PER_MINUTE };
}

async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + (to.x - from.x) / 2, from.y + (to.y - from.y) / 2, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 5 });
  await page.mouse.up();
}

/** A booking's block: a button named by its time, name, clients and resources. */
const block = (page: Page, name: string) => page.getByRole('button', { name: new RegExp(`\\b${name}\\b`) });

async function openCalendar(portal = 'default') {
  const opened = await browser().signedIn(`calendar/${DAY}`);
  if (portal !== 'default') await opened.page.getByLabel('Portal').selectOption(portal);
  await opened.page.locator('.ec-col-head', { hasText: 'Dr Smith' }).waitFor();
  return opened.page;
}

let smith: number;
let jones: number;

beforeAll(async () => {
  const type: number = await ok('booking.v1.resourcetype.add', { fields: { name: 'Doctor', code: 'doctor' } });
  smith = await ok('booking.v1.resource.add', { fields: { name: 'Dr Smith', typeId: type } });
  jones = await ok('booking.v1.resource.add', { fields: { name: 'Dr Jones', typeId: type } });
  const workDays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'];
  await ok('booking.v1.resource.slots.set', {
    resourceId: smith,
    slots: [{ from: 540, to: 1080, timezone: 'UTC', weekDays: workDays, slotSize: 60 }],
  });
});

describe('what REST made shows in the calendar', () => {
  test('resources side by side, bookings with name and clients at their own zone’s time, overlaps side by side, hours outside the slots grey', async () => {
    const contact: number = await ok('crm.contact.add', { fields: { NAME: 'Ann', LAST_NAME: 'Lee' } });
    const checkUp = await addBooking('Check-up', smith, '09:00', '10:00');
    await ok('booking.v1.booking.client.set', {
      bookingId: checkUp,
      clients: [{ id: contact, type: { module: 'crm', code: 'CONTACT' } }],
    });
    const overlap = await addBooking('Overlap', smith, '09:30', '10:30');
    // Made in Tokyo at 10:00 there (01:00 UTC): shown at 10:00, the booking's own wall-clock time.
    const tokyo: number = await ok('booking.v1.booking.add', {
      fields: {
        name: 'Tokyo call',
        resourceIds: [jones],
        datePeriod: { from: at('10:00', 'Asia/Tokyo'), to: at('11:00', 'Asia/Tokyo') },
      },
    });
    const page = await openCalendar();
    await eventually(() => block(page, 'Check-up').textContent()).toContain('Ann Lee');
    expect(await block(page, 'Tokyo call').textContent()).toContain('10:00');
    const headers = await page.locator('.ec-col-head').allTextContents();
    expect(headers.slice(0, 2)).toEqual(['Dr Smith', 'Dr Jones']);
    // Side by side: the two overlapping blocks share the column, one left of the other.
    const a = await block(page, 'Check-up').boundingBox();
    const b = await block(page, 'Overlap').boundingBox();
    expect(a && b && a.x + a.width <= b.x + 1).toBe(true);
    // Dr Smith works 09:00-18:00: grey before and after; Dr Jones has no slots: grey all day.
    expect(await page.locator('.ec-bg-event.off-hours').count()).toBe(3);
    if (process.env.CONSOLE_SCREENSHOTS === '1') await page.screenshot({ path: 'docs/console-calendar.png' });
    // The week view shows the same bookings; Previous and Next move by a week there.
    await page.getByRole('button', { name: 'Week' }).click();
    await eventually(() => page.locator('.range-title').textContent()).toMatch(/Mar.*2030/);
    await block(page, 'Check-up').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await eventually(() => block(page, 'Check-up').count()).toBe(0);
    await page.getByRole('button', { name: 'Previous' }).click();
    await block(page, 'Check-up').waitFor();
    // Out of the way of the tests that drag.
    for (const id of [checkUp, overlap, tokyo]) await ok('booking.v1.booking.delete', { id });
  });
});

describe('changing bookings with the mouse', () => {
  test('select a free range: the new booking is added with its name and client', async () => {
    const contact: number = await ok('crm.contact.add', { fields: { NAME: 'Bob' } });
    const page = await openCalendar();
    await drag(page, await pointAt(page, 1, '11:05'), await pointAt(page, 1, '11:55'));
    const dialog = page.getByRole('dialog', { name: 'New booking' });
    await dialog.getByLabel('Name').fill('Made with the mouse');
    await dialog.getByRole('button', { name: 'Add client' }).click();
    await dialog.getByLabel('Client 1 id').fill(String(contact));
    await dialog.getByRole('button', { name: 'Add booking' }).click();
    await block(page, 'Made with the mouse').waitFor();
    const list: { booking: { id: number; name: string }[] } = await ok('booking.v1.booking.list', {});
    const made = list.booking.find((b) => b.name === 'Made with the mouse');
    if (!made) throw new Error('the booking was not added');
    expect(await bookingOf(made.id)).toMatchObject({
      resourceIds: [jones],
      datePeriod: { from: at('11:00'), to: at('12:00') },
    });
    const clients: { bookingClient: { id: number }[] } = await ok('booking.v1.booking.client.list', {
      bookingId: made.id,
    });
    expect(clients.bookingClient.map((c) => c.id)).toEqual([contact]);
  });

  test('drag a block to another resource and time; drag its end; delete it from its dialog', async () => {
    const id = await addBooking('Mover', smith, '10:00', '11:00');
    const page = await openCalendar();
    const mover = block(page, 'Mover');
    await mover.waitFor();
    await drag(page, await pointAt(page, 0, '10:15'), await pointAt(page, 1, '12:15'));
    await eventually(async () => (await bookingOf(id)).resourceIds).toEqual([jones]);
    expect((await bookingOf(id)).datePeriod).toEqual({ from: at('12:00'), to: at('13:00') });

    const resizer = await mover.locator('.ec-resizer').boundingBox();
    if (!resizer) throw new Error('no resizer');
    const grip = { x: resizer.x + resizer.width / 2, y: resizer.y + resizer.height / 2 };
    await drag(page, grip, { x: grip.x, y: grip.y + 30 * PX_PER_MINUTE });
    await eventually(async () => (await bookingOf(id)).datePeriod).toEqual({ from: at('12:00'), to: at('13:30') });

    await mover.click();
    const dialog = page.getByRole('dialog', { name: `Booking #${id}` });
    await dialog.getByRole('button', { name: 'Delete booking' }).click();
    await eventually(() => mover.count()).toBe(0);
    const gone = await adminRest(server(), 'booking.v1.booking.get', { id });
    expect(gone.body.error).toBe('1021');
  });

  test('the edit dialog changes name, description, clients and external data', async () => {
    const id = await addBooking('Before', jones, '14:00', '15:00');
    const page = await openCalendar();
    await block(page, 'Before').click();
    const dialog = page.getByRole('dialog', { name: `Booking #${id}` });
    await dialog.getByLabel('Name').fill('After');
    await dialog.getByLabel('Description').fill('Bring the results');
    await dialog.getByRole('button', { name: 'Add link' }).click();
    await dialog.getByLabel('Link 2 module').fill('myapp');
    await dialog.getByLabel('Link 2 entity type').fill('ORDER');
    await dialog.getByLabel('Link 2 value').fill('A-17');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await block(page, 'After').waitFor();
    expect(await bookingOf(id)).toMatchObject({ name: 'After', description: 'Bring the results' });
    const links: { externalData: unknown[] } = await ok('booking.v1.booking.externalData.list', { bookingId: id });
    expect(links.externalData).toContainEqual({ moduleId: 'myapp', entityTypeId: 'ORDER', value: 'A-17' });
    await ok('booking.v1.booking.delete', { id });
  });

  test('a move the server refuses shows its error and puts the block back', async () => {
    const made = await fetch(`${server().url}/_admin/portals`, {
      method: 'POST',
      headers: { authorization: 'Bearer console-test-token', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'strict', settings: { overbooking: false } }),
    });
    expect(made.status).toBe(201);
    const type: number = await ok(
      'booking.v1.resourcetype.add',
      { fields: { name: 'Doctor', code: 'doctor' } },
      'strict',
    );
    for (const name of ['Dr Smith', 'Dr Jones'])
      await ok('booking.v1.resource.add', { fields: { name, typeId: type } }, 'strict');
    await addBooking('Held', 1, '10:00', '11:00', 'strict');
    const moved = await addBooking('Pushed', 2, '10:00', '11:00', 'strict');
    const page = await openCalendar('strict');
    const pushed = block(page, 'Pushed');
    await pushed.waitFor();
    const before = await pushed.boundingBox();
    await drag(page, await pointAt(page, 1, '10:15'), await pointAt(page, 0, '10:15'));
    const alert = page.getByRole('alert').filter({ hasText: '1018' });
    await alert.waitFor();
    // The server's own words: its error_description and code.
    expect(await alert.textContent()).toContain(
      'Some resources are unavailable for the requested time range: 1 (1018)',
    );
    await eventually(async () => (await pushed.boundingBox())?.x).toBe(before?.x);
    expect((await bookingOf(moved, 'strict')).resourceIds).toEqual([2]);
  });
});

describe('live', () => {
  test('a booking another client adds shows within two seconds, without a reload', async () => {
    const page = await openCalendar();
    await page.getByRole('heading', { name: 'Calendar' }).waitFor();
    // Through the webhook, as any other client.
    const reply = await server().call('booking.v1.booking.add', {
      fields: { name: 'From elsewhere', resourceIds: [smith], datePeriod: { from: at('16:00'), to: at('17:00') } },
    });
    expect(reply.status, reply.text).toBe(200);
    const shown = Date.now();
    await block(page, 'From elsewhere').waitFor({ timeout: 2000 });
    expect(Date.now() - shown).toBeLessThan(2000);
  });
});
