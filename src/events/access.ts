/** Who may call the event methods: an application only, and for some things its administrator. */
import { defaultUser } from '../platform/users.js';
import { errors } from '../rest/errors.js';
import type { MethodContext } from '../rest/registry.js';

/**
 * The calling application. The event methods need an application's token: a webhook gets
 * `WRONG_AUTH_TYPE`, as on Bitrix24 (its outgoing events are set up in the portal's UI).
 */
export function callingApp(ctx: MethodContext): number {
  if (ctx.caller.appId === undefined) throw errors.wrongAuthType();
  return ctx.caller.appId;
}

export async function callerIsAdmin(ctx: MethodContext): Promise<boolean> {
  const user = await ctx.store.read(({ portal }) => portal.findUser(ctx.userId));
  return (user ?? defaultUser(ctx.userId)).isAdmin;
}

/** The offline queue is the administrator's: `ACCESS_DENIED` for anyone else. */
export async function adminApp(ctx: MethodContext): Promise<number> {
  const appId = callingApp(ctx);
  if (!(await callerIsAdmin(ctx))) throw errors.accessDenied();
  return appId;
}
