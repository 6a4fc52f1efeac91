/**
 * The console's resources, CRM and events panels in Chromium: a resource type and a resource
 * made with its notification settings and working hours, read back over REST; a deal linked
 * from a booking and a wait-list entry shows them, found by search and by the wait list's link
 * address; an application's binding, a delivery and the offline queue show in Events.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { adminRest, eventually, useBrowser } from './support/browser.js';
import { ADMIN_TOKEN, HandlerServer, installApp } from './support/events.js';
import { useServer } from './support/server.js';

const server = useServer({ adminToken: ADMIN_TOKEN });
const browser = useBrowser(server);

async function ok<T = never>(method: string, params: unknown): Promise<T> {
  const reply = await adminRest(server(), method, params);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.result as T;
}

const row = (page: Page, text: string) => page.getByRole('row').filter({ hasText: text });

describe('resources', () => {
  test('a type and a resource with notification settings and working hours, read back over REST', async () => {
    const { page } = await browser().signedIn('resources');
    await page.getByRole('button', { name: 'Add resource type' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Dentists');
    await dialog.getByLabel('Code').fill('dentist');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await row(page, 'dentist').waitFor();

    await page.getByRole('button', { name: 'Add resource', exact: true }).click();
    await dialog.getByLabel('Name', { exact: true }).fill('Dr Lee');
    await dialog.getByLabel('Description').fill('Second floor');
    expect(await dialog.getByLabel('Type').inputValue()).not.toBe('');
    await dialog.getByText('Notifications').click();
    await dialog.getByRole('checkbox', { name: 'Reminder', exact: true }).check();
    await dialog.getByLabel('Reminder delay (minutes)').fill('120');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await row(page, 'Dr Lee').waitFor();

    const [type] = (await ok<{ resourceType: { id: number; code: string }[] }>('booking.v1.resourceType.list', {}))
      .resourceType;
    const [resource] = (await ok<{ resource: Record<string, unknown>[] }>('booking.v1.resource.list', {})).resource;
    expect(type?.code).toBe('dentist');
    expect(resource).toMatchObject({
      name: 'Dr Lee',
      description: 'Second floor',
      typeId: type?.id,
      isReminderNotificationOn: expect.toSatisfy((v) => v === true || v === 'Y'),
      reminderNotificationDelay: 120,
    });

    // Working hours: weekdays but Friday, and Saturday, 10:00 to 16:30 in Berlin, 30-minute slots.
    await page.getByRole('button', { name: 'Working hours Dr Lee' }).click();
    await dialog.getByRole('button', { name: 'Add hours' }).click();
    await dialog.getByRole('checkbox', { name: 'Hours 1 Fri' }).uncheck();
    await dialog.getByRole('checkbox', { name: 'Hours 1 Sat' }).check();
    await dialog.getByLabel('Hours 1 from').fill('10:00');
    await dialog.getByLabel('Hours 1 to').fill('16:30');
    await dialog.getByLabel('Hours 1 time zone').fill('Europe/Berlin');
    await dialog.getByLabel('Hours 1 slot size (minutes)').fill('30');
    await dialog.getByRole('button', { name: 'Save hours' }).click();
    await eventually(() => row(page, 'Dr Lee').textContent()).toContain('10:00–16:30 (Europe/Berlin)');
    const { slots } = await ok<{ slots: unknown[] }>('booking.v1.resource.slots.list', { resourceId: resource?.id });
    expect(slots).toMatchObject([
      { weekDays: ['Mon', 'Tue', 'Wed', 'Thu', 'Sat'], from: 600, to: 990, timezone: 'Europe/Berlin', slotSize: 30 },
    ]);

    // Hours the server refuses (an end before the start): its error shows, nothing changes.
    await page.getByRole('button', { name: 'Working hours Dr Lee' }).click();
    await dialog.getByLabel('Hours 1 to').fill('09:00');
    await dialog.getByRole('button', { name: 'Save hours' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Invalid range fields' }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(
      (await ok<{ slots: unknown[] }>('booking.v1.resource.slots.list', { resourceId: resource?.id })).slots,
    ).toEqual(slots);

    // Edited (the notification settings stay as they were), then deleted.
    await page.getByRole('button', { name: 'Edit Dr Lee' }).click();
    await dialog.getByLabel('Name', { exact: true }).fill('Dr Lee-Smith');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await row(page, 'Dr Lee-Smith').waitFor();
    const edited = await ok<{ resource: Record<string, unknown> }>('booking.v1.resource.get', { id: resource?.id });
    expect(edited.resource).toMatchObject({ name: 'Dr Lee-Smith', reminderNotificationDelay: 120 });
    page.on('dialog', (asked) => void asked.accept());
    await page.getByRole('button', { name: 'Delete Dr Lee-Smith' }).click();
    await eventually(async () => (await ok<{ resource: unknown[] }>('booking.v1.resource.list', {})).resource).toEqual(
      [],
    );
    await page.getByRole('button', { name: 'Delete type Dentists' }).click();
    await eventually(
      async () => (await ok<{ resourceType: unknown[] }>('booking.v1.resourceType.list', {})).resourceType,
    ).toEqual([]);
  });
});

describe('CRM', () => {
  test('a deal linked from a booking and a wait-list entry shows both; search finds it', async () => {
    const type = await ok<number>('booking.v1.resourceType.add', { fields: { name: 'Rooms', code: 'room' } });
    const room = await ok<number>('booking.v1.resource.add', { fields: { name: 'Room 3', typeId: type } });
    const deal = await ok<number>('crm.deal.add', { fields: { TITLE: 'Kitchen refit' } });
    await ok('crm.deal.add', { fields: { TITLE: 'Roof repair' } });
    const at = (time: string) => ({ timestamp: Date.parse(`2030-03-04T${time}:00Z`) / 1000, timezone: 'UTC' });
    const booking = await ok<number>('booking.v1.booking.add', {
      fields: { name: 'Site visit', resourceIds: [room], datePeriod: { from: at('09:00'), to: at('10:00') } },
    });
    await ok('booking.v1.booking.add', {
      fields: { name: 'Unlinked visit', resourceIds: [room], datePeriod: { from: at('11:00'), to: at('12:00') } },
    });
    const link = [{ moduleId: 'crm', entityTypeId: 'DEAL', value: String(deal) }];
    await ok('booking.v1.booking.externalData.set', { bookingId: booking, externalData: link });
    const entry = await ok<number>('booking.v1.waitlist.add', { fields: { note: 'Measure the window' } });
    await ok('booking.v1.waitlist.externalData.set', { waitListId: entry, externalData: link });

    const { page } = await browser().signedIn('crm');
    await page.getByRole('link', { name: 'Roof repair' }).waitFor();
    await page.getByLabel('Search deals').fill('kitchen');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(() => page.getByRole('link', { name: 'Roof repair' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Kitchen refit' }).click();
    // The address the wait list's deal links use.
    expect(new URL(page.url()).hash).toBe(`#/crm/deal/${deal}`);
    await page.getByRole('heading', { name: 'Kitchen refit' }).waitFor();
    const bookings = page.getByRole('list', { name: 'Linked bookings' });
    await eventually(() => bookings.textContent()).toContain('Site visit');
    expect(await bookings.textContent()).toContain('2030-03-04 09:00–10:00 (UTC)');
    expect(await bookings.textContent()).not.toContain('Unlinked visit');
    expect(await page.getByRole('list', { name: 'Linked wait-list entries' }).textContent()).toContain(
      'Measure the window',
    );
    expect(await bookings.getByRole('link', { name: 'Site visit' }).getAttribute('href')).toBe('#/calendar/2030-03-04');

    // A contact: its bookings are those it is a client of.
    const contact = await ok<number>('crm.contact.add', { fields: { NAME: 'Ann', LAST_NAME: 'Lee' } });
    await ok('booking.v1.booking.client.set', {
      bookingId: booking,
      clients: [{ id: contact, type: { module: 'crm', code: 'CONTACT' } }],
    });
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.getByLabel('Search contacts').fill('lee');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Ann Lee' }).click();
    await eventually(() => page.getByRole('list', { name: 'Linked bookings' }).textContent()).toContain('Site visit');
  });
});

describe('events', () => {
  test("an application's binding, its delivery and the offline queue show", async () => {
    const hs = await HandlerServer.start();
    try {
      const app = await installApp(server(), { name: 'Console events' });
      const handler = `${hs.url}/hook`;
      const bound = await app.call('event.bind', { event: 'onBookingWaitListItemAdd', handler });
      expect(bound.status, bound.text).toBe(200);
      const offlineBound = await app.call('event.bind', {
        event: 'onBookingWaitListItemDelete',
        event_type: 'offline',
      });
      expect(offlineBound.status, offlineBound.text).toBe(200);
      const entry = await ok<number>('booking.v1.waitlist.add', { fields: { note: 'event' } });
      await ok('booking.v1.waitlist.delete', { id: entry });

      const { page } = await browser().signedIn('events');
      const bindings = page.getByRole('table', { name: 'Bindings' });
      await eventually(() => bindings.textContent()).toContain('ONBOOKINGWAITLISTITEMADD');
      expect(await bindings.textContent()).toContain(handler);
      expect(await bindings.textContent()).toContain(app.clientId);
      // Delivered: one try, the handler's 200.
      const delivery = page.getByRole('table', { name: 'Deliveries' }).getByRole('row').filter({ hasText: handler });
      await eventually(async () => (await delivery.getByRole('cell').allTextContents()).slice(1, 6)).toEqual([
        'ONBOOKINGWAITLISTITEMADD',
        handler,
        '1',
        '200',
        'delivered',
      ]);
      const offline = page.getByRole('table', { name: 'Offline queue' });
      await eventually(() => offline.textContent()).toContain('ONBOOKINGWAITLISTITEMDELETE');
    } finally {
      await hs.close();
    }
  });
});
