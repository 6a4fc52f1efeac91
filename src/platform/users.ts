/**
 * The users webhooks and tokens act as, and `user.current`, `user.get`, `user.search` and
 * `user.fields` (scope `user`), as CRestUser answers them. User 1, the administrator, exists in
 * every new portal; a seed document's `users` add others; a user the server has not met yet
 * (a webhook of user 7) is made on demand.
 *
 * A portal holds a handful of users, so `user.get` filters them in memory.
 */

import { splitKey } from '../crm/engine/query.js';
import { isoWithOffset } from '../http/envelope.js';
import { errors } from '../rest/errors.js';
import type { ParamSpec } from '../rest/params.js';
import { param } from '../rest/params.js';
import { isPhpArray, phpArrayValues, phpString } from '../rest/php.js';
import { CrmPage, defineMethod, type MethodContext } from '../rest/registry.js';
import { result } from '../rest/result.js';
import { defineView, type FieldSpec, type FieldType } from '../rest/view.js';
import type { PortalUser, PortalUserRecord } from '../store/repositories/portal.js';
import type { Repositories } from '../store/store.js';

/** User 1 is the portal's administrator, as on a fresh Bitrix24. */
export function defaultUser(id: number): PortalUser {
  return { id, name: `User ${id}`, lastName: '', isAdmin: id === 1 };
}

export async function ensureUser(repos: Repositories, id: number, now: number): Promise<void> {
  await repos.portal.ensureUser(defaultUser(id), now);
}

/** The caller's user, made first if the server has not met it. */
async function callerUser(ctx: MethodContext): Promise<PortalUserRecord> {
  const id = ctx.caller.userId;
  const find = (repos: Repositories) => repos.portal.users().then((all) => all.find((u) => u.id === id));
  const known = await ctx.store.read(find);
  if (known) return known;
  return ctx.store.write(async (repos) => {
    await ensureUser(repos, id, ctx.clock.now());
    return (await find(repos)) as PortalUserRecord;
  });
}

/**
 * A user's fields: the title user.fields gives each (every field the page lists), and the type
 * `user.get` answers it with, for those it answers (`userView`). Numbers and dates are strings.
 */
const USER_FIELDS: Readonly<Record<string, readonly [title: string, answered?: FieldType]>> = {
  ID: ['ID', 'string'],
  XML_ID: ['External code'],
  ACTIVE: ['Activity', 'flag'],
  NAME: ['First Name', 'string'],
  LAST_NAME: ['Last Name', 'string'],
  SECOND_NAME: ['Middle Name', 'string'],
  TITLE: ['User List'],
  EMAIL: ['E-Mail', 'string'],
  LAST_LOGIN: ['Last Authorization', 'string'],
  DATE_REGISTER: ['Registration Date', 'string'],
  TIME_ZONE: ['TIME_ZONE', 'string'],
  IS_ONLINE: ['IS_ONLINE', 'boolean'],
  TIMESTAMP_X: ['TIMESTAMP_X'],
  LAST_ACTIVITY_DATE: ['LAST_ACTIVITY_DATE'],
  PERSONAL_GENDER: ['Gender', 'string'],
  PERSONAL_PROFESSION: ['Profession'],
  PERSONAL_WWW: ['Homepage'],
  PERSONAL_BIRTHDAY: ['Date of Birth'],
  PERSONAL_PHOTO: ['Photo'],
  PERSONAL_PHONE: ['Personal Phone'],
  PERSONAL_MOBILE: ['Personal Mobile', 'string'],
  PERSONAL_CITY: ['Residential City'],
  WORK_PHONE: ['Company Phone', 'string'],
  WORK_COMPANY: ['Company'],
  WORK_POSITION: ['Job Title', 'string'],
  WORK_DEPARTMENT: ['Department'],
  UF_EMPLOYMENT_DATE: ['Hire Date'],
  UF_DEPARTMENT: ['Units', 'list'],
  UF_PHONE_INNER: ['Extension'],
  USER_TYPE: ['USER_TYPE', 'string'],
};

const FIELD_TITLES = Object.fromEntries(Object.entries(USER_FIELDS).map(([name, [title]]) => [name, title]));

/** A user as user.get, user.search and user.current answer one, for the API description. */
const userRecord = defineView(
  Object.fromEntries(
    Object.entries(USER_FIELDS).flatMap(([name, [title, answered]]): [string, FieldSpec][] =>
      answered ? [[name, { type: answered, title }]] : [],
    ),
  ),
  'user',
);

/**
 * A user as `user.get` shows one (the fields of the `user` scope). The caller is online and
 * logged in now (`now`: the server's clock); the others show no login.
 */
