/**
 * The OpenAPI 3.1 document of the REST methods, generated from their declarations only: one
 * `POST /<method>` operation each, the parameters as the request body, the envelope with the
 * declared result, and every error the method may answer.
 *
 * The two ways to call a method differ only in the URL's prefix, so they are two servers rather
 * than two paths per method: `/rest` (an OAuth token in `auth`) and `/rest/{userId}/{secret}`
 * (an incoming webhook, whose credentials are path segments, which no OpenAPI security scheme
 * can express). Server URLs are relative: the document describes whichever server serves it.
 */
import { readFileSync } from 'node:fs';
import { BASIC_SCOPE } from '../rest/auth.js';
import type { ParamSpec } from '../rest/params.js';
import type { MethodDeclaration } from '../rest/registry.js';
import { ErrorExamples, methodErrors } from './errors.js';
import { FIELD_DESCRIPTION, paramSchema, resultSchema, type Schema } from './schemas.js';

/** The package's version: src/openapi/ and dist/openapi/ both sit two levels below package.json. */
function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

const ENCODINGS = [
  'The parameters may come as a JSON body, a form body (`application/x-www-form-urlencoded` or',
  '`multipart/form-data`) or a query string, nested PHP-style (`fields[note]=x`, `ids[0]=1`);',
  'query and body are merged, the body winning. GET works as POST does. Method names are',
  'case-insensitive and may end in `.json`.',
].join(' ');

const TIME: Schema = {
  type: 'object',
  description: 'When the call ran and what it cost (seconds; dates ISO 8601 with the server offset).',
  properties: {
    start: { type: 'number' },
    finish: { type: 'number' },
    duration: { type: 'number' },
    processing: { type: 'number' },
    date_start: { type: 'string' },
    date_finish: { type: 'string' },
    operating_reset_at: { type: 'integer' },
    operating: { type: 'number' },
  },
  required: ['start', 'finish', 'duration', 'processing', 'date_start', 'date_finish'],
};

const ERROR: Schema = {
  type: 'object',
  properties: { error: { type: 'string' }, error_description: { type: 'string' } },
  required: ['error', 'error_description'],
};

/** Lists page by `start`: 50 records a page; `-1` asks for no `total`. */
const START: Schema = {
  type: 'integer',
  description: 'The offset of the page (50 records a page, rounded down); -1 leaves `total` out.',
};

function isList(method: MethodDeclaration): boolean {
  return method.result?.kind === 'bookingPage' || method.result?.kind === 'crmPage';
}

/** What the document is built from besides the declarations: the parts written once and referred to. */
interface Shared {
  readonly examples: ErrorExamples;
  readonly schemas: Record<string, Schema>;
}

/** A schema kept under components (its three encodings, or several methods, would repeat it otherwise). */
function shared(into: Shared, name: string, schema: Schema): Schema {
  const kept = into.schemas[name];
  if (kept !== undefined && JSON.stringify(kept) !== JSON.stringify(schema)) {
    throw new Error(`two different schemas are both named ${name}`);
  }
  into.schemas[name] = schema;
  return { $ref: `#/components/schemas/${name}` };
}

function requestBody(method: MethodDeclaration, into: Shared): Schema {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(method.params) as [string, ParamSpec<unknown>][]) {
    properties[name] = paramSchema(spec, (component, schema) => shared(into, component, schema));
    if (spec.required) required.push(name);
  }
  if (isList(method) && properties.start === undefined) properties.start = START;
  const schema = shared(into, `${method.name}.params`, {
    type: 'object',
    properties,
    ...(required.length > 0 && { required }),
  });
  // Form bodies nest as `fields[name]=x`: deepObject is OpenAPI's name for that.
  const nested = Object.keys(properties).filter((name) => (method.params[name] as ParamSpec<unknown>)?.type !== 'int');
  const encoding = Object.fromEntries(nested.map((name) => [name, { style: 'deepObject', explode: true }]));
  return {
    required: required.length > 0,
    description: 'JSON, a form, multipart or the query string (see the description of the API).',
    content: {
      'application/json': { schema },
      'application/x-www-form-urlencoded': { schema, ...(nested.length > 0 && { encoding }) },
      'multipart/form-data': { schema },
    },
  };
}

