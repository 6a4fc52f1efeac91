/**
 * Every error the server can answer with is declared once here: its Bitrix code, its text
 * and its HTTP status. Handlers raise them by name (`throw errors.waitListNotFound()`), never
 * by spelling a code out.
 *
 * Codes are strings on the wire, as the real server sends them (`"error": "1040"`), even where
 * the older doc pages print numbers.
 */
export class RestError extends Error {
  readonly code: string;
  readonly description: string;
  readonly status: number;
  /** The id of the fault rule that answered the call with this error, or let it run to it (src/faults/). */
  fault?: number;

  constructor(code: string, description: string, status: number) {
    // An answer, not a bug: no stack to capture (capturing it cost more than the rest of a
    // refused request).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(description);
    Error.stackTraceLimit = limit;
    this.name = 'RestError';
    this.code = code;
    this.description = description;
    this.status = status;
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

/** A method-level error: the real server answers every one of them with HTTP 400. */
const methodError = (code: string | number, text: string) => new RestError(String(code), text, 400);

export const errors = {
  // Platform (CRestServer level): their own statuses.
  methodNotFound: () => new RestError('ERROR_METHOD_NOT_FOUND', 'Method not found!', 404),
  noAuthFound: () => new RestError('NO_AUTH_FOUND', 'Wrong authorization data', 401),
  invalidToken: () => new RestError('invalid_token', 'The access token provided is invalid.', 401),
  expiredToken: () => new RestError('expired_token', 'The access token provided has expired.', 401),
  insufficientScope: () =>
    new RestError(
      'insufficient_scope',
      'The request requires higher privileges than provided by the webhook token',
      403,
    ),
  queryLimitExceeded: () => new RestError('QUERY_LIMIT_EXCEEDED', 'Too many requests', 503),
  operationTimeLimit: () =>
    new RestError('OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.', 429),
  // Answered per command inside `batch` (its result_error), never for the batch as a whole.
  batchLengthExceeded: () => new RestError('ERROR_BATCH_LENGTH_EXCEEDED', 'Max batch length exceeded', 400),
  batchMethodNotAllowed: () =>
    new RestError('ERROR_BATCH_METHOD_NOT_ALLOWED', 'Method is not allowed for batch usage', 405),
  batchReferencesExceeded: (limit: number) =>
    new RestError(
      'ERROR_BATCH_REFERENCES_EXCEEDED',
      `More than ${limit} references to earlier results in one command`,
      400,
    ),
  wrongHttpMethod: () => new RestError('invalid_http_method', 'Wrong method for current action', 400),
  internal: () => new RestError('INTERNAL_SERVER_ERROR', 'Internal server error', 500),

  /** An error a fault rule spells out itself (`{"status", "error", "error_description"}`). */
  faultRuleOwn: (code: string, text: string, status: number) => new RestError(code, text, status),

  // The OAuth endpoints (/oauth/authorize/, /oauth/token/), as the authorization server names them.
  oauthInvalidRequest: (detail: string) => new RestError('invalid_request', detail, 400),
  oauthInvalidClient: () => new RestError('invalid_client', 'Invalid client credentials', 400),
  oauthInvalidGrant: () => new RestError('invalid_grant', 'Invalid grant', 400),
  oauthAdminRequired: () =>
    new RestError(
      'ACCESS_DENIED',
      'Approving an application needs Authorization: Bearer <admin token> (this server has no login page)',
      401,
    ),

  // The admin token's own routes (/_admin/, /metrics): no Bitrix counterpart, the server's own.
  adminTokenRequired: (route: string) =>
    new RestError('UNAUTHORIZED', `${route} needs Authorization: Bearer <admin token>`, 401),

  // Transport: a request the server could not read. Bitrix has no code of its own for these
  // (PHP never sees such a request), so they reuse ERROR_ARGUMENT and WRONG_ENCODING.
  malformedJson: (detail: string) => new RestError('ERROR_ARGUMENT', `Malformed JSON body: ${detail}`, 400),
  bodyTooLarge: (limit: number) => new RestError('ERROR_ARGUMENT', `Request body is larger than ${limit} bytes`, 400),
  tooDeep: (limit: number) => new RestError('ERROR_ARGUMENT', `Parameters are nested deeper than ${limit} levels`, 400),
  tooManyParameters: (limit: number) =>
    new RestError('ERROR_ARGUMENT', `More than ${limit} parameters in the request`, 400),
  malformedMultipart: () => new RestError('ERROR_ARGUMENT', 'Malformed multipart/form-data body', 400),
  wrongEncoding: () => new RestError('WRONG_ENCODING', 'Wrong request encoding', 400),

  // The argument binder (Bitrix\Main\Engine\AutoWire\Binder), code 100.
  missingParameter: (name: string) => methodError(100, `Could not find value for parameter {${name}}`),
  invalidParameter: (name: string, shown: string, type: string) =>
    methodError(100, `Invalid value {${shown}} to match with parameter {${name}}. Should be value of type ${type}.`),

  // The ORM's setOrder, met when a list runs its query.
  invalidOrder: (direction: string) => methodError(100, `Invalid order "${direction}"`),
  orderMustBeString: () => methodError(100, 'Order must be a string'),

  // The REST view layer (input conversion).
  requiredFields: (names: readonly string[]) => methodError(0, `Required fields: ${names.join(', ')}`),
  itemMustBeArray: () => methodError(422, "Array's element must be array, string given"),

  // Booking module.
  /** Every booking.v1.* call of a portal whose booking tool is switched off (the module's own check). */
  bookingDisabled: () => methodError(0, 'Booking tool is disabled. Please contact your administrator.'),
  invalidDate: () => methodError(422, 'Invalid date'),
  waitListNotFound: () => methodError(1040, 'Wait list not found'),
  waitListItemNotFoundOnDelete: () => methodError(1036, 'wait list item not found'),
  /** Any failure inside the wait-list update command is re-thrown with code 1035, message kept. */
  waitListUpdateFailed: (message: string) => methodError(1035, message),
  /** waitlist.createfrombooking: any failure is re-thrown with code 1037, message kept. */
  waitListFromBookingFailed: (message = 'booking not found') => methodError(1037, message),

  // Resource types (real-server.md, section 8).
  invalidFieldValue: (field: string) => methodError(422, `Invalid value of the ${field} field`),
  resourceTypeNotFound: () => methodError(1013, 'Resource type not found'),
  resourceTypeCodeTaken: (code: string) => methodError(1010, `Resource type with code "${code}" already exists`),
  resourceTypeCodeTakenOnUpdate: (code: string) =>
    methodError(1011, `Resource type with code "${code}" already exists`),
  /** update reports a missing type with the resource-update code. */
  resourceTypeNotFoundOnUpdate: () => methodError(1007, 'Resource type not found'),
  /** update without `code`: PHP passes null to a string parameter, the TypeError text is sent. */
  resourceTypeUpdateWithoutCode: () =>
    methodError(
      0,
      'Bitrix\\Booking\\Internals\\Repository\\ORM\\ResourceTypeRepository::getByModuleIdAndCode(): Argument #2 ($code) must be of type string, null given',
    ),
  resourceTypeNotFoundOnDelete: () => methodError(1012, 'Resource type has not been found'),
  /** [sic] The double space is the real server's (an empty interpolation). */
  resourceTypeInUse: () => methodError(1012, 'The type can not be deleted. There are resources of  type'),

  // Resources and their slots.
  resourceNotFound: () => methodError(1009, 'Resource not found'),
  resourceNotFoundOnUpdate: () => methodError(1007, 'Resource not found'),
  resourceNotFoundOnDelete: () => methodError(1008, 'Resource not found'),
  resourceHasFutureBookings: () =>
    methodError(1008, 'The resource can not be deleted. There are future bookings with that resource.'),
  resourceTypeRequired: () => methodError(1006, 'ResourceType not found'),
  resourceTypeMissing: (id: number) => methodError(1013, `Resource type with id ${id} does not exist`),
  invalidRangeFields: () => methodError(422, 'Invalid range fields'),

  // Bookings.
  resourceIdsNotArray: () => methodError(422, 'Parameter resourceIds must be array'),
  resourceIdsNotIntegers: () => methodError(422, 'Parameter resourceIds must be array of integers'),
  invalidDatePeriod: () => methodError(422, 'Invalid date period'),
  bookingNotFound: () => methodError(1021, 'Booking not found'),
  bookingNotFoundOnUpdate: () => methodError(1019, 'Booking not found'),
  bookingNotFoundOnDelete: () => methodError(1020, 'booking not found'),
  /** Any failure inside the booking update command is re-thrown with code 1019, message kept. */
  bookingUpdateFailed: (message: string) => methodError(1019, message),
  /** The booking commands' resource checks (code 1018, or the caller's own code for moves). */
  emptyResourceCollection: (code = 1018) => methodError(code, 'Empty resource collection'),
  resourcesNotFound: (ids: readonly number[], code = 1018) =>
    methodError(code, `Some resources were not found: ${ids.join(', ')}`),
  resourcesUnavailable: (ids: readonly number[], code = 1018) =>
    methodError(code, `Some resources are unavailable for the requested time range: ${ids.join(',')}`),
  /** booking.createfromwaitlist: any failure is re-thrown with code 1038, message kept. */
  bookingFromWaitListFailed: (message = 'wait list item not found') => methodError(1038, message),

  clientTypeNotFound: () => methodError(1025, 'Client type not found'),

  // Events (rest module, Bitrix\Rest\Api\Event): AccessException and AuthTypeException are 403s
  // whose text is the class message, a space, and the detail.
  wrongAuthType: () =>
    new RestError(
      'WRONG_AUTH_TYPE',
      'Current authorization type is denied for this method Application context required',
      403,
    ),
  accessDenied: (detail?: string) =>
    new RestError('ACCESS_DENIED', detail ? `Access denied! ${detail}` : 'Access denied!', 403),
  eventNotFound: () => methodError('ERROR_EVENT_NOT_FOUND', 'Event not found'),
  /** Main's ArgumentNullException, as CRestServer answers it. */
  argumentNullOrEmpty: (name: string) => methodError('ERROR_ARGUMENT', `Argument '${name}' is null or empty`),
  handlerAlreadyBound: () => methodError('ERROR_CORE', 'Handler already binded'),
  /** This server's own limit (Bitrix24 has none): each binding turns every write into one more POST. */
  tooManyHandlers: (max: number) =>
    methodError('ERROR_CORE', `Too many handlers for this event: an application may bind at most ${max}`),
  wrongHandlerUrl: () => methodError('ERROR_WRONG_HANDLER_URL', 'Wrong handler URL'),
  unsupportedHandlerProtocol: () => methodError('ERROR_UNSUPPORTED_PROTOCOL', 'Unsupported handler protocol'),
  offlineIdsNotIntegers: () => methodError('ERROR_ARGUMENT', 'Value must be array of integers'),
  offlineMessageIdsInvalid: () => methodError('ERROR_ARGUMENT', 'Value must be array of MESSAGE_ID values'),

  // CRM (CCrmRestProxyBase): RestExceptions with an empty code, HTTP 400.
  crmParameterNotArray: (name: string) => methodError('', `Parameter '${name}' must be array.`),
  crmInvalidId: () => methodError('', 'ID is not defined or invalid.'),
  crmNotFound: () => methodError('', 'Not found'),
  contactNotFoundOnUpdate: () => methodError('', 'Contact is not found'),
  companyNotFound: () => methodError('', 'Company is not found'),
  /** crm.contact.delete of an unknown id, as its page documents it. */
  crmElementNotFound: () => methodError('ERROR_CORE', 'Element not found'),

  // crm.item.* and the CRM's other controllers (Bitrix\Crm\Controller): the codes are names.
  crmTypeNotFound: () => methodError('NOT_FOUND', 'Smart process not found'),
  crmItemNotFound: () => methodError('NOT_FOUND', 'Item not found'),
  crmFilterFieldNotAllowed: (name: string) =>
    methodError('INVALID_ARG_VALUE', `Invalid filter: field '${name}' is not allowed in filter`),
  crmFilterValueInvalid: (name: string) =>
    methodError('INVALID_ARG_VALUE', `Invalid filter: field '${name}' has invalid value`),
  crmOrderFieldNotAllowed: (name: string) =>
    methodError('INVALID_ARG_VALUE', `Invalid order: field '${name}' is not allowed in order`),
  crmOrderDirection: (direction: string, name: string) =>
    methodError(
      'INVALID_ARG_VALUE',
      `Invalid order: allowed sort directions are ASC, DESC. But got '${direction}' for field '${name}'`,
    ),
  /** A multiple field (`contactIds`, `observers`) given one value; `type` is PHP's gettype(). */
  crmMultipleNotIterable: (type: string) =>
    methodError(100, `Expected iterable value for multiple field, but got ${type} instead`),
  /** crm.type.get|update|delete|getByEntityTypeId of a type that does not exist. */
  smartProcessNotFound: () => methodError(0, 'Smart process not found'),
  entityTypeIdOutOfRange: () => methodError('INVALID_ARG_VALUE', 'entityTypeId is out of allowed range'),
  smartProcessHasItems: () => methodError('BX_ERROR', 'You cannot delete an entity type that has elements'),

  /** crm.category.* of an entity type without pipelines (contacts, companies). */
  crmEntityTypeNotSupported: (typeName: string) =>
    methodError('ENTITY_TYPE_NOT_SUPPORTED', `Entity type ${typeName} is not supported`),
  /** crm.category.get|update|delete of a pipeline that does not exist. */
  crmCategoryNotFound: () => methodError('NOT_FOUND', 'Element not found'),
  defaultDealCategoryDelete: () => methodError(0, 'Default deal category cannot be deleted'),
  dealCategoryInUse: (name: string) => methodError(0, `Deals related to the funnel ${name} found`),

  // crm.status.* (CCrmStatusRestProxy): empty codes, HTTP 400, texts as the status pages list them.
  statusFieldRequired: (names: readonly string[]) =>
    methodError('', names.map((name) => `The field ${name} is required.`).join('\n')),
  statusEntityNotSupported: () => methodError('', 'Specified entity type is not supported.'),
  statusTitleRequired: () => methodError('', 'The field Title is required.'),
  statusAfterFinalStage: () =>
    methodError(
      '',
      'Cannot create more stages after the final stage because the final successful stage already exists. Try using sort order values less than that of the final stage.',
    ),
  statusExists: () => methodError('ERROR_CORE', 'The specified status ID already exists.'),
  statusNotFound: () => methodError('', 'Status is not found.'),
  statusInvalidId: () => methodError('', 'Invalid identifier.'),
  statusSystemDelete: () =>
    methodError('', 'CRM System Status can be deleted only if parameter FORCED is specified and equal to "Y".'),
  statusInUse: () => methodError('', 'There are active items in this status.'),
  statusEntityIdInvalid: () => methodError('', 'The parameter entityId is not defined or invalid.'),

  /** crm.<type>.userfield.add: no FIELD_NAME, a name taken, a type this server does not keep. */
  userFieldNameInvalid: () => methodError('', 'FIELD_NAME is not defined or invalid.'),
  userFieldNameTaken: (name: string) => methodError('', `A custom field named ${name} already exists.`),
  userFieldTypeInvalid: () => methodError('', 'USER_TYPE_ID is not defined or invalid.'),

  /** A value the field cannot take (a stage of another pipeline, a pipeline that does not exist). */
  crmFieldValueNotValid: (title: string) =>
    methodError('CRM_FIELD_ERROR_VALUE_NOT_VALID', `Invalid value for field "${title}"`),
} as const;
