/** Types of embedded-postgres.mjs (plain JavaScript, shared with the benchmarks). */
export interface EmbeddedPostgresRun {
  /** `postgres://b24:b24@127.0.0.1:<port>`, without a database name. */
  readonly url: string;
  /** Stops the server and removes its temp directory. */
  stop(): Promise<void>;
}

export function startEmbeddedPostgres(options: { port: number; prefix?: string }): Promise<EmbeddedPostgresRun>;
