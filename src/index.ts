export type { Clock } from './clock.js';
export { type RunningServer, type ServerOptions, startServer } from './server.js';
