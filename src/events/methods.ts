/**
 * event.bind, event.unbind, event.get (api-reference/events/), as the rest module's
 * `Api\Event` answers them: CRestProvider-style methods that read their keys in any case,
 * event names upper-cased, offline bindings and other users' bindings for administrators only.
 */
import { errors } from '../rest/errors.js';
import { param } from '../rest/params.js';
import { isPhpArray, phpIntCast, phpString } from '../rest/php.js';
import { defineMethod, type MethodContext } from '../rest/registry.js';
import { result } from '../rest/result.js';
import { callerIsAdmin, callingApp } from './access.js';
import { eventScope } from './catalog.js';
import { HandlerAddressPolicy } from './handler-address.js';

const OFFLINE = 'offline';

/**
 * Bindings of one application to one event. Bitrix24 sets no limit; here every binding turns
 * each write into one more POST, so one application cannot multiply a write without bound.
 */
export const MAX_BINDINGS_PER_EVENT = 10;

/** The rule when the platform names none (a platform built without a server): development's. */
const LOCAL_HANDLERS = new HandlerAddressPolicy('local');

/** A string parameter as PHP reads it: absent, null and arrays are ''. */
function text(value: unknown): string {
  return isPhpArray(value) ? '' : phpString(value).trim();
}

function isOffline(eventType: unknown): boolean {
  return text(eventType).toLowerCase() === OFFLINE;
}

/**
 * HandlerHelper::checkCallback: an absolute http(s) URL, at an address this server may send
 * tokens to (Bitrix's own refusal, ERROR_WRONG_HANDLER_URL, for one it will not accept).
 */
async function checkHandlerUrl(ctx: MethodContext, handler: string): Promise<void> {
  if (!URL.canParse(handler)) throw errors.wrongHandlerUrl();
  const url = new URL(handler);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw errors.unsupportedHandlerProtocol();
  if ((await (ctx.handlerUrls ?? LOCAL_HANDLERS).checkHandler(url)) !== undefined) throw errors.wrongHandlerUrl();
}

/** The user whose bindings a non-administrator touches: always their own. */
function ownAuthType(ctx: MethodContext, given: number, denied: string): number {
  if (given > 0 && given !== ctx.userId) throw errors.accessDenied(denied);
  return ctx.userId;
}

/** An event of this server that the caller's scopes cover. */
function knownEvent(ctx: MethodContext, name: string): string {
  const scope = eventScope(name);
  if (scope === undefined || !ctx.caller.scopes.includes(scope)) throw errors.eventNotFound();
  return name.toUpperCase();
}

/** What names a binding, in bind and unbind alike. */
/** Why a non-administrator is refused (`ACCESS_DENIED`, the detail after the class message). */
const DENIED = {
  offlineBind: 'Offline events binding requires administrator access rights',
  authTypeBind: 'Event binding with AUTH_TYPE requires administrator access rights',
  offlineUnbind: 'Offline events unbinding requires administrator access rights',
  authTypeUnbind: 'Event unbinding with AUTH_TYPE requires administrator access rights',
};

const bindingParams = {
  event: param.loose(),
  handler: param.loose(),
  auth_type: param.loose(),
  event_type: param.loose(),
};