function userView(user: PortalUserRecord, now: number | undefined) {
  return {
    ID: String(user.id),
    ACTIVE: user.active,
    NAME: user.name,
    LAST_NAME: user.lastName,
    SECOND_NAME: user.secondName,
    EMAIL: user.email,
    LAST_LOGIN: now === undefined ? '' : isoWithOffset(now),
    DATE_REGISTER: isoWithOffset(user.createdAt),
    TIME_ZONE: '',
    IS_ONLINE: now === undefined ? 'N' : 'Y',
    PERSONAL_GENDER: user.personalGender,
    PERSONAL_MOBILE: user.personalMobile,
    WORK_PHONE: user.workPhone,
    WORK_POSITION: user.workPosition,
    UF_DEPARTMENT: user.departments,
    USER_TYPE: 'employee',
  };
}

/** What a filter compares of a user, by the filter's field name. */
const FILTER_FIELDS: ReadonlyMap<string, (u: PortalUserRecord) => string | readonly string[]> = new Map<
  string,
  (u: PortalUserRecord) => string | readonly string[]
>([
  ['ID', (u) => String(u.id)],
  ['ACTIVE', (u) => (u.active ? 'Y' : 'N')],
  ['NAME', (u) => u.name],
  ['LAST_NAME', (u) => u.lastName],
  ['SECOND_NAME', (u) => u.secondName],
  ['EMAIL', (u) => u.email],
  ['WORK_POSITION', (u) => u.workPosition],
  ['PERSONAL_MOBILE', (u) => u.personalMobile],
  ['WORK_PHONE', (u) => u.workPhone],
  ['PERSONAL_GENDER', (u) => u.personalGender],
  ['UF_DEPARTMENT', (u) => u.departments.map(String)],
  ['USER_TYPE', () => 'employee'],
  ['IS_ONLINE', () => 'N'],
]);

/** `NAME_SEARCH` and `FIND`: a substring of the name, last name, e-mail or position. */
const SEARCHED = (u: PortalUserRecord) => [u.name, u.lastName, u.secondName, u.email, u.workPosition];

/** `ACTIVE: true` keeps the active users, as the page says; other values compare as Y/N. */
const flagValue = (raw: unknown) =>
  raw === true || raw === 'true' || raw === 'Y' || raw === 1 || raw === '1' ? 'Y' : 'N';

function matches(user: PortalUserRecord, key: string, raw: unknown): boolean {
  const { name, op } = splitKey(key.toUpperCase());
  if (name === 'NAME_SEARCH' || name === 'FIND') {
    const needle = phpString(raw).trim().toLowerCase();
    return needle === '' || SEARCHED(user).some((v) => v.toLowerCase().includes(needle));
  }
  const read = FILTER_FIELDS.get(name);
  // A field users do not have filters nothing out, as the user filter ignores it.
  if (!read) return true;
  const have = [read(user)].flat().map((v) => v.toLowerCase());
  const wanted = (isPhpArray(raw) ? phpArrayValues(raw) : [raw]).map((v) =>
    (name === 'ACTIVE' ? flagValue(v) : phpString(v)).toLowerCase(),
  );
  const numeric = name === 'ID';
  const compare = (a: string, b: string) => (numeric ? Number(a) - Number(b) : a.localeCompare(b));
  switch (op) {
    case 'contains':
      return have.some((h) => wanted.some((w) => h.includes(w)));
    case 'notContains':
      return !have.some((h) => wanted.some((w) => h.includes(w)));
    case '!=':
    case 'notIn':
      return !have.some((h) => wanted.includes(h));
    case '>':
      return have.some((h) => compare(h, wanted[0] ?? '') > 0);
    case '>=':
      return have.some((h) => compare(h, wanted[0] ?? '') >= 0);
    case '<':
      return have.some((h) => compare(h, wanted[0] ?? '') < 0);
    case '<=':
      return have.some((h) => compare(h, wanted[0] ?? '') <= 0);
    default:
      return have.some((h) => wanted.includes(h));
  }
}

/** Keys of the request that are not filter fields. */
const NOT_FILTER = new Set([
  'sort',
  'order',
  'admin_mode',
  'start',
  'select',
  'image_resize',
  'filter',
  'auth',
  'find',
]);

/**
 * `FILTER` (or `filter`), or else the request's own keys: user.get takes filter fields at the
 * top level too (`{"UF_DEPARTMENT": 1, "SORT": "ID"}`, the page's example).
 */
