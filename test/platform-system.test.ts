/** methods, method.get, scope, server.time, profile, app.info: every example of their pages. */
import { describe, expect, it } from 'vitest';
import { allMethods } from '../src/methods.js';
import { SECRET, useServer } from './support/server.js';

const clock = { now: () => Date.UTC(2024, 7, 5, 9, 2, 13) };
const server = useServer({ clock, webhooks: [`1:${SECRET}:booking,crm`, '7:bookingonly00000:booking'] });

const BOOKING_ONLY = (method: string) => `${server().url}/rest/7/bookingonly00000/${method}`;

describe('methods', () => {
  it('lists the methods of the caller scopes and the common ones, lower-case, from the registry', async () => {
    const reply = await server().call('methods', {});
    expect(reply.status).toBe(200);
    expect(reply.body.result).toEqual(
      expect.arrayContaining([
        'batch',
        'profile',
        'server.time',
        'booking.v1.waitlist.add',
        'booking.v1.waitlist.externaldata.set',
      ]),
    );
  });

  it('runs the doc example (scope user): the user methods, lower-case', async () => {
    const reply = await server().call('methods', { scope: 'user' });
    expect(reply.body.result).toEqual(['user.current', 'user.get', 'user.search', 'user.fields']);
  });

  it('gives an empty list for a scope with no methods here', async () => {
    const reply = await server().call('methods', { scope: 'im' });
    expect(reply.body.result).toEqual([]);
  });

  it('lists one scope, the common methods for an empty scope, and everything with full', async () => {
    const booking = (await server().call('methods', { scope: 'booking' })).body.result as string[];
    expect(booking.every((m) => m.startsWith('booking.'))).toBe(true);
    expect(booking).toHaveLength(allMethods.filter((m) => m.scope === 'booking').length);
    const common = (await server().call('methods', { scope: '' }, 'query')).body.result as string[];
    expect(common.sort()).toEqual([
      'app.info',
      'batch',
      'event.bind',
      'event.get',
      'event.offline.clear',
      'event.offline.error',
      'event.offline.get',
      'event.offline.list',
      'event.unbind',
      'method.get',
      'methods',
      'profile',
      'scope',
      'server.time',
    ]);
    const full = (await server().call('methods', { full: true })).body.result as string[];
    expect(full).toHaveLength(allMethods.length);
  });
});

describe('method.get', () => {
  it('runs the doc example (user.get): existing, not available to a webhook without the user scope', async () => {
    const reply = await server().call('method.get', { name: 'user.get' });
    expect(reply.body.result).toEqual({ isExisting: true, isAvailable: false });
  });

  it('tells existing and available methods apart by the caller scopes', async () => {
    expect((await server().call('method.get', { name: 'booking.v1.waitlist.add' })).body.result).toEqual({
      isExisting: true,
      isAvailable: true,
    });
    expect((await server().call('method.get', {})).body.result).toEqual({ isExisting: false, isAvailable: false });
  });
});

describe('scope', () => {
  it('gives the caller scopes, and every declared scope with full (the doc example)', async () => {
    expect((await server().call('scope', {})).body.result).toEqual(['booking', 'crm']);
    expect((await server().request(BOOKING_ONLY('scope'), {})).body.result).toEqual(['booking']);
    const declared = [...new Set(allMethods.map((m) => m.scope))].filter((s) => s !== 'basic').sort();
    expect((await server().call('scope', { full: true })).body.result).toEqual(declared);
  });
});

describe('server.time', () => {
  it('answers the server clock in ISO 8601 with the offset', async () => {
    const reply = await server().call('server.time', {});
    expect(reply.body.result).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect(Date.parse(reply.body.result)).toBe(clock.now());
  });
});

describe('profile', () => {
  it('returns the webhook user as the doc example shows it', async () => {
    const reply = await server().call('profile', {});
    expect(reply.body.result).toEqual({
      ID: '1',
      ADMIN: true,
      NAME: 'User 1',
      LAST_NAME: '',
      PERSONAL_GENDER: '',
      TIME_ZONE: '',
    });
  });

  it('makes a user it has not met on demand; only user 1 is an administrator', async () => {
    const reply = await server().request(BOOKING_ONLY('profile'), {});
    expect(reply.body.result).toMatchObject({ ID: '7', ADMIN: false, NAME: 'User 7' });
  });
});

describe('app.info', () => {
  it('answers a webhook with its scopes and the self-hosted licence, as the real server does', async () => {
    const reply = await server().call('app.info', {});
    expect(reply.status).toBe(200);
    expect(reply.body.result).toEqual({ SCOPE: ['booking', 'crm'], LICENSE: 'en_selfhosted' });
  });
});

describe('basic scope', () => {
  it('lets a webhook call the common methods whatever its scopes', async () => {
    for (const method of ['batch', 'methods', 'method.get', 'scope', 'server.time', 'profile', 'app.info']) {
      expect((await server().request(BOOKING_ONLY(method), {})).status, method).toBe(200);
    }
  });
});
