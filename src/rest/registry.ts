/**
 * The method registry: every REST method is declared once (name, scope, parameters, handler),
 * and routing, binding, introspection and docs come from that declaration.
 */
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import type { Caller } from './auth.js';
import type { CallTrace } from './dispatch.js';
import { errors, type RestError } from './errors.js';
import { type BoundParams, bindParams, type ParamSpecs } from './params.js';
import { phpIntSaturating } from './php.js';
import type { ResultSpec } from './result.js';

/** `basic` is Bitrix's global scope: methods every caller may call (batch, profile, ...). */
export type Scope = 'basic' | 'booking' | 'crm' | 'user';

/** Paging as CRestServer sets it up from `start`: 50 a page, offset rounded down. */
export interface PageRequest {
  readonly offset: number;
  readonly limit: number;
  /** `start: -1` asks for no count: the answer then carries no `total`. */
  readonly countTotal: boolean;
}

/** Portal settings that change how methods behave (Bitrix's tariff features and options). */
export interface PortalSettings {
  /** Overbooking: a booking may share a resource with at most one other at any moment. */
  readonly overbooking: boolean;
  /** Deals for bookings (Bitrix24 since 25.1150): a booking created without a deal gets a new one. */
  readonly dealForBooking: boolean;
  /** False: the portal has the booking tool switched off, and every `booking.v1.*` call says so. */
  readonly bookingEnabled?: boolean;
}

export const defaultSettings: PortalSettings = { overbooking: true, dealForBooking: true };

/** Where an event handler may point (src/events/handler-address.ts): why not, or undefined. */
export interface HandlerUrlCheck {
  checkHandler(url: URL): Promise<string | undefined>;
}

export interface MethodContext {
  readonly userId: number;
  readonly clock: Clock;
  readonly store: Store;
  readonly page: PageRequest;
  readonly settings: PortalSettings;
  /** The server's rule for event handler addresses; absent: the `local` rule. */
  readonly handlerUrls?: HandlerUrlCheck;
  /** Told when event.bind adds a binding (the portal's delivery worker starts if it has none). */
  readonly bindingsChanged?: () => void;
  /** Who is calling, for the platform methods that answer about the caller. */
  readonly caller: Caller;
  readonly registry: Registry;
  /** The call's trace (see CallTrace): `batch` adds its commands to it when the call is journaled. */
  readonly trace?: CallTrace;
  /** Runs another method as the same caller through the platform step (what `batch` does). */
  readonly call: (method: string, params: Record<string, unknown>, trace?: CallTrace) => Promise<MethodOutcome>;
}

/**
 * A page of a booking-module list. The module always reports `"total": 0` and never `next`,
 * whatever the real count (real-server.md, section 6).
 */
export class BookingPage {
  constructor(
    readonly key: string,
    readonly items: readonly unknown[],
  ) {}
}

/**
 * A page of a CRM list (`crm.deal.list` and the others): unlike the booking module, CRM lists
 * carry the real `total`, and `next` (the `start` of the following page) while more remain.
 * `crm.item.list` puts its records under a key (`{"items": [...]}`); the classic lists answer
 * the records themselves. With `start: -1` there is no count: `total` is undefined.
 */
export class CrmPage {
  constructor(
    readonly items: readonly unknown[],
    readonly total: number | undefined,
    readonly key?: string,
  ) {}
}

export interface MethodDeclaration<S extends ParamSpecs = ParamSpecs> {
  /** As the docs spell it; lookups are case-insensitive. */
  readonly name: string;
  readonly scope: Scope;
  readonly params: S;
  readonly handler: (args: BoundParams<S>, ctx: MethodContext) => Promise<unknown>;
  /** What `result` holds; a page must be declared, with its key (see `assertDeclaredPage`). */
  readonly result?: ResultSpec;
  /**
   * The method's own errors, by reference to `errors` (a thunk where the error takes values).
   * The platform's and the binder's are derived from the scope and the params, not listed.
   */
  readonly raises?: readonly (() => RestError)[];
  /**
   * CRestProvider's own methods (batch, methods, scope) upper-case the request's keys before
   * reading them, so `CMD` and `Halt` work as well as `cmd` and `halt`.
   */
  readonly caseInsensitiveParams?: boolean;
  /** False for `batch`: its own time is not counted, only that of the commands it runs. */
  readonly countsOperatingTime?: boolean;
}

