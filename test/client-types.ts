/**
 * The typed client's types, checked by `tsc --noEmit` (part of `npm test`): every
 * `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 * Never run; the calls only have to type-check.
 */
import { type B24Error, createClient, type ErrorCode, isErrorOf, type Result } from '../src/client/index.js';

const client = createClient({ webhookUrl: 'https://portal.example/rest/1/secret/' });

export async function typeChecks(): Promise<void> {
  // Parameters are typed by the method.
  const id: number = await client.call('booking.v1.waitlist.add', { fields: { note: 'x' } });
  // @ts-expect-error `id` is an integer, not a string
  await client.call('booking.v1.waitlist.get', { id: 'abc' });
  // @ts-expect-error `id` is required
  await client.call('booking.v1.waitlist.get', {});
  // @ts-expect-error the params are required where a parameter is
  await client.call('booking.v1.waitlist.get');
  // @ts-expect-error a field the view does not have
  await client.call('booking.v1.waitlist.add', { fields: { notes: 'x' } });
  // @ts-expect-error `datePeriod.from` needs its timezone
  await client.call('booking.v1.booking.add', { fields: { resourceIds: [1], datePeriod: { from: { timestamp: 1 } } } });
  // @ts-expect-error no such method
  await client.call('booking.v1.waitlist.nothing', {});
  // Methods without required parameters take none.
  await client.call('server.time');

  // Results are typed by the method.
  const entry = await client.call('booking.v1.waitlist.get', { id });
  const note: string | null = entry.waitList.note;
  // @ts-expect-error the entry has no such field
  entry.waitList.missing;
  const time: Result<'server.time'> = await client.call('server.time');
  // @ts-expect-error server.time answers a string
  const notTime: number = await client.call('server.time');
  // The booking module's `total` is always 0.
  const page = await client.answer('booking.v1.waitlist.list');
  const zero: 0 | undefined = page.total;

  // Error codes are typed by the method's documented errors.
  const code: ErrorCode<'booking.v1.waitlist.get'> = '1040';
  // @ts-expect-error not an error waitlist.get documents
  const wrongCode: ErrorCode<'booking.v1.waitlist.get'> = 'NOT_A_CODE';
  const failure: unknown = undefined;
  if (isErrorOf(failure, 'booking.v1.waitlist.get')) {
    const narrowed: B24Error = failure;
    const status: number = failure.status;
    void [narrowed, status];
  }

  // Batch commands are typed as calls are, references allowed in any value.
  const batch = await client.batch({
    first: { method: 'booking.v1.waitlist.add', params: { fields: { note: 'x' } } },
    second: { method: 'booking.v1.waitlist.get', params: { id: '$result[first]' } },
  });
  const firstId: number | undefined = batch.result.first;
  const secondNote: string | null | undefined = batch.result.second?.waitList.note;
  // @ts-expect-error no command has this key
  batch.result.third;
  await client.batch({
    // @ts-expect-error a string that is no reference is no integer
    bad: { method: 'booking.v1.waitlist.get', params: { id: 'abc' } },
  });
  void [note, time, notTime, zero, code, wrongCode, firstId, secondNote];

  // A CRM item is one of the CRM's types, told apart by entityTypeId (a smart process's is the portal's own).
  const { item } = await client.call('crm.item.get', { entityTypeId: 2, id: 1 });
  if (item.entityTypeId === 2) {
    const amount: number | null = item.opportunity;
    // @ts-expect-error a deal has no last name
    void item.lastName;
    void amount;
  }
  // @ts-expect-error crm.item.add's fields are the CRM's fields by their item names
  await client.call('crm.item.add', { entityTypeId: 2, fields: { TITLE: 'x' } });
  // @ts-expect-error the classic methods answer every value as a string
  const opportunity: number | null = (await client.call('crm.deal.get', { id: 1 })).OPPORTUNITY;
  // Pipelines, stages, users: typed records.
  const pipelineName: string | null = (await client.call('crm.category.get', { entityTypeId: 2, id: 0 })).category.name;
  const active: boolean = (await client.call('user.current')).ACTIVE;
  void [opportunity, pipelineName, active];

  // Only lists page; each page is the list's answer.
  for await (const page of client.pages('crm.deal.list', { filter: {} })) void page.total;
  // @ts-expect-error waitlist.get is no list
  client.pages('booking.v1.waitlist.get', { id: 1 });

  // OAuth: a token or a function giving one.
  createClient({ url: 'https://portal.example', accessToken: async () => 'token' });
  // @ts-expect-error a webhook URL or a portal URL with a token
  createClient({ url: 'https://portal.example' });
}
