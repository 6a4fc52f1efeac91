/**
 * The errors a method may answer, gathered from what declares them: the platform step (by the
 * method's scope and limits), the transport (any request), the binder (by each parameter's
 * spec) and the method's own `raises`. Each is made by its function in src/rest/errors.ts, so
 * codes, texts and statuses are never written twice.
 */
import { BASIC_SCOPE } from '../rest/auth.js';
import { errors, type RestError } from '../rest/errors.js';
import type { ParamSpec } from '../rest/params.js';
import type { MethodDeclaration } from '../rest/registry.js';
import type { Schema } from './schemas.js';

/** What a request the server cannot read gets, whatever the method (examples of the detail). */
function transportErrors(): RestError[] {
  return [errors.malformedJson('Unexpected end of JSON input'), errors.wrongEncoding()];
}

function platformErrors(method: MethodDeclaration): RestError[] {
  const out = [errors.noAuthFound(), errors.invalidToken(), errors.expiredToken()];
  if (method.scope !== BASIC_SCOPE) out.push(errors.insufficientScope());
  out.push(errors.queryLimitExceeded());
  if (method.countsOperatingTime !== false) out.push(errors.operationTimeLimit());
  out.push(errors.internal());
  return out;
}

/** Every error of the method, each code and text once, in the order they are checked. */
export function methodErrors(method: MethodDeclaration): RestError[] {
  const all = [
    ...platformErrors(method),
    ...transportErrors(),
    ...Object.entries(method.params).flatMap(([name, spec]) => (spec as ParamSpec<unknown>).raises(name)),
    ...(method.raises ?? []).map((raise) => raise()),
  ];
  const seen = new Set<string>();
  return all.filter((error) => {
    const key = `${error.status} ${error.code} ${error.description}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Error bodies as shared examples: most errors (authentication, limits, the binder's) are
 * answered by many methods, so each is written once under components and referred to.
 */
export class ErrorExamples {
  private readonly byBody = new Map<string, string>();
  private readonly byResponse = new Map<string, string>();
  readonly components: Record<string, Schema> = {};
  /** Error responses, each kept once: most methods share their 401, 403, 429, 500 and 503. */
  readonly responseComponents: Record<string, Schema> = {};

  /** The reference to this error's example, added on first use. */
  ref(error: RestError): Schema {
    const body = JSON.stringify(error.toBody());
    let name = this.byBody.get(body);
    if (name === undefined) {
      const base = (error.code || 'no-code').replace(/[^A-Za-z0-9._-]/g, '_');
      name = `${base}-${this.byBody.size + 1}`;
      this.byBody.set(body, name);
      this.components[name] = { summary: error.description, value: error.toBody() };
    }
    return { $ref: `#/components/examples/${name}` };
  }

  /** The error responses of an operation: one per status, each error an example of it. */
  responses(list: readonly RestError[]): Record<string, Schema> {
    const byStatus = new Map<number, RestError[]>();
    for (const error of list) byStatus.set(error.status, [...(byStatus.get(error.status) ?? []), error]);
    const responses: Record<string, Schema> = {};
    for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
      const examples = Object.fromEntries(group.map((error, i) => [`e${i + 1}`, this.ref(error)]));
      const codes = [...new Set(group.map((e) => (e.code === '' ? '(empty)' : e.code)))].join(', ');
      responses[String(status)] = this.shared(status, {
        description: `Bitrix error, code ${codes}`,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, examples } },
      });
    }
    return responses;
  }

  private shared(status: number, response: Schema): Schema {
    const text = JSON.stringify(response);
    let name = this.byResponse.get(text);
    if (name === undefined) {
      name = `Error${status}-${this.byResponse.size + 1}`;
      this.byResponse.set(text, name);
      this.responseComponents[name] = response;
    }
    return { $ref: `#/components/responses/${name}` };
  }
}