const bind = defineMethod({
  name: 'event.bind',
  scope: 'basic',
  result: result.success(),
  raises: [
    errors.wrongAuthType,
    errors.eventNotFound,
    () => errors.accessDenied(DENIED.offlineBind),
    () => errors.argumentNullOrEmpty('HANDLER'),
    errors.wrongHandlerUrl,
    errors.unsupportedHandlerProtocol,
    () => errors.accessDenied(DENIED.authTypeBind),
    () => errors.tooManyHandlers(MAX_BINDINGS_PER_EVENT),
    errors.handlerAlreadyBound,
  ],
  caseInsensitiveParams: true,
  params: { ...bindingParams, auth_connector: param.loose(), options: param.loose() },
  handler: async (args, ctx) => {
    const appId = callingApp(ctx);
    const event = knownEvent(ctx, text(args.event));
    const admin = await callerIsAdmin(ctx);
    const offline = isOffline(args.event_type);
    let handler = '';
    let authType = 0;
    let authConnector = '';
    if (offline) {
      if (!admin) throw errors.accessDenied(DENIED.offlineBind);
      authConnector = text(args.auth_connector);
    } else {
      handler = text(args.handler);
      if (handler === '') throw errors.argumentNullOrEmpty('HANDLER');
      await checkHandlerUrl(ctx, handler);
      authType = phpIntCast(args.auth_type);
      if (!admin) {
        authType = ownAuthType(ctx, authType, DENIED.authTypeBind);
      }
    }
    const id = await ctx.store.write(async ({ eventHandlers, outbox }) => {
      // Entries recorded while nothing was bound go nowhere: a portal whose delivery worker starts
      // with its first binding must not hand them to it (a running worker would have dropped them).
      if (!(await eventHandlers.any())) await outbox.dismissUndispatched(ctx.clock.now());
      const added = await eventHandlers.add(
        { appId, event, handler, authType, boundBy: ctx.userId, offline, authConnector },
        ctx.clock.now(),
      );
      // Counted after the insert, in its transaction: a refusal rolls it back, and binding one
      // that exists is still "already binded".
      if (added !== undefined && (await eventHandlers.countOf(appId, event)) > MAX_BINDINGS_PER_EVENT) {
        throw errors.tooManyHandlers(MAX_BINDINGS_PER_EVENT);
      }
      return added;
    });
    if (id === undefined) throw errors.handlerAlreadyBound();
    ctx.bindingsChanged?.();
    return true;
  },
});

const unbind = defineMethod({
  name: 'event.unbind',
  scope: 'basic',
  result: result.value('object'),
  raises: [
    errors.wrongAuthType,
    () => errors.argumentNullOrEmpty('EVENT'),
    () => errors.accessDenied(DENIED.offlineUnbind),
    () => errors.argumentNullOrEmpty('HANDLER'),
    () => errors.accessDenied(DENIED.authTypeUnbind),
  ],
  caseInsensitiveParams: true,
  params: bindingParams,
  handler: async (args, ctx) => {
    const appId = callingApp(ctx);
    const event = text(args.event).toUpperCase();
    if (event === '') throw errors.argumentNullOrEmpty('EVENT');
    const admin = await callerIsAdmin(ctx);
    const offline = isOffline(args.event_type);
    const handler = offline ? '' : text(args.handler);
    if (offline && !admin) throw errors.accessDenied(DENIED.offlineUnbind);
    if (!offline && handler === '') throw errors.argumentNullOrEmpty('HANDLER');
    // Absent: bindings of every user; given (also empty, which is 0): that user's only.
    let authType = args.auth_type === undefined || args.auth_type === null ? undefined : phpIntCast(args.auth_type);
    if (!admin && !offline) {
      authType = ownAuthType(ctx, authType ?? 0, DENIED.authTypeUnbind);
    }
    const count = await ctx.store.write(({ eventHandlers }) =>
      eventHandlers.remove({ appId, event, handler, offline, authType }),
    );
    return { count };
  },
});

const get = defineMethod({
  name: 'event.get',
  scope: 'basic',
  result: result.value('list'),
  raises: [errors.wrongAuthType],
  params: {},
  handler: async (_args, ctx) => {
    const appId = callingApp(ctx);
    const admin = await callerIsAdmin(ctx);
    const handlers = await ctx.store.read(({ eventHandlers }) =>
      eventHandlers.listByApp(appId, admin ? undefined : ctx.userId),
    );
    return handlers.map((h) => ({
      event: h.event,
      handler: h.handler,
      auth_type: String(h.authType),
      offline: h.offline ? 1 : 0,
    }));
  },
});

export const eventMethods = [bind, unbind, get];
