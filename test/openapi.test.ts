/**
 * GET /openapi.json and `b24-booking openapi`: an OpenAPI 3.1 document generated from the
 * method declarations, checked with a real validator and against what the server answers.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { runCli, SQLITE_RUN } from './support/cli.js';
import { readReply, SECRET, useServer } from './support/server.js';

const server = useServer({ webhooks: [`1:${SECRET}:booking,crm,user`, '7:crmonly000000000:crm'] });

// biome-ignore lint/suspicious/noExplicitAny: the document is read path by path
type Doc = any;

async function fetchDocument(init: RequestInit = {}): Promise<{ status: number; text: string; doc: Doc }> {
  const reply = await readReply(await fetch(`${server().url}/openapi.json`, init));
  return { status: reply.status, text: reply.text, doc: reply.body };
}

/** A `$ref` inside the document followed (one level, as the generator writes them). */
function deref(doc: Doc, node: Doc): Doc {
  if (typeof node?.$ref !== 'string') return node;
  return (node.$ref as string)
    .slice(2)
    .split('/')
    .reduce((at: Doc, key: string) => at[key], doc);
}

/** The examples of an operation's error response with this status, as error bodies. */
function errorExamples(doc: Doc, method: string, status: number): unknown[] {
  const response = deref(doc, doc.paths[`/${method}`].post.responses[String(status)]);
  if (response === undefined) return [];
  return Object.values(response.content['application/json'].examples).map((e) => deref(doc, e).value);
}

/** A component record schema closed: an answer with a field the document does not list fails it. */
function closed(doc: Doc, name: string): Doc {
  const schema = doc.components.schemas[name];
  expect(schema, `no component schema ${name}`).toBeDefined();
  return { ...schema, additionalProperties: false };
}

function bodySchema(doc: Doc, method: string): Doc {
  return deref(doc, doc.paths[`/${method}`].post.requestBody.content['application/json'].schema);
}

function okSchema(doc: Doc, method: string): Doc {
  return doc.paths[`/${method}`].post.responses['200'].content['application/json'].schema;
}

/**
 * The document's JSON Schemas, compiled strictly (an unknown type or keyword fails): the
 * OpenAPI validator checks the document's structure, not the schemas inside it.
 */
function schemaChecker(doc: Doc): (schema: Doc) => ValidateFunction {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  const local = (schema: Doc) =>
    JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"https://b24.test/components#/$defs/'));
  ajv.addSchema({ $id: 'https://b24.test/components', $defs: local(doc.components.schemas) });
  return (schema) => ajv.compile(local(schema));
}

/** Calls a method and checks the answer against the success schema the document gives it. */
async function callAsDocumented(doc: Doc, compile: (schema: Doc) => ValidateFunction, method: string, params = {}) {
  const checkParams = compile(bodySchema(doc, method));
  expect(checkParams(params), JSON.stringify(checkParams.errors)).toBe(true);
  const reply = await server().call(method, params);
  expect(reply.status, reply.text).toBe(200);
  const check = compile(okSchema(doc, method));
  expect(check(reply.body), `${method}: ${JSON.stringify(check.errors)}`).toBe(true);
  return reply.body.result;
}

