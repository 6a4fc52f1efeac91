/**
 * Every error the server can answer with is declared once here: its Bitrix code, its text
 * and its HTTP status. Handlers raise them by name (`throw errors.waitListNotFound()`), never
 * by spelling a code out.
 *
 * Codes are strings on the wire, as the real server sends them (`"error": "1040"`), even where
 * the older doc pages print numbers.
 */
export class RestError extends Error {
  constructor(
    readonly code: string,
    readonly description: string,
    readonly status: number,
  ) {
    super(description);
    this.name = 'RestError';
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
  wrongHttpMethod: () => new RestError('invalid_http_method', 'Wrong method for current action', 400),
  internal: () => new RestError('INTERNAL_SERVER_ERROR', 'Internal server error', 500),

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

  // Transport: a request the server could not read. Bitrix has no code of its own for these
  // (PHP never sees such a request), so they reuse ERROR_ARGUMENT and WRONG_ENCODING.
  malformedJson: (detail: string) => new RestError('ERROR_ARGUMENT', `Malformed JSON body: ${detail}`, 400),
  bodyTooLarge: (limit: number) => new RestError('ERROR_ARGUMENT', `Request body is larger than ${limit} bytes`, 400),
  tooDeep: (limit: number) => new RestError('ERROR_ARGUMENT', `Parameters are nested deeper than ${limit} levels`, 400),
  tooManyParameters: (limit: number) =>
    new RestError('ERROR_ARGUMENT', `More than ${limit} parameters in the request`, 400),
  unsupportedBody: (type: string) =>
    new RestError('ERROR_ARGUMENT', `Request bodies of type ${type} are not supported`, 400),
  wrongEncoding: () => new RestError('WRONG_ENCODING', 'Wrong request encoding', 400),

  // The argument binder (Bitrix\Main\Engine\AutoWire\Binder), code 100.
  missingParameter: (name: string) => methodError(100, `Could not find value for parameter {${name}}`),
  invalidParameter: (name: string, shown: string, type: string) =>
    methodError(100, `Invalid value {${shown}} to match with parameter {${name}}. Should be value of type ${type}.`),

  // The REST view layer (input conversion).
  requiredFields: (names: readonly string[]) => methodError(0, `Required fields: ${names.join(', ')}`),
  itemMustBeArray: () => methodError(422, "Array's element must be array, string given"),

  // Booking module.
  invalidDate: () => methodError(422, 'Invalid date'),
  waitListNotFound: () => methodError(1040, 'Wait list not found'),
  waitListItemNotFoundOnDelete: () => methodError(1036, 'wait list item not found'),
  /** Any failure inside the wait-list update command is re-thrown with code 1035, message kept. */
  waitListUpdateFailed: (message: string) => methodError(1035, message),
} as const;
