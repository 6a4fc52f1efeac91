/** The package's programmatic API: a server in your own process, for test suites and tools. */
export { AdjustableClock, type Clock } from './clock.js';
export type { SeedResult } from './devtools/seed.js';
export type { FaultRuleView } from './faults/faults.js';
export type { CustomError, FaultRule, PresetName } from './faults/rules.js';
export type { JournalCaller, JournalEntry } from './journal/entry.js';
export { FilterError, type JournalFilter } from './journal/filter.js';
export type { LogLevel } from './observability/log.js';
export type { PortalHandle } from './portals/handle.js';
export type { LimitSettings } from './rest/limits.js';
export { type RunningServer, type ServerOptions, startServer } from './server.js';
