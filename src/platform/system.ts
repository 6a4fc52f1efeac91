/**
 * The platform's own methods of the global scope (`api-reference/common/system/`,
 * `users/profile.md`), as CRestProvider answers them. Introspection reads the registry, so
 * every method is described by its one declaration.
 */
import { isoWithOffset } from '../http/envelope.js';
import { BASIC_SCOPE, hasScope } from '../rest/auth.js';
import { param } from '../rest/params.js';
import { phpString, phpTruthy } from '../rest/php.js';
import { defineMethod } from '../rest/registry.js';
import { result } from '../rest/result.js';
import { ensureUser } from './users.js';

/** A self-hosted portal's licence, as CRestProvider::appInfo reports it without the bitrix24 module. */
const LANGUAGE_ID = 'en';
const LICENSE = `${LANGUAGE_ID}_selfhosted`;

const methods = defineMethod({
  name: 'methods',
  caseInsensitiveParams: true,
  scope: BASIC_SCOPE,
  result: result.value('list'),
  params: { scope: param.loose(), full: param.loose() },
  handler: async ({ scope, full }, ctx) => {
    const all = ctx.registry.all();
    let scopes: Set<string>;
    if (scope !== undefined) {
      // `scope=` with no value lists the common (global-scope) methods.
      scopes = new Set([phpString(scope) === '' ? BASIC_SCOPE : phpString(scope)]);
    } else if (phpTruthy(full)) {
      scopes = new Set(all.map((m) => m.scope));
    } else {
      scopes = new Set([...ctx.caller.scopes, BASIC_SCOPE]);
    }
    return all.filter((m) => scopes.has(m.scope)).map((m) => m.name.toLowerCase());
  },
});

const methodGet = defineMethod({
  name: 'method.get',
  scope: BASIC_SCOPE,
  result: result.value('object'),
  params: { name: param.loose() },
  handler: async ({ name }, ctx) => {
    const method = phpTruthy(name) ? ctx.registry.find(phpString(name)) : undefined;
    return {
      isExisting: method !== undefined,
      isAvailable: method !== undefined && hasScope(ctx.caller, method.scope),
    };
  },
});

const scope = defineMethod({
  name: 'scope',
  caseInsensitiveParams: true,
  scope: BASIC_SCOPE,
  result: result.value('list'),
  params: { full: param.loose() },
  handler: async ({ full }, ctx) => {
    if (!phpTruthy(full)) return [...ctx.caller.scopes];
    const declared = new Set(ctx.registry.all().map((m) => m.scope as string));
    declared.delete(BASIC_SCOPE);
    return [...declared];
  },
});

const serverTime = defineMethod({
  name: 'server.time',
  scope: BASIC_SCOPE,
  result: result.value('string'),
  params: {},
  handler: async (_args, ctx) => isoWithOffset(ctx.clock.now()),
});

const profile = defineMethod({
  name: 'profile',
  scope: BASIC_SCOPE,
  result: result.value('object'),
  params: {},
  handler: async (_args, ctx) => {
    const id = ctx.caller.userId;
    let user = await ctx.store.read(({ portal }) => portal.findUser(id));
    if (!user) {
      user = await ctx.store.write(async (repos) => {
        await ensureUser(repos, id, ctx.clock.now());
        return repos.portal.findUser(id);
      });
    }
    return {
      ID: String(id),
      ADMIN: user?.isAdmin ?? false,
      NAME: user?.name ?? '',
      LAST_NAME: user?.lastName ?? '',
      PERSONAL_GENDER: '',
      TIME_ZONE: '',
    };
  },
});

const appInfo = defineMethod({
  name: 'app.info',
  scope: BASIC_SCOPE,
  result: result.value('object'),
  params: {},
  handler: async (_args, ctx) => {
    const appId = ctx.caller.appId;
    // A webhook has no application: the real server answers its scopes and the licence.
    if (appId === undefined) return { SCOPE: [...ctx.caller.scopes], LICENSE };
    const app = await ctx.store.read(({ oauth }) => oauth.findApp({ id: appId }));
    return {
      ID: appId,
      CODE: app?.clientId ?? '',
      VERSION: 1,
      STATUS: 'L',
      INSTALLED: true,
      PAYMENT_EXPIRED: 'N',
      DAYS: null,
      LANGUAGE_ID,
      LICENSE,
    };
  },
});

export const systemMethods = [methods, methodGet, scope, serverTime, profile, appInfo];