const userFilter: ParamSpec<Record<string, unknown>> = {
  type: 'array',
  required: false,
  bind: (_name, raw) => (isPhpArray(raw) ? { ...raw } : {}),
  convert: (bound) => bound as Record<string, unknown>,
  find: (params) => {
    if (isPhpArray(params.filter)) return { present: true, raw: params.filter };
    const top = Object.entries(params).filter(([key]) => !NOT_FILTER.has(key.toLowerCase()));
    return { present: true, raw: Object.fromEntries(top) };
  },
  raises: () => [],
};

const SORTABLE: ReadonlyMap<string, (u: PortalUserRecord) => string | number> = new Map<
  string,
  (u: PortalUserRecord) => string | number
>([
  ['ID', (u) => u.id],
  ['NAME', (u) => u.name.toLowerCase()],
  ['LAST_NAME', (u) => u.lastName.toLowerCase()],
  ['EMAIL', (u) => u.email.toLowerCase()],
  ['WORK_POSITION', (u) => u.workPosition.toLowerCase()],
  ['DATE_REGISTER', (u) => u.createdAt],
]);

async function listUsers(ctx: MethodContext, filter: Record<string, unknown>, sort: unknown, order: unknown) {
  const all = await ctx.store.read(({ portal }) => portal.users());
  const found = all.filter((u) => Object.entries(filter).every(([key, raw]) => matches(u, key, raw)));
  const key = SORTABLE.get(phpString(sort).toUpperCase()) ?? SORTABLE.get('ID');
  const sign = phpString(order).toUpperCase() === 'DESC' ? -1 : 1;
  if (key) found.sort((a, b) => (key(a) < key(b) ? -sign : key(a) > key(b) ? sign : 0));
  const { offset, limit } = ctx.page;
  const page = found
    .slice(offset, offset + limit)
    .map((u) => userView(u, u.id === ctx.caller.userId ? ctx.clock.now() : undefined));
  return new CrmPage(page, found.length);
}

const current = defineMethod({
  name: 'user.current',
  scope: 'user',
  result: result.record(userRecord),
  params: {},
  handler: async (_args, ctx) => userView(await callerUser(ctx), ctx.clock.now()),
});

const get = defineMethod({
  name: 'user.get',
  scope: 'user',
  caseInsensitiveParams: true,
  result: result.crmPage(undefined, userRecord),
  params: { filter: userFilter, sort: param.loose(), order: param.loose() },
  handler: ({ filter, sort, order }, ctx) => listUsers(ctx, filter, sort, order),
});

const search = defineMethod({
  name: 'user.search',
  scope: 'user',
  caseInsensitiveParams: true,
  result: result.crmPage(undefined, userRecord),
  params: { filter: userFilter, find: param.loose(), sort: param.loose(), order: param.loose() },
  handler: ({ filter, find, sort, order }, ctx) =>
    // FIND searches every field; it is not combined with the others (the page's note).
    listUsers(ctx, find !== undefined ? { FIND: find } : filter, sort, order),
});

const fields = defineMethod({
  name: 'user.fields',
  scope: 'user',
  result: result.fieldDescriptions([Object.keys(USER_FIELDS)], { titlesOnly: true }),
  params: {},
  handler: async () => FIELD_TITLES,
});

export const userMethods = [current, get, search, fields];

/** A seed document's user: `{"ID"?, "NAME", "LAST_NAME", "EMAIL", "WORK_POSITION", "UF_DEPARTMENT", "ADMIN"}`. */
export function seedUser(
  item: Record<string, unknown>,
  nextId: number,
): Parameters<Repositories['portal']['putUser']>[0] {
  const text = (key: string) => (item[key] === undefined ? undefined : phpString(item[key]));
  const id = item.ID === undefined ? nextId : Number(item.ID);
  if (!Number.isSafeInteger(id) || id < 1) throw errors.invalidParameter('ID', phpString(item.ID), 'int');
  const departments = item.UF_DEPARTMENT;
  return {
    id,
    name: text('NAME') ?? `User ${id}`,
    lastName: text('LAST_NAME') ?? '',
    isAdmin: item.ADMIN === true || item.ADMIN === 'Y' || id === 1,
    secondName: text('SECOND_NAME'),
    email: text('EMAIL'),
    workPosition: text('WORK_POSITION'),
    personalGender: text('PERSONAL_GENDER'),
    personalMobile: text('PERSONAL_MOBILE'),
    workPhone: text('WORK_PHONE'),
    departments:
      departments === undefined
        ? undefined
        : (isPhpArray(departments) ? phpArrayValues(departments) : [departments]).map(Number),
    active: item.ACTIVE === undefined ? undefined : item.ACTIVE !== false && item.ACTIVE !== 'N',
  };
}
