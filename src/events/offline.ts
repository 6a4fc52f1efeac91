/**
 * event.offline.get, .list, .clear and .error (api-reference/events/offline-events.md): the
 * queue of an application's offline bindings, per source key (`auth_connector`). `get` with
 * `clear=0` reserves a batch under a `process_id` that parallel callers do not see; `clear`
 * removes a batch or part of it, `error` marks records as failed and releases them, so they
 * come back with `error=1` only.
 */
import { isoWithOffset } from '../http/envelope.js';
import { randomString } from '../rest/auth.js';
import { errors } from '../rest/errors.js';
import { param } from '../rest/params.js';
import { isNumeric, isPhpArray, phpArrayValues, phpIntCast, phpString } from '../rest/php.js';
import { CrmPage, defineMethod } from '../rest/registry.js';
import { result } from '../rest/result.js';
import type {
  Comparison,
  OfflineColumn,
  OfflineCondition,
  OfflineEvent,
  OfflineQuery,
} from '../store/repositories/event-offline.js';
import { adminApp } from './access.js';

const DEFAULT_LIMIT = 50;

/** The fields a filter or order may name, by method. */
const GET_FIELDS: Record<string, OfflineColumn> = {
  ID: 'id',
  TIMESTAMP_X: 'timestamp_x',
  EVENT_NAME: 'event',
  MESSAGE_ID: 'message_id',
};
const LIST_FIELDS: Record<string, OfflineColumn> = { ...GET_FIELDS, PROCESS_ID: 'process_id', ERROR: 'error' };

const OPERATORS: Record<string, Comparison> = {
  '': '=',
  '=': '=',
  '!': '<>',
  '!=': '<>',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};

function text(value: unknown): string {
  return isPhpArray(value) ? '' : phpString(value).trim();
}

/** A value compared with a column, in the column's terms; undefined drops the condition. */
function columnValue(column: OfflineColumn, raw: unknown): string | number | undefined {
  if (isPhpArray(raw)) return undefined;
  if (column === 'id' || column === 'error') return phpIntCast(raw);
  if (column === 'timestamp_x') {
    const ms = Date.parse(phpString(raw));
    return Number.isNaN(ms) ? undefined : ms;
  }
  return column === 'event' ? phpString(raw).toUpperCase() : phpString(raw);
}

/** `filter`: `[op]FIELD => value` with =, !, !=, >, >=, <, <=; unknown fields are dropped, as the ORM's sanitizer does. */
function conditions(filter: unknown, fields: Record<string, OfflineColumn>): OfflineCondition[] {
  if (!isPhpArray(filter) || Array.isArray(filter)) return [];
  const out: OfflineCondition[] = [];
  for (const [key, raw] of Object.entries(filter)) {
    const match = /^(!=|>=|<=|=|!|>|<)?([A-Za-z_]+)$/.exec(key.trim());
    const column = match ? fields[(match[2] as string).toUpperCase()] : undefined;
    if (!match || column === undefined) continue;
    const value = columnValue(column, raw);
    if (value !== undefined) out.push({ column, op: OPERATORS[match[1] ?? ''] as Comparison, value });
  }
  return out;
}

function ordering(order: unknown, fields: Record<string, OfflineColumn>, fallback: OfflineColumn) {
  const out: OfflineQuery['order'][number][] = [];
  if (isPhpArray(order) && !Array.isArray(order)) {
    for (const [key, direction] of Object.entries(order)) {
      const column = fields[key.toUpperCase()];
      if (column) out.push({ column, direction: text(direction).toUpperCase() === 'DESC' ? 'desc' : 'asc' });
    }
  }
  return out.length > 0 ? out : [{ column: fallback, direction: 'asc' as const }];
}

/** A record as `get` shows it; `list` adds PROCESS_ID and ERROR. */
function record(row: OfflineEvent) {
  return {
    ID: String(row.id),
    TIMESTAMP_X: isoWithOffset(row.timestampX),
    EVENT_NAME: row.event,
    EVENT_DATA: row.data,
    EVENT_ADDITIONAL: false,
    MESSAGE_ID: row.messageId,
  };
}

/** `value == 1` as PHP compares a request value with an integer. */
function isOne(value: unknown): boolean {
  return isNumeric(value) && Number(value) === 1;
}

/** A process id as event.offline.get makes them: 32 lower-case letters and digits. */
const newProcessId = () => randomString(32);

