/**
 * JSON Schemas (the 2020-12 dialect of OpenAPI 3.1) from the declarations' parameter specs,
 * views and result specs.
 */
import type { RestError } from '../rest/errors.js';
import type { ParamSpec, ParamView } from '../rest/params.js';
import type { ResultSpec } from '../rest/result.js';
import type { FieldSpec, View } from '../rest/view.js';

export type Schema = Record<string, unknown>;

/** Y/N, the wire form of a view's booleans both ways. */
const YES_NO: Schema = { type: 'string', enum: ['Y', 'N'] };

/** Sort directions; the server upper-cases them before checking. */
const DIRECTION: Schema = { type: 'string', enum: ['ASC', 'DESC', 'asc', 'desc'] };

type RequiredFlag = 'requiredOnAdd' | 'requiredOnSet' | 'requiredInFilter';

const REQUIRED_FLAG: Record<ParamView['use'], RequiredFlag | undefined> = {
  add: 'requiredOnAdd',
  update: undefined,
  filter: 'requiredInFilter',
  order: undefined,
  items: 'requiredOnSet',
};

/** The fields of a view as a client sends them: read-only ones only where they are kept (filters). */
function inputObject(view: View, flag: RequiredFlag | undefined, dropReadonly: boolean): Schema {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(view.fields)) {
    if (dropReadonly && field.readonly) continue;
    properties[name] = inputField(field, flag, dropReadonly);
    if (flag && field[flag]) required.push(name);
  }
  return { type: 'object', properties, ...(required.length > 0 && { required }) };
}

function inputField(field: FieldSpec, flag: RequiredFlag | undefined, dropReadonly: boolean): Schema {
  return titled(field, inputType(field, flag, dropReadonly));
}

function inputType(field: FieldSpec, flag: RequiredFlag | undefined, dropReadonly: boolean): Schema {
  switch (field.type) {
    case 'int':
      return { type: 'integer' };
    case 'number':
      return { type: 'number' };
    case 'string':
      return { type: 'string' };
    case 'boolean':
      return YES_NO;
    case 'flag':
      return { type: 'boolean' };
    case 'list':
      return { type: 'array' };
    case 'object':
      return field.view ? inputObject(field.view, flag, dropReadonly) : { type: 'object' };
  }
}

/** A field's title, where it has one, as the schema's description. */
function titled(field: FieldSpec, schema: Schema): Schema {
  return field.title === undefined ? schema : { ...schema, description: field.title };
}

/** One parameter of a request body. */
export function paramSchema(spec: ParamSpec<unknown>, components: Components): Schema {
  const described = spec.view;
  if (described) {
    const { view, use } = described;
    if (use === 'order') {
      return { type: 'object', properties: Object.fromEntries(Object.keys(view.fields).map((n) => [n, DIRECTION])) };
    }
    const object = inputObject(view, REQUIRED_FLAG[use], use === 'add' || use === 'update');
    if (use === 'items') return { type: 'array', items: object };
    // A named view's fields, where add requires none, are the same for add and update: kept once.
    const shareable = view.name !== undefined && (use === 'add' || use === 'update') && object.required === undefined;
    return shareable ? components(`${view.name}.input`, object) : object;
  }
  switch (spec.type) {
    case 'int':
      return { type: 'integer', description: 'A numeric string is taken as well (form encodings carry only strings).' };
    case 'string':
      return { type: 'string' };
    case 'array':
      return { type: ['object', 'array'], description: 'A PHP array: an object, or a list.' };
    case 'mixed':
      return {};
  }
}

function withoutRequired(schema: Schema): Schema {
  const { required: _required, ...rest } = schema;
  return rest;
}

/** A view's record as it leaves the server: every field, empty values as null. */
export function outputObject(view: View): Schema {
  const properties: Record<string, Schema> = {};
  for (const name of view.outputOrder) properties[name] = outputField(view.fields[name] as FieldSpec);
  // A boolean that is not set leaves its key out, as an optional field does; every other is always there.
  const required = view.outputOrder.filter(
    (name) => view.fields[name]?.type !== 'boolean' && !view.fields[name]?.optional,
  );
  return { type: 'object', properties, ...(required.length > 0 && { required }) };
}

/** Keeps a named schema apart (under components) and answers the reference to it. */
export type Components = (name: string, schema: Schema) => Schema;

/** A record as a list answers it: `select` picks the fields, so none is there for certain. */
function listedObject(view: View): Schema {
  return withoutRequired(outputObject(view));
}

/**
 * Records of one view, or of one of several (`crm.item.get`: a deal, a contact, ...); a named
 * view's schema is kept under components, `.listed` for the records of a list that takes `select`.
 */
function outputObjects(views: View | readonly View[], components: Components, listed = false): Schema {
  const one = (view: View) => {
    const schema = listed ? listedObject(view) : outputObject(view);
    return view.name === undefined ? schema : components(listed ? `${view.name}.listed` : view.name, schema);
  };
  if (!Array.isArray(views)) return one(views as View);
  const each = (views as readonly View[]).map(one);
  return each.length === 1 ? (each[0] as Schema) : { anyOf: each };
}

function outputField(field: FieldSpec): Schema {
  return titled(field, field.constant === undefined ? outputType(field) : { const: field.constant });
}

