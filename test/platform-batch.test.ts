/** `batch` (settings/how-to-call-rest-api/batch.md) as the real clients send it. */
import { stringify } from 'qs';
import { describe, expect, it } from 'vitest';
import { useServer } from './support/server.js';

const server = useServer();

async function addEntry(note: string): Promise<number> {
  const reply = await server().call('booking.v1.waitlist.add', { fields: { note } });
  return reply.body.result as number;
}

describe('batch', () => {
  it('runs the doc example of independent calls, keyed like cmd, errors of unknown and unscoped methods in result_error', async () => {
    const reply = await server().call('batch', {
      halt: 0,
      cmd: { get_user: 'user.current', get_departments: 'department.get', get_app: 'app.info' },
    });
    expect(reply.status).toBe(200);
    const { result, result_error, result_total, result_next, result_time } = reply.body.result;
    expect(result).toEqual({ get_app: { SCOPE: ['booking', 'crm'], LICENSE: 'en_selfhosted' } });
    expect(result_error).toEqual({
      // user.current needs the `user` scope, which this webhook lacks.
      get_user: {
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the webhook token',
      },
      get_departments: { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' },
    });
    expect(result_total).toEqual([]);
    expect(result_next).toEqual([]);
    expect(Object.keys(result_time)).toEqual(['get_app']);
    expect(Object.keys(result_time.get_app).sort()).toEqual(
      [
        'date_finish',
        'date_start',
        'duration',
        'finish',
        'operating',
        'operating_reset_at',
        'processing',
        'start',
      ].sort(),
    );
    expect(result_time.get_app.operating_reset_at).toBe(Math.floor(result_time.get_app.start) + 600);
    expect(Object.keys(reply.body.time)).toContain('operating');
  });

  it('stops at the first error with halt 1, as the doc example shows', async () => {
    const reply = await server().call('batch', {
      halt: 1,
      cmd: { get_user: 'user.current', get_department: 'department.get?ID=$result[get_user][UF_DEPARTMENT][0]' },
    });
    expect(reply.body.result.result).toEqual([]);
    expect(Object.keys(reply.body.result.result_error)).toEqual(['get_user']);
    expect(reply.body.result.result_time).toEqual([]);
  });

  it('runs 50 linked commands with references and halt, keyed by index for an array cmd', async () => {
    const cmd = ['booking.v1.waitlist.add?fields%5Bnote%5D=first'];
    for (let i = 1; i < 50; i++) {
      cmd.push(`booking.v1.waitlist.update?id=$result[0]&fields%5Bnote%5D=step%20${i}%20after%20$result[0]`);
    }
    const reply = await server().call('batch', { halt: 1, cmd });
    expect(reply.status).toBe(200);
    const { result, result_error, result_time } = reply.body.result;
    expect(result_error).toEqual([]);
    expect(result).toHaveLength(50);
    const id = result[0] as number;
    expect(typeof id).toBe('number');
    expect(result.slice(1).every((r: unknown) => r === true)).toBe(true);
    expect(result_time).toHaveLength(50);
    const get = await server().call('booking.v1.waitlist.get', { id });
    expect(get.body.result.waitList.note).toBe(`step 49 after ${id}`);
  });

  it('answers the 51st command with ERROR_BATCH_LENGTH_EXCEEDED and runs the first 50', async () => {
    const cmd: Record<string, string> = {};
    for (let i = 0; i < 51; i++) cmd[`c${i}`] = 'server.time';
    const reply = await server().call('batch', { halt: 0, cmd });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body.result.result)).toHaveLength(50);
    expect(reply.body.result.result_error).toEqual({
      c50: { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' },
    });
  });

  it('refuses a nested batch with ERROR_BATCH_METHOD_NOT_ALLOWED', async () => {
    const reply = await server().call('batch', { cmd: { inner: 'batch?cmd%5Ba%5D=server.time', t: 'server.time' } });
    expect(reply.body.result.result_error).toEqual({
      inner: { error: 'ERROR_BATCH_METHOD_NOT_ALLOWED', error_description: 'Method is not allowed for batch usage' },
    });
    expect(Object.keys(reply.body.result.result)).toEqual(['t']);
  });

  it('keeps going with halt 0 and gives index keys as an object when one command failed', async () => {
    const reply = await server().call('batch', {
      halt: false,
      cmd: ['booking.v1.waitlist.get?id=999999', 'server.time'],
    });
    expect(reply.body.result.result_error).toEqual([{ error: '1040', error_description: 'Wait list not found' }]);
    expect(Object.keys(reply.body.result.result)).toEqual(['1']);
    expect(Array.isArray(reply.body.result.result)).toBe(false);
  });

  it('reports result_total for booking lists and resolves nested references into arrays', async () => {
    const id = await addEntry('listed');
    const reply = await server().call('batch', {
      halt: true,
      cmd: {
        one: `booking.v1.waitlist.get?id=${id}`,
        list: 'booking.v1.waitlist.list',
        again: 'booking.v1.waitlist.get?id=$result[one][waitList][id]',
      },
    });
    expect(reply.body.result.result_total).toEqual({ list: 0 });
    expect(reply.body.result.result.again).toEqual({ waitList: { id, note: 'listed' } });
  });

  it('reads the CRest form encoding: cmd values double-encoded, halt 0', async () => {
    const id = await addEntry('crest');
    const cmd = {
      get: `booking.v1.waitlist.get?${stringify({ id })}`,
      set: `booking.v1.waitlist.externalData.set?${stringify({
        waitListId: '$result[get][waitList][id]',
        externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: '5' }],
      })}`,
    };
    const body = stringify({ cmd, halt: 0 });
    expect(body).toContain('%255B');
    const res = await fetch(`${server().hook}batch.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const json = (await res.json()) as { result: { result: unknown; result_error: unknown } };
    expect(json.result.result_error).toEqual([]);
    expect(json.result.result).toEqual({ get: { waitList: { id, note: 'crest' } }, set: true });
  });

  it('reads a GET batch with no halt (default 0)', async () => {
    const reply = await server().call(
      'batch',
      { cmd: { a: 'booking.v1.waitlist.get?id=999999', b: 'server.time' } },
      'query',
    );
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body.result.result)).toEqual(['b']);
    expect(Object.keys(reply.body.result.result_error)).toEqual(['a']);
  });

  it('reads CMD and HALT in any case, as the real server upper-cases its keys', async () => {
    const reply = await server().call('batch', {
      HALT: 1,
      CMD: { a: 'booking.v1.waitlist.get?id=999999', b: 'server.time' },
    });
    expect(Object.keys(reply.body.result.result_error)).toEqual(['a']);
    expect(reply.body.result.result).toEqual([]);
  });

  it('answers an empty batch with five empty lists', async () => {
    const reply = await server().call('batch', {});
    expect(reply.body.result).toEqual({
      result: [],
      result_error: [],
      result_total: [],
      result_next: [],
      result_time: [],
    });
  });
});