const get = defineMethod({
  name: 'event.offline.get',
  scope: 'basic',
  result: result.value('object'),
  raises: [errors.wrongAuthType, errors.accessDenied],
  caseInsensitiveParams: true,
  params: {
    filter: param.loose(),
    order: param.loose(),
    limit: param.loose(),
    clear: param.loose(),
    process_id: param.loose(),
    auth_connector: param.loose(),
    error: param.loose(),
  },
  handler: async (args, ctx) => {
    const appId = await adminApp(ctx);
    const clear = args.clear === undefined || args.clear === null || isOne(args.clear);
    const given = text(args.process_id);
    const limit = args.limit === undefined ? DEFAULT_LIMIT : phpIntCast(args.limit);
    const query: OfflineQuery = {
      appId,
      connector: text(args.auth_connector),
      conditions: conditions(args.filter, GET_FIELDS),
      order: ordering(args.order, GET_FIELDS, 'timestamp_x'),
    };
    const processId = given === '' ? newProcessId() : given;
    const events = await ctx.store.write(async ({ eventOffline }) => {
      await eventOffline.reserve(query, processId, isOne(args.error), limit > 0 ? limit : DEFAULT_LIMIT);
      const rows = await eventOffline.ofProcess(query, processId, limit > 0 ? limit : DEFAULT_LIMIT);
      if (clear) await eventOffline.clear(appId, query.connector, processId, { ids: rows.map((r) => r.id) });
      return rows;
    });
    return { process_id: clear ? null : processId, events: events.map(record) };
  },
});

const list = defineMethod({
  name: 'event.offline.list',
  scope: 'basic',
  result: result.crmPage(),
  raises: [errors.wrongAuthType, errors.accessDenied],
  caseInsensitiveParams: true,
  params: { filter: param.loose(), order: param.loose(), auth_connector: param.loose() },
  handler: async (args, ctx) => {
    const appId = await adminApp(ctx);
    const query: OfflineQuery = {
      appId,
      connector: text(args.auth_connector),
      conditions: conditions(args.filter, LIST_FIELDS),
      order: ordering(args.order, LIST_FIELDS, 'id'),
    };
    const { rows, total } = await ctx.store.read(({ eventOffline }) =>
      eventOffline.page(query, ctx.page.offset, ctx.page.limit),
    );
    return new CrmPage(
      rows.map((row) => ({ ...record(row), PROCESS_ID: row.processId, ERROR: String(row.error) })),
      total,
    );
  },
});

/** `process_id` of clear and error: required, though an empty string is taken (records outside any batch). */
function processIdOf(raw: unknown): string {
  if (raw === undefined || raw === null) throw errors.argumentNullOrEmpty('PROCESS_ID');
  return text(raw);
}

/** `message_id`: a list of 32-character MESSAGE_ID values; absent or empty: every record of the batch. */
function messageIdsOf(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPhpArray(raw)) throw errors.offlineMessageIdsInvalid();
  const values = phpArrayValues(raw);
  if (!values.every((v) => typeof v === 'string' && v.length === 32)) throw errors.offlineMessageIdsInvalid();
  return values.length > 0 ? (values as string[]) : undefined;
}

function idsOf(raw: unknown): number[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPhpArray(raw)) throw errors.offlineIdsNotIntegers();
  const values = phpArrayValues(raw).map((v) => (isNumeric(v) ? Number(v) : Number.NaN));
  if (!values.every((v) => Number.isInteger(v) && v >= 1)) throw errors.offlineIdsNotIntegers();
  return values.length > 0 ? values : undefined;
}

/** What clear and error raise alike: who may call, which process, which messages. */
const processErrors = [
  errors.wrongAuthType,
  errors.accessDenied,
  () => errors.argumentNullOrEmpty('PROCESS_ID'),
  errors.offlineMessageIdsInvalid,
];

const clear = defineMethod({
  name: 'event.offline.clear',
  scope: 'basic',
  result: result.success(),
  raises: [...processErrors, errors.offlineIdsNotIntegers],
  caseInsensitiveParams: true,
  params: { process_id: param.loose(), id: param.loose(), message_id: param.loose(), auth_connector: param.loose() },
  handler: async (args, ctx) => {
    const appId = await adminApp(ctx);
    const processId = processIdOf(args.process_id);
    // message_id wins over id (the newer page; the older one said the opposite).
    const messageIds = messageIdsOf(args.message_id);
    const ids = messageIds === undefined ? idsOf(args.id) : undefined;
    const only = messageIds ? { messageIds } : ids ? { ids } : undefined;
    await ctx.store.write(({ eventOffline }) => eventOffline.clear(appId, text(args.auth_connector), processId, only));
    return true;
  },
});

const error = defineMethod({
  name: 'event.offline.error',
  scope: 'basic',
  result: result.success(),
  raises: processErrors,
  caseInsensitiveParams: true,
  params: { process_id: param.loose(), message_id: param.loose() },
  handler: async (args, ctx) => {
    const appId = await adminApp(ctx);
    const processId = processIdOf(args.process_id);
    const messageIds = messageIdsOf(args.message_id);
    await ctx.store.write(({ eventOffline }) => eventOffline.markErrors(appId, processId, messageIds));
    return true;
  },
});

export const offlineEventMethods = [get, list, clear, error];
