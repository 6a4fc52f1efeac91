/** user.current, user.get, user.search, user.fields (scope `user`), and the seed's `users`. */
import { describe, expect, it } from 'vitest';
import { failsWith, ok } from './support/calls.js';
import { SECRET, useServer } from './support/server.js';

const server = useServer({ webhooks: [`1:${SECRET}:booking,crm,user`, '7:seventhsecret01:user,crm'] });
const call = (method: string, params: unknown = {}) => ok(server(), method, params);

describe('users', () => {
  it('user.current answers user 1, the administrator every new portal has', async () => {
    const me = (await call('user.current')).result;
    expect(me).toMatchObject({ ID: '1', ACTIVE: true, NAME: 'User 1', IS_ONLINE: 'Y', UF_DEPARTMENT: [1] });
    expect(me.DATE_REGISTER).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('a seed document adds users that CRM records name and that user.get and user.search find', async () => {
    const seeded = await server()
      .server.portal('default')
      .seed({
        users: [
          { key: 'ann', NAME: 'Ann', LAST_NAME: 'Lee', EMAIL: 'ann@example.com', WORK_POSITION: 'Doctor' },
          { ID: 12, NAME: 'Bob', LAST_NAME: 'Stone', UF_DEPARTMENT: [1, 3] },
        ],
        crm: { deals: [{ key: 'd', TITLE: 'Assigned', ASSIGNED_BY_ID: '$ann' }] },
      });
    const ann = seeded.ids.ann as number;
    expect(ann).toBeGreaterThan(1);
    const deal = (await call('crm.item.get', { entityTypeId: 2, id: seeded.ids.d })).result.item;
    expect(deal.assignedById).toBe(ann);

    const byDepartment = await call('user.get', { UF_DEPARTMENT: 3, SORT: 'ID', ORDER: 'asc' });
    expect(byDepartment.result.map((u: { ID: string }) => u.ID)).toEqual(['12']);
    expect(byDepartment.total).toBe(1);
    const all = await call('user.get', { sort: 'ID', order: 'DESC' });
    expect(all.result.map((u: { ID: string }) => u.ID).slice(0, 2)).toEqual(['12', String(ann)]);
    const filtered = await call('user.get', { FILTER: { '%LAST_NAME': 'le', ACTIVE: true } });
    expect(filtered.result).toEqual([
      expect.objectContaining({ ID: String(ann), NAME: 'Ann', EMAIL: 'ann@example.com', WORK_POSITION: 'Doctor' }),
    ]);
    const found = await call('user.search', { FIND: 'doctor' });
    expect(found.result.map((u: { ID: string }) => u.ID)).toEqual([String(ann)]);
  });

  it('a webhook of a user the server has not met acts as that user, made on first call', async () => {
    const reply = await server().request(`${server().url}/rest/7/seventhsecret01/user.current`, {});
    expect(reply.body.result).toMatchObject({ ID: '7', NAME: 'User 7' });
    const deal = await server().request(`${server().url}/rest/7/seventhsecret01/crm.item.add`, {
      entityTypeId: 2,
      fields: { title: 'By seven' },
    });
    expect(deal.body.result.item).toMatchObject({ createdBy: 7, assignedById: 7, updatedBy: 7 });
  });

  it('user.fields names every field with its title', async () => {
    const fields = (await call('user.fields')).result;
    expect(fields).toMatchObject({ ID: 'ID', NAME: 'First Name', UF_DEPARTMENT: 'Units', EMAIL: 'E-Mail' });
  });

  it('needs the user scope', async () => {
    const other = await server().request(`${server().url}/rest/7/seventhsecret01/profile`, {});
    expect(other.status).toBe(200);
    const noScope = await server()
      .server.portal('default')
      .seed({ webhooks: [{ spec: '3:thirdsecret0001:crm' }] });
    expect(noScope.counts.webhooks).toBe(1);
    const reply = await server().request(`${server().url}/rest/3/thirdsecret0001/user.current`, {});
    expect(reply.status).toBe(403);
    expect(reply.body.error).toBe('insufficient_scope');
  });

  it('refuses a seed user with a bad ID, and the whole seed changes nothing', async () => {
    const before = (await call('user.get')).total;
    await expect(
      server()
        .server.portal('default')
        .seed({ users: [{ NAME: 'Fine' }, { ID: 'x', NAME: 'Bad' }] }),
    ).rejects.toThrow(/users\[1\]/);
    expect((await call('user.get')).total).toBe(before);
    await failsWith(server(), 'crm.item.get', { entityTypeId: 2, id: 999 }, 'NOT_FOUND', 'Item not found');
  });
});