export function defineMethod<S extends ParamSpecs>(declaration: MethodDeclaration<S>): MethodDeclaration<S> {
  return declaration;
}

/** What a successful call answers besides `time`. */
export interface MethodOutcome {
  result: unknown;
  total?: number;
  next?: number;
  /** The operating-time counter after the call, when the operating limit is on. */
  operating?: { seconds: number; resetAt: number };
  /** The id of the fault rule that fired on the call (a delay; src/faults/). */
  fault?: number;
}

export const PAGE_SIZE = 50;

/**
 * The furthest offset a list asks the database for: past any table's end, yet an integer both
 * stores bind exactly (a `start` near 2^63 is no exact integer here, and SQLite refuses it).
 */
const FURTHEST_OFFSET = Math.floor(Number.MAX_SAFE_INTEGER / PAGE_SIZE) * PAGE_SIZE;

/**
 * `start` as CRestServer reads it: intval (saturating past 64 bits, so a huge `start` is a page
 * past the end); page = floor(start / 50) + 1; -1 = no count.
 */
export function pageRequest(start: unknown): PageRequest {
  const value = phpIntSaturating(start);
  return {
    offset: value > 0 ? Math.min(Math.floor(value / PAGE_SIZE) * PAGE_SIZE, FURTHEST_OFFSET) : 0,
    limit: PAGE_SIZE,
    countTotal: value !== -1,
  };
}

/** Top-level keys lower-cased; where two spellings collide the later one wins, as in PHP. */
function lowerCaseKeys(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) out[key.toLowerCase()] = value;
  return out;
}

/**
 * A page answered by a method that did not declare it (or under another key) would make the
 * published description wrong about `total` and `next`: refused as the server's own bug.
 */
function assertDeclaredPage(method: MethodDeclaration, answer: unknown): void {
  const declared = method.result;
  const asDeclared =
    answer instanceof BookingPage
      ? declared?.kind === 'bookingPage' && declared.key === answer.key
      : answer instanceof CrmPage
        ? declared?.kind === 'crmPage' && declared.key === answer.key
        : declared?.kind !== 'bookingPage' && declared?.kind !== 'crmPage';
  if (!asDeclared) throw errors.internal();
}

export class Registry {
  private readonly byName = new Map<string, MethodDeclaration>();

  constructor(declarations: readonly MethodDeclaration<never>[]) {
    for (const declaration of declarations) {
      const key = declaration.name.toLowerCase();
      if (this.byName.has(key)) throw new Error(`method ${declaration.name} is declared twice`);
      this.byName.set(key, declaration as unknown as MethodDeclaration);
    }
  }

  find(name: string): MethodDeclaration | undefined {
    return this.byName.get(name.toLowerCase());
  }

  all(): MethodDeclaration[] {
    return [...this.byName.values()];
  }

  /** Binds the params and runs the handler; errors are thrown as RestError. */
  async invoke(method: MethodDeclaration, params: Record<string, unknown>, ctx: MethodContext): Promise<MethodOutcome> {
    const args = bindParams(method.params, method.caseInsensitiveParams ? lowerCaseKeys(params) : params);
    const result = await method.handler(args, ctx);
    assertDeclaredPage(method, result);
    if (result instanceof BookingPage) {
      const outcome: MethodOutcome = { result: { [result.key]: result.items } };
      if (ctx.page.countTotal) outcome.total = 0;
      return outcome;
    }
    if (result instanceof CrmPage) {
      const outcome: MethodOutcome = { result: result.key ? { [result.key]: result.items } : result.items };
      // `start: -1` asks for no count, and so gets neither `total` nor `next`.
      if (result.total === undefined || !ctx.page.countTotal) return outcome;
      outcome.total = result.total;
      const next = ctx.page.offset + ctx.page.limit;
      if (next < result.total) outcome.next = next;
      return outcome;
    }
    if (result === undefined) throw errors.internal();
    return { result };
  }
}