describe('GET /openapi.json', () => {
  it('is served without credentials and is a valid OpenAPI 3.1 document', async () => {
    const { status, doc } = await fetchDocument();
    expect(status).toBe(200);
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const verdict = await validator.validate(doc);
    expect(verdict.errors).toBeUndefined();
    expect(verdict.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('answers a browser on another origin, as /rest does', async () => {
    const origin = 'https://tools.example';
    const res = await fetch(`${server().url}/openapi.json`, { headers: { origin } });
    await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).not.toBeNull();
    const preflight = await fetch(`${server().url}/openapi.json`, { method: 'OPTIONS', headers: { origin } });
    expect(preflight.status).toBe(204);
  });

  it('has exactly one operation for each method `methods` lists, and no other', async () => {
    const { doc } = await fetchDocument();
    const listed = (await server().call('methods', { full: true })).body.result as string[];
    const operations = Object.entries(doc.paths as Record<string, Record<string, Doc>>).flatMap(([path, item]) =>
      Object.entries(item).map(([verb, op]) => ({ path, verb, id: op.operationId as string })),
    );
    expect(operations.every((op) => op.verb === 'post' && op.path === `/${op.id}`)).toBe(true);
    expect(operations.map((op) => op.id.toLowerCase()).sort()).toEqual([...listed].sort());
    expect(new Set(operations.map((op) => op.id.toLowerCase())).size).toBe(operations.length);
  });

  it('names the scopes the server has as the OAuth scopes, and both ways to call', async () => {
    const { doc } = await fetchDocument();
    const scopes = (await server().call('scope', { full: true })).body.result as string[];
    const flow = doc.components.securitySchemes.oauth2.flows.authorizationCode;
    expect(Object.keys(flow.scopes).sort()).toEqual([...scopes].sort());
    expect(doc.components.securitySchemes.auth).toMatchObject({ type: 'apiKey', name: 'auth' });
    expect(doc.servers.map((s: { url: string }) => s.url)).toEqual(['/rest', '/rest/{userId}/{secret}']);
    const add = doc.paths['/booking.v1.waitlist.add'].post;
    expect(add.security).toContainEqual({ oauth2: ['booking'] });
  });

  it('documents a method’s parameters with the view’s fields and what add requires', async () => {
    const { doc } = await fetchDocument();
    const add = bodySchema(doc, 'booking.v1.booking.add');
    expect(add.required).toEqual(['fields']);
    expect(add.properties.fields.required).toEqual(['resourceIds', 'datePeriod']);
    expect(add.properties.fields.properties.datePeriod.properties.from.required).toEqual(['timestamp', 'timezone']);
    // Read-only fields are dropped from add, so they are not offered.
    expect(add.properties.fields.properties.id).toBeUndefined();
    expect(bodySchema(doc, 'booking.v1.waitlist.get')).toMatchObject({
      required: ['id'],
      properties: { id: { type: 'integer' } },
    });
    const encodings = Object.keys(doc.paths['/booking.v1.waitlist.add'].post.requestBody.content);
    expect(encodings).toEqual(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']);
  });

  it('documents the errors the server really answers, with their code, text and status', async () => {
    const { doc } = await fetchDocument();
    const notFound = await server().call('booking.v1.waitlist.get', { id: 987654 });
    expect(notFound.status).toBe(400);
    expect(errorExamples(doc, 'booking.v1.waitlist.get', 400)).toContainEqual(notFound.body);
    const missing = await server().call('booking.v1.waitlist.get', {});
    expect(errorExamples(doc, 'booking.v1.waitlist.get', missing.status)).toContainEqual(missing.body);
    const required = await server().call('booking.v1.booking.add', { fields: { name: 'x' } });
    expect(errorExamples(doc, 'booking.v1.booking.add', required.status)).toContainEqual(required.body);
    const outOfScope = await fetch(`${server().url}/rest/7/crmonly000000000/booking.v1.waitlist.list`);
    const refused = await readReply(outOfScope);
    expect(refused.status).toBe(403);
    expect(errorExamples(doc, 'booking.v1.waitlist.list', 403)).toContainEqual(refused.body);
    const anonymous = await readReply(await fetch(`${server().url}/rest/booking.v1.waitlist.list`));
    expect(errorExamples(doc, 'booking.v1.waitlist.list', anonymous.status)).toContainEqual(anonymous.body);
    const entry = (await server().call('booking.v1.waitlist.add', { fields: { note: 'x' } })).body.result;
    const emptyLink = await server().call('booking.v1.waitlist.externalData.set', {
      waitListId: entry,
      externalData: [{ moduleId: 'crm', entityTypeId: 'DEAL', value: '' }],
    });
    expect(emptyLink.status).toBe(400);
    expect(errorExamples(doc, 'booking.v1.waitlist.externalData.set', 400)).toContainEqual(emptyLink.body);
    // The method's own errors, as it declares them: event.bind needs an application.
    const byWebhook = await server().call('event.bind', { event: 'OnBookingAdd', handler: 'http://127.0.0.1/h' });
    expect(byWebhook.status).toBe(403);
    expect(errorExamples(doc, 'event.bind', 403)).toContainEqual(byWebhook.body);
    // Methods of the global scope need no scope, so they cannot be refused one.
    expect(errorExamples(doc, 'server.time', 403)).toEqual([]);
  });

  it('documents batch’s per-command errors as result_error holds them, and validates its answer', async () => {
    const { doc } = await fetchDocument();
    const compile = schemaChecker(doc);
    const documented = Object.values(okSchema(doc, 'batch').properties.result.properties.result_error.examples[0]);
    const cmd: Record<string, string> = { nested: 'batch', unknown: 'no.such.method', ok: 'server.time' };
    for (let i = 0; i < 50; i++) cmd[`filler${i}`] = 'server.time';
    const reply = await server().call('batch', { cmd });
    expect(Object.keys(reply.body.result.result_error)).toEqual([
      'nested',
      'unknown',
      'filler47',
      'filler48',
      'filler49',
    ]);
    for (const error of Object.values(reply.body.result.result_error)) expect(documented).toContainEqual(error);
    const check = compile(okSchema(doc, 'batch'));
    expect(check(reply.body), JSON.stringify(check.errors)).toBe(true);
    const crmOnly = await server().request(`${server().url}/rest/7/crmonly000000000/batch`, {
      cmd: { list: 'booking.v1.waitlist.list' },
    });
    expect(documented).toContainEqual(crmOnly.body.result.result_error.list);
    // A command's method's own error is in that method's operation.
    const missing = await server().call('batch', { cmd: { get: 'booking.v1.waitlist.get?id=987654' } });
    expect(errorExamples(doc, 'booking.v1.waitlist.get', 400)).toContainEqual(missing.body.result.result_error.get);
    expect(check(missing.body), JSON.stringify(check.errors)).toBe(true);
  });

  it('documents CRM records field by field: stored fields always, multi-fields when they hold values', async () => {
    const { doc } = await fetchDocument();
    const compile = schemaChecker(doc);
    const deal = deref(doc, okSchema(doc, 'crm.deal.get').properties.result);
    expect(deal.properties.TITLE).toEqual({ type: ['string', 'null'], description: 'Title' });
    expect(deal.required).toEqual(expect.arrayContaining(['ID', 'TITLE', 'STAGE_ID', 'OPPORTUNITY']));
    // Virtual fields are links other methods answer.
    expect(deal.properties.CONTACT_IDS).toBeUndefined();
    const contact = deref(doc, okSchema(doc, 'crm.contact.get').properties.result);
    expect(contact.properties.PHONE).toMatchObject({ type: ['array', 'null'] });
    expect(contact.required).not.toContain('PHONE');
    const contactId = (
      await server().call('crm.contact.add', {
        fields: { NAME: 'Ann', PHONE: [{ VALUE: '+100', VALUE_TYPE: 'WORK' }] },
      })
    ).body.result;
    const dealId = (await server().call('crm.deal.add', { fields: { TITLE: 'Deal', CONTACT_ID: contactId } })).body
      .result;
    const bare = (await server().call('crm.contact.add', { fields: { NAME: 'Bob' } })).body.result;
    for (const [method, id, record] of [
      ['crm.contact.get', contactId, 'crm.contact'],
      ['crm.contact.get', bare, 'crm.contact'],
      ['crm.deal.get', dealId, 'crm.deal'],
    ] as const) {
      const reply = await server().call(method, { id });
      // Closed: the server answers no field the document does not list.
      const check = compile(closed(doc, record));
      expect(check(reply.body.result), `${method}: ${JSON.stringify(check.errors)}`).toBe(true);
    }
  });

  it('documents crm.item.* records of every CRM type and smart processes, and validates real answers', async () => {
    const { doc } = await fetchDocument();
    const compile = schemaChecker(doc);
    const call = (method: string, params = {}) => callAsDocumented(doc, compile, method, params);
    const item = deref(doc, okSchema(doc, 'crm.item.get').properties.result).properties.item;
    const kinds = (item.anyOf as Doc[]).map((kind) => kind.$ref.split('/').pop());
    expect(kinds).toEqual([
      'crm.item.lead',
      'crm.item.deal',
      'crm.item.contact',
      'crm.item.company',
      'crm.item.dynamicItem',
    ]);
    // Derived from the declarations: camelCase names, typed values, multi-fields in `fm` with their aliases.
    const dealItem = doc.components.schemas['crm.item.deal'];
    expect(dealItem.properties.opportunity).toMatchObject({ type: ['number', 'null'] });
    expect(dealItem.properties.assignedById).toMatchObject({ type: ['integer', 'null'] });
    expect(dealItem.properties.observers).toMatchObject({ type: ['array', 'null'] });
    expect(doc.components.schemas['crm.item.contact'].properties).toMatchObject({
      fm: { type: ['array', 'null'] },
      phoneWork: { type: ['string', 'null'] },
    });
    expect(dealItem.properties.fm).toBeUndefined();
    // What add and update take: the fields of every kind a client may set, by their item names.
    const input = deref(doc, bodySchema(doc, 'crm.item.add').properties.fields).properties;
    expect(bodySchema(doc, 'crm.item.update').properties.fields).toEqual(
      bodySchema(doc, 'crm.item.add').properties.fields,
    );
    expect(input).toMatchObject({ title: { type: 'string' }, opportunity: { type: 'number' }, fm: { type: 'array' } });
    expect(input.id).toBeUndefined();
    expect(input.createdTime).toBeUndefined();

    const typeId = (await call('crm.type.add', { fields: { title: 'Shipments', isCategoriesEnabled: 'Y' } })).type
      .entityTypeId as number;
    const answers: [string, Doc][] = [];
    for (const [entityTypeId, fields] of [
      [2, { title: 'Deal', opportunity: 99.5, observers: [1] }],
      [3, { name: 'Ann', fm: [{ typeId: 'PHONE', valueType: 'WORK', value: '+100' }] }],
      [4, { title: 'Acme' }],
      [typeId, { title: 'Box' }],
    ] as const) {
      const added = (await call('crm.item.add', { entityTypeId, fields })).item;
      const updated = (await call('crm.item.update', { entityTypeId, id: added.id, fields: { opened: 'N' } })).item;
      const got = (await call('crm.item.get', { entityTypeId, id: added.id })).item;
      const listed = (await call('crm.item.list', { entityTypeId })).items;
      await call('crm.item.list', { entityTypeId, select: ['id', 'title'] });
      await call('crm.item.fields', { entityTypeId });
      answers.push(...[added, updated, got, listed[0]].map((a): [string, Doc] => [String(entityTypeId), a]));
    }
    // Closed: each answer is a record of its own kind, with no field the document does not list.
    const kindOf: Record<string, string> = { 2: 'deal', 3: 'contact', 4: 'company', [typeId]: 'dynamicItem' };
    for (const [entityTypeId, answer] of answers) {
      const check = compile(closed(doc, `crm.item.${kindOf[entityTypeId]}`));
      expect(check(answer), `${entityTypeId}: ${JSON.stringify(check.errors)}`).toBe(true);
    }
  });

  it('documents pipelines, stages, smart process types and users, and validates real answers', async () => {
    const { doc } = await fetchDocument();
    const compile = schemaChecker(doc);
    const call = (method: string, params = {}) => callAsDocumented(doc, compile, method, params);
    const closedCheck = (name: string, answer: unknown) => {
      const check = compile(closed(doc, name));
      expect(check(answer), `${name}: ${JSON.stringify(check.errors)}`).toBe(true);
    };
    const pipeline = (await call('crm.category.add', { entityTypeId: 2, fields: { name: 'Wholesale', sort: 200 } }))
      .category;
    closedCheck('crm.category', pipeline);
    closedCheck('crm.category', (await call('crm.category.get', { entityTypeId: 2, id: 0 })).category);
    await call('crm.category.update', { entityTypeId: 2, id: pipeline.id, fields: { name: 'Retail' } });
    for (const listed of (await call('crm.category.list', { entityTypeId: 2 })).categories) {
      closedCheck('crm.category', listed);
    }
    await call('crm.category.fields', { entityTypeId: 2 });
    const sparePipeline = (await call('crm.category.add', { entityTypeId: 2, fields: { name: 'Spare' } })).category;
    expect(await call('crm.category.delete', { entityTypeId: 2, id: sparePipeline.id })).toBeNull();

    const type = (await call('crm.type.add', { fields: { title: 'Repairs' } })).type;
    closedCheck('crm.type', type);
    closedCheck('crm.type', (await call('crm.type.get', { id: type.id })).type);
    closedCheck('crm.type', (await call('crm.type.getByEntityTypeId', { entityTypeId: type.entityTypeId })).type);
    closedCheck('crm.type', (await call('crm.type.update', { id: type.id, fields: { isStagesEnabled: 'Y' } })).type);
    await call('crm.type.list', {});
    await call('crm.type.fields', {});
    const spareType = (await call('crm.type.add', { fields: { title: 'Spare' } })).type;
    expect(await call('crm.type.delete', { id: spareType.id })).toBeNull();
    const smartPipelines = (await call('crm.category.list', { entityTypeId: type.entityTypeId })).categories;
    closedCheck('crm.category', smartPipelines[0]);

    // A stage carries EXTRA; an entry of another list does not.
    const stages = await call('crm.status.list', { filter: { ENTITY_ID: 'DEAL_STAGE' } });
    const source = (await call('crm.status.list', { filter: { ENTITY_ID: 'SOURCE' } }))[0];
    expect(stages[0].EXTRA).toBeDefined();
    expect(source.EXTRA).toBeUndefined();
    for (const entry of [stages[0], source])
      closedCheck('crm.status', await call('crm.status.get', { id: Number(entry.ID) }));
    const added = await call('crm.status.add', { fields: { ENTITY_ID: 'SOURCE', STATUS_ID: 'FAIR', NAME: 'Fair' } });
    closedCheck('crm.status', await call('crm.status.get', { id: added }));
    await call('crm.status.fields', {});
    const entries = await call('crm.status.entity.items', { entityId: 'DEAL_STAGE' });
    expect(entries[0]).toEqual({ NAME: expect.any(String), SORT: expect.any(Number), STATUS_ID: 'NEW' });

    closedCheck('user', await call('user.current', {}));
    for (const user of await call('user.get', { FILTER: { ACTIVE: true } })) closedCheck('user', user);
    await call('user.search', { FIND: 'User' });
    await call('user.fields', {});
  });

  it('documents what the `.fields` methods answer: each declared field, described', async () => {
    const { doc } = await fetchDocument();
    for (const [method, params, key] of [
      ['crm.deal.fields', {}, undefined],
      ['crm.contact.fields', {}, undefined],
      ['crm.company.fields', {}, undefined],
      ['crm.status.fields', {}, undefined],
      ['crm.category.fields', { entityTypeId: 2 }, 'fields'],
      ['crm.type.fields', {}, 'fields'],
      ['crm.item.fields', { entityTypeId: 3 }, 'fields'],
      ['user.fields', {}, undefined],
    ] as const) {
      const result = okSchema(doc, method).properties.result;
      const described = key ? result.properties[key] : result;
      const answered = (await server().call(method, params)).body.result;
      const fields = key ? answered[key] : answered;
      // crm.item.fields describes one of several kinds: the contact's here.
      const kinds: Doc[] = described.anyOf ?? [described];
      expect(
        kinds.some((kind) => JSON.stringify(Object.keys(kind.properties)) === JSON.stringify(Object.keys(fields))),
        `${method}: ${Object.keys(fields)}`,
      ).toBe(true);
    }
    expect(doc.components.schemas.FieldDescription.required).toContain('isReadOnly');
    // The classic methods' `fields` are described field by field too, typed as clients send them.
    const add = deref(doc, bodySchema(doc, 'crm.deal.add').properties.fields).properties;
    expect(add).toMatchObject({ TITLE: { type: 'string' }, OPPORTUNITY: { type: 'number' }, CONTACT_IDS: {} });
    expect(add.ID).toBeUndefined();
    const contactInput = deref(doc, bodySchema(doc, 'crm.contact.update').properties.fields);
    expect(contactInput.properties.PHONE).toMatchObject({ type: 'array' });
  });

  it('documents `total` where a method answers it: always 0 in the booking module, real in CRM', async () => {
    const { doc } = await fetchDocument();
    const waitList = okSchema(doc, 'booking.v1.waitlist.list');
    expect(waitList.properties.total).toMatchObject({ const: 0 });
    expect(waitList.properties.result.properties.waitList.items.properties.note).toEqual({ type: ['string', 'null'] });
    expect(bodySchema(doc, 'booking.v1.waitlist.list').properties.start).toMatchObject({ type: 'integer' });
    const listed = await server().call('booking.v1.waitlist.list', {});
    expect(listed.body.total).toBe(waitList.properties.total.const);
    const deals = okSchema(doc, 'crm.deal.list');
    expect(deals.properties.total).toMatchObject({ type: 'integer' });
    expect(deals.properties.next).toMatchObject({ type: 'integer' });
    // Each listed deal field by field; `select` decides which are there, so none is required.
    const listedDeal = deref(doc, deals.properties.result.items);
    expect(listedDeal.properties.TITLE).toBeDefined();
    expect(listedDeal.required).toBeUndefined();
    expect(okSchema(doc, 'booking.v1.waitlist.get').properties.total).toBeUndefined();
    expect(okSchema(doc, 'booking.v1.waitlist.add').properties.result).toMatchObject({ type: 'integer' });
  });
});

describe('the documented schemas', () => {
  it('all compile as JSON Schema 2020-12, strictly', async () => {
    const { doc } = await fetchDocument();
    const compile = schemaChecker(doc);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Doc>)) {
      const content = item.post.responses['200'].content['application/json'];
      expect(() => compile(content.schema), path).not.toThrow();
      expect(() => compile(bodySchema(doc, path.slice(1))), path).not.toThrow();
    }
  });

  it('describe what the server answers and what it takes, across a booking’s life', async () => {
    const { doc } = await fetchDocument();
    const compile = schemaChecker(doc);
    const call = (method: string, params = {}) => callAsDocumented(doc, compile, method, params);
    const typeId = await call('booking.v1.resourceType.add', { fields: { name: 'Doctor', code: 'doctor-oa' } });
    const resourceId = await call('booking.v1.resource.add', { fields: { name: 'Dr Smith', typeId } });
    await call('booking.v1.resource.slots.set', {
      resourceId,
      slots: [{ from: 540, to: 1080, timezone: 'UTC', weekDays: ['Mon'], slotSize: 60 }],
    });
    const contactId = await call('crm.contact.add', {
      fields: { NAME: 'Ann', PHONE: [{ VALUE: '+15550100', VALUE_TYPE: 'WORK' }] },
    });
    const bookingId = await call('booking.v1.booking.add', {
      fields: {
        resourceIds: [resourceId],
        name: 'Check-up',
        datePeriod: {
          from: { timestamp: 1893456000, timezone: 'UTC' },
          to: { timestamp: 1893459600, timezone: 'UTC' },
        },
      },
    });
    await call('booking.v1.booking.client.set', {
      bookingId,
      clients: [{ id: contactId, type: { module: 'crm', code: 'CONTACT' } }],
    });
    await call('booking.v1.booking.externalData.set', {
      bookingId,
      externalData: [{ moduleId: 'crm', entityTypeId: 'CONTACT', value: String(contactId) }],
    });
    for (const method of ['booking.v1.resourceType.get', 'booking.v1.resource.get']) {
      await call(method, { id: method.includes('resourceType') ? typeId : resourceId });
    }
    await call('booking.v1.booking.get', { id: bookingId });
    await call('booking.v1.booking.list', { filter: { resourceId: [resourceId] }, order: { id: 'DESC' } });
    await call('booking.v1.booking.client.list', { bookingId });
    await call('booking.v1.booking.externalData.list', { bookingId });
    await call('booking.v1.resource.slots.list', { resourceId });
    await call('booking.v1.resource.list', {});
    await call('booking.v1.resourceType.list', {});
    await call('booking.v1.clienttype.list', {});
    const waitListId = await call('booking.v1.waitlist.createfrombooking', { bookingId });
    await call('booking.v1.waitlist.update', { id: waitListId, fields: { note: 'call back' } });
    await call('booking.v1.waitlist.get', { id: waitListId });
    await call('booking.v1.waitlist.list', {});
    await call('crm.contact.get', { id: contactId });
    await call('crm.contact.list', { select: ['ID', 'NAME'] });
    // A listed record as the view has it: the multi-fields too, when selected.
    await call('crm.contact.list', { select: ['*', 'PHONE', 'EMAIL'] });
    await call('crm.deal.list', {});
    await call('crm.deal.fields', {});
    await call('server.time', {});
    await call('methods', { full: true });
    await call('batch', { cmd: { a: 'server.time' } });
    await call('booking.v1.waitlist.delete', { id: waitListId });
  });
});

describe.runIf(SQLITE_RUN)('b24-booking openapi', () => {
  it('prints the document GET /openapi.json serves, without a store', async () => {
    const run = await runCli(['openapi', '--data', '/nonexistent/never-created']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { text } = await fetchDocument();
    expect(run.stdout).toBe(text);
  });
});
