/** Helpers for the CRM and client tests: calls that must succeed, and the recorded events. */
import { expect } from 'vitest';
import type { TestServer } from './server.js';

/** Calls a method that must answer 200 and returns its body. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field in tests
export async function ok(server: TestServer, method: string, params: unknown = {}): Promise<any> {
  const reply = await server.call(method, params);
  expect(reply.status, `${method}: ${reply.text}`).toBe(200);
  return reply.body;
}

/** Calls a method that must fail with HTTP 400 and returns `{error, error_description}`. */
export async function fails(server: TestServer, method: string, params: unknown = {}) {
  const reply = await server.call(method, params);
  expect(reply.status, `${method}: ${reply.text}`).toBe(400);
  return reply.body as { error: string; error_description: string };
}

/** Every event recorded in the outbox so far, oldest first. */
export async function recordedEvents(server: TestServer): Promise<{ event: string; data: unknown }[]> {
  return server.server.store.read(({ outbox }) => outbox.list(100_000));
}