function outputType(field: FieldSpec): Schema {
  switch (field.type) {
    case 'int':
      return { type: ['integer', 'null'] };
    case 'number':
      return { type: ['number', 'null'] };
    case 'string':
      return { type: ['string', 'null'] };
    case 'boolean':
      return YES_NO;
    case 'flag':
      return { type: 'boolean' };
    case 'list':
      return { type: ['array', 'null'] };
    case 'object':
      return field.view ? { oneOf: [outputObject(field.view), { type: 'null' }] } : { type: ['object', 'null'] };
  }
}

/** What the `*.fields` methods say of a field (src/crm/engine/fields.ts, `describeFields`). */
export const FIELD_DESCRIPTION: Schema = {
  type: 'object',
  properties: {
    type: { type: 'string', description: "The field's type: integer, double, string, char, date, crm_status, ..." },
    isRequired: { type: 'boolean' },
    isReadOnly: { type: 'boolean', description: 'Set by the server only.' },
    isImmutable: { type: 'boolean', description: 'Settable on add only.' },
    isMultiple: { type: 'boolean' },
    isDynamic: { type: 'boolean', description: "A custom field of the portal's own." },
    title: { type: 'string' },
    statusType: { type: 'string', description: 'The reference list (`crm.status.*`) a `crm_status` field takes.' },
    upperName: { type: 'string', description: "`crm.item.fields`: the field's name in UPPER_SNAKE." },
  },
  required: ['type', 'isRequired', 'isReadOnly', 'isImmutable', 'isMultiple', 'isDynamic', 'title'],
};

/** A map of field descriptions (or of titles), by field name: the names of one kind of record. */
function describedFields(names: readonly string[], value: Schema): Schema {
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((name) => [name, value])),
    required: [...names],
    // The portal's own fields (UF_CRM_*, ufCrm*) are described beside the declared ones.
    additionalProperties: value,
  };
}

const VALUE_SCHEMA: Record<Extract<ResultSpec, { kind: 'value' }>['type'], Schema> = {
  object: { type: ['object', 'array'], description: 'An object (PHP encodes an empty one as `[]`).' },
  list: { type: 'array' },
  string: { type: 'string' },
  boolean: { type: 'boolean' },
  null: { type: 'null' },
};

/** A map keyed by batch's command keys: PHP writes it as a list when they are 0, 1, ... (`[]` when empty). */
function byCommand(value: Schema, description: string): Schema {
  return {
    type: ['object', 'array'],
    description: `${description}, under the command's key (a list when the keys are 0, 1, ...; \`[]\` when none).`,
    additionalProperties: value,
    items: value,
  };
}

/** `result` of `batch`: the five maps, a command's error an Error body (batch's own as examples). */
function batchResult(commandErrors: readonly (() => RestError)[]): Schema {
  const examples = Object.fromEntries(commandErrors.map((raise, i) => [`command${i + 1}`, raise().toBody()]));
  const properties: Record<string, Schema> = {
    result: byCommand({}, "Each command's result, as its method answers it"),
    result_error: {
      ...byCommand(
        { $ref: '#/components/schemas/Error' },
        "Each failed command's error: any its method answers, or one of batch's own (the example)",
      ),
      examples: [examples],
    },
    result_total: byCommand({ type: 'integer' }, '`total` of each command that answered one'),
    result_next: byCommand({ type: 'integer' }, '`next` of each command that answered one'),
    result_time: byCommand({ $ref: '#/components/schemas/Time' }, '`time` of each command that answered'),
  };
  return { type: 'object', properties, required: Object.keys(properties) };
}

/** `result` of the envelope. */
export function resultSchema(spec: ResultSpec | undefined, components: Components): Schema {
  if (spec === undefined) return {};
  switch (spec.kind) {
    case 'record':
      return outputObjects(spec.view, components);
    case 'records':
      return { type: 'array', items: outputObjects(spec.view, components) };
    case 'batch':
      return batchResult(spec.commandErrors);
    case 'id':
      return { type: 'integer', description: 'The id of the new record.' };
    case 'success':
      return { const: true };
    case 'entity':
      return { type: 'object', properties: { [spec.key]: outputObjects(spec.view, components) }, required: [spec.key] };
    case 'bookingPage':
      return {
        type: 'object',
        properties: { [spec.key]: { type: 'array', items: outputObject(spec.view) } },
        required: [spec.key],
      };
    case 'crmPage': {
      // Where `select` picks the fields, a listed record has none of them for certain.
      const item: Schema = spec.view ? outputObjects(spec.view, components, spec.selectable) : { type: 'object' };
      const records: Schema = { type: 'array', items: item };
      return spec.key ? { type: 'object', properties: { [spec.key]: records }, required: [spec.key] } : records;
    }
    case 'fieldDescriptions': {
      const value: Schema = spec.titlesOnly ? { type: 'string' } : { $ref: '#/components/schemas/FieldDescription' };
      const each = spec.names.map((names) => describedFields(names, value));
      const fields = each.length === 1 ? (each[0] as Schema) : { anyOf: each };
      return spec.key ? { type: 'object', properties: { [spec.key]: fields }, required: [spec.key] } : fields;
    }
    case 'value':
      return VALUE_SCHEMA[spec.type];
  }
}
