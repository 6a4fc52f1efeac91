/** Calls as tests make them: ones that must succeed, ones that must fail, the recorded events. */
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

/** Calls a method that must fail with HTTP 400 and exactly this error. */
export async function failsWith(
  server: TestServer,
  method: string,
  params: unknown,
  code: string,
  description: string,
) {
  expect(await fails(server, method, params)).toEqual({ error: code, error_description: description });
}

/** Makes resources of one resource type (made on first use), for tests that book them. */
export function resourceMaker(server: () => TestServer): () => Promise<number> {
  let typeId: number | undefined;
  return async () => {
    typeId ??= (await ok(server(), 'booking.v1.resourceType.add', { fields: { name: 'Room', code: 'room' } })).result;
    return (await ok(server(), 'booking.v1.resource.add', { fields: { name: 'Resource', typeId } })).result;
  };
}

/** Every event recorded in the outbox so far, oldest first. */
export async function recordedEvents(server: TestServer): Promise<{ event: string; data: unknown }[]> {
  return server.server.store.read(({ outbox }) => outbox.list(100_000));
}
