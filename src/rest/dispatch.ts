/**
 * The platform step of every call, whatever carried it (HTTP, or a command inside `batch`):
 * authenticate, count the request against the rate limit, find the method, check its scope
 * and operating time, bind and run it.
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock.js';
import { type PortalFaults, underFault } from '../faults/faults.js';
import type { Store } from '../store/store.js';
import {
  assertScope,
  authenticate,
  type Caller,
  type CallerCache,
  type CredentialIndex,
  type Credentials,
  type Origin,
} from './auth.js';
import type { AuthThrottle } from './auth-throttle.js';
import { errors, type RestError } from './errors.js';
import { admitRequest, checkOperating, type LimitSettings, recordOperating } from './limits.js';
import {
  defaultSettings,
  type HandlerUrlCheck,
  type MethodOutcome,
  type PortalSettings,
  pageRequest,
  type Registry,
} from './registry.js';

export interface Platform {
  readonly registry: Registry;
  readonly store: Store;
  readonly clock: Clock;
  readonly settings?: PortalSettings;
  readonly limits: LimitSettings;
  /** Where event handlers may point (`--event-handlers`). */
  readonly handlerUrls?: HandlerUrlCheck;
  /** Webhooks and tokens found lately (see CallerCache); none: every call asks the database. */
  readonly callers?: CallerCache;
  /** Slows repeated failed authentication per client address; none: no throttle. */
  readonly authThrottle?: AuthThrottle;
  /** A portal other than `default`: where its client ids and tokens are recorded (see CredentialIndex). */
  readonly credentialIndex?: CredentialIndex;
  /** Told when event.bind adds a binding, so a portal without a delivery worker starts one. */
  readonly bindingsChanged?: () => void;
  /** The portal's fault rules; none: no call meets a fault (a seed's own calls). */
  readonly faults?: PortalFaults;
}

export interface RestCall {
  /** As the client sent it; matched case-insensitively. */
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly credentials: Credentials;
  /** The client's address, for the failed-authentication throttle. */
  readonly address?: string;
  /** Filled in as the call goes, for the request log and the journal. */
  readonly trace?: CallTrace;
}

/** What a call leaves behind as it goes, for the request log and the journal (src/journal/). */
export interface CallTrace {
  /** Who turned out to be calling; set also when the credentials named someone but were refused (expired). */
  caller?: Caller;
  /**
   * The id of the fault rule that fired on this call, if one did: the journal entry carries it.
   * Whoever injects faults sets it on the trace the call (or the `batch` command) runs with.
   */
  fault?: number;
  /** Present (empty) when the call is journaled: `batch` adds each command it answers. */
  commands?: CommandTrace[];
}

/** One command of a `batch`, as it ran: the journal makes an entry of it. */
export interface CommandTrace extends CallTrace {
  /** As the command named it. */
  method: string;
  /** After `$result[...]` references were resolved: what the method was given. */
  params: Record<string, unknown>;
  /** When it started, on the portal's clock (ms). */
  startedAt: number;
  durationMs: number;
  result?: unknown;
  error?: RestError;
}

/** One request as it arrived: the rate limit counts it once, whatever it runs. */
export async function dispatch(platform: Platform, call: RestCall): Promise<MethodOutcome> {
  const caller = await admit(platform, call.credentials, call.address, call.trace);
  return runAs(platform, caller, call.method, call.params);
}

/**
 * Who is calling, counted against the rate limit: the part of a call that needs no parameters
 * but the credentials, so the transport runs it before reading a body when the credentials are
 * in the path.
 */
export async function admit(
  platform: Platform,
  credentials: Credentials,
  address?: string,
  trace?: RestCall['trace'],
): Promise<Caller> {
  const origin: Origin | undefined =
    platform.authThrottle && address !== undefined ? { throttle: platform.authThrottle, address } : undefined;
  const caller = await authenticate(platform.store, platform.clock, credentials, platform.callers, origin, trace);
  await admitRequest(platform.store, platform.limits, caller, platform.clock.now());
  return caller;
}

const BOOKING_PREFIX = 'booking.v1.';

/**
 * Runs one method as an authenticated caller: the part `batch` repeats for each command. A
 * fault rule of the portal that fires on the call answers in its place, or around it.
 */
export async function runAs(
  platform: Platform,
  caller: Caller,
  name: string,
  params: Record<string, unknown>,
  trace?: CallTrace,
): Promise<MethodOutcome> {
  const faults = platform.faults;
  if (faults?.mayFire(name)) {
    const fault = await faults.fire(name);
    if (fault) {
      // The journal entry of the call (or of the batch command) says which rule fired.
      if (trace) trace.fault = fault.id;
      return underFault(fault, () => runMethod(platform, caller, name, params, trace));
    }
  }
  return runMethod(platform, caller, name, params, trace);
}

async function runMethod(
  platform: Platform,
  caller: Caller,
  name: string,
  params: Record<string, unknown>,
  trace: CallTrace | undefined,
): Promise<MethodOutcome> {
  const method = platform.registry.find(name);
  if (!method) throw errors.methodNotFound();
  assertScope(caller, method.scope);
  if (platform.settings?.bookingEnabled === false && method.name.startsWith(BOOKING_PREFIX)) {
    throw errors.bookingDisabled();
  }
  const ctx = {
    userId: caller.userId,
    clock: platform.clock,
    store: platform.store,
    page: pageRequest(params.start),
    settings: platform.settings ?? defaultSettings,
    handlerUrls: platform.handlerUrls,
    bindingsChanged: platform.bindingsChanged,
    caller,
    registry: platform.registry,
    trace,
    call: (inner: string, innerParams: Record<string, unknown>, innerTrace?: CallTrace) =>
      runAs(platform, caller, inner, innerParams, innerTrace),
  };
  const limit = platform.limits.operatingSeconds;
  if (limit === undefined || method.countsOperatingTime === false) {
    return platform.registry.invoke(method, params, ctx);
  }
  const key = method.name.toLowerCase();
  const before = await checkOperating(platform.store, limit, caller, key, platform.clock.now());
  const t0 = performance.now();
  let outcome: MethodOutcome | undefined;
  try {
    outcome = await platform.registry.invoke(method, params, ctx);
  } finally {
    // A call that failed still took the time it took.
    const seconds = (performance.now() - t0) / 1000;
    const operating = await recordOperating(platform.store, caller, key, platform.clock.now(), seconds, before);
    if (outcome) outcome.operating = operating;
  }
  return outcome;
}
