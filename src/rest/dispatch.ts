/**
 * The platform step of every call, whatever carried it (HTTP now, `batch` later):
 * authenticate, find the method, check its scope, bind and run it.
 */
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { assertScope, authenticate, type Credentials } from './auth.js';
import { errors } from './errors.js';
import { defaultSettings, type MethodOutcome, type PortalSettings, pageRequest, type Registry } from './registry.js';

export interface Platform {
  readonly registry: Registry;
  readonly store: Store;
  readonly clock: Clock;
  readonly settings?: PortalSettings;
}

export interface RestCall {
  /** As the client sent it; matched case-insensitively. */
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly credentials: Credentials;
}

export async function dispatch(platform: Platform, call: RestCall): Promise<MethodOutcome> {
  const caller = await authenticate(platform.store, call.credentials);
  const method = platform.registry.find(call.method);
  if (!method) throw errors.methodNotFound();
  assertScope(caller, method.scope);
  return platform.registry.invoke(method, call.params, {
    userId: caller.userId,
    clock: platform.clock,
    store: platform.store,
    page: pageRequest(call.params.start),
    settings: platform.settings ?? defaultSettings,
  });
}