function envelope(method: MethodDeclaration, into: Shared): Schema {
  const properties: Record<string, Schema> = {
    result: resultSchema(method.result, (name, schema) => shared(into, name, schema)),
    time: { $ref: '#/components/schemas/Time' },
  };
  const kind = method.result?.kind;
  if (kind === 'bookingPage') {
    properties.total = { const: 0, description: 'Always 0 in the booking module, whatever the count.' };
  } else if (kind === 'crmPage') {
    properties.total = { type: 'integer', description: 'How many records match.' };
    properties.next = { type: 'integer', description: 'The `start` of the next page, while more remain.' };
  }
  return { type: 'object', properties, required: ['result', 'time'] };
}

function operation(method: MethodDeclaration, into: Shared): Schema {
  const scopes = method.scope === BASIC_SCOPE ? [] : [method.scope];
  return {
    operationId: method.name,
    summary: method.name,
    tags: [method.scope],
    ...(method.caseInsensitiveParams && {
      description: 'Parameter names are read case-insensitively (`CMD` as well as `cmd`).',
    }),
    // `{}`: the webhook server variant carries its credentials in the path.
    security: [{ oauth2: scopes }, { auth: [] }, { access_token: [] }, {}],
    requestBody: requestBody(method, into),
    responses: {
      '200': {
        description: 'The method answered.',
        content: { 'application/json': { schema: envelope(method, into) } },
      },
      ...into.examples.responses(methodErrors(method)),
    },
  };
}

export function openApiDocument(methods: readonly MethodDeclaration[]): Schema {
  const scopes = [...new Set(methods.map((m) => m.scope as string))].filter((s) => s !== BASIC_SCOPE).sort();
  const tags = [...new Set(methods.map((m) => m.scope as string))].sort();
  const into: Shared = {
    examples: new ErrorExamples(),
    schemas: { Time: TIME, Error: ERROR, FieldDescription: FIELD_DESCRIPTION },
  };
  const paths = Object.fromEntries(methods.map((method) => [`/${method.name}`, { post: operation(method, into) }]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'b24-booking-server REST API',
      version: packageVersion(),
      description: `The Bitrix24 REST methods this server answers: the booking module (booking.v1.*), the CRM records bookings link to, events, batch and the platform methods. ${ENCODINGS}`,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      { url: '/rest', description: 'OAuth: the access token in the `auth` parameter' },
      {
        url: '/rest/{userId}/{secret}',
        description: 'Incoming webhook: its user id and secret are the first path segments',
        variables: { userId: { default: '1' }, secret: { default: 'secret' } },
      },
    ],
    tags: tags.map((name) => ({ name, description: `Methods of the ${name} scope` })),
    paths,
    components: {
      schemas: into.schemas,
      responses: into.examples.responseComponents,
      examples: into.examples.components,
      securitySchemes: {
        auth: {
          type: 'apiKey',
          in: 'query',
          name: 'auth',
          description: 'An OAuth access token; the `auth` parameter may be in the body as well.',
        },
        access_token: { type: 'apiKey', in: 'query', name: 'access_token', description: 'An OAuth access token.' },
        oauth2: {
          type: 'oauth2',
          description: 'Bitrix24 OAuth 2.0 for applications (`b24-booking app add`).',
          flows: {
            authorizationCode: {
              authorizationUrl: '/oauth/authorize/',
              tokenUrl: '/oauth/token/',
              refreshUrl: '/oauth/token/',
              scopes: Object.fromEntries(scopes.map((s) => [s, `Methods of the ${s} scope`])),
            },
          },
        },
      },
    },
  };
}

/** The document as served and printed: the same text both ways. */
export function documentText(document: Schema): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function openApiJson(methods: readonly MethodDeclaration[]): string {
  return documentText(openApiDocument(methods));
}
