import { ERROR_CODES, type ErrorCode, type WireError } from '@tessera/wire';

/**
 * The one error type of the server: a failure the client should hear about, with a code from the
 * wire registry. Services throw it; the HTTP layer turns it into the wire error shape. A request
 * that breaks several rules at once carries one wire error per rule (`errors`); the first gives the
 * status. Messages never carry secret values.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly errors: readonly [WireError, ...WireError[]];

  constructor(
    readonly code: ErrorCode,
    readonly longMessage: string,
    readonly meta: Readonly<Record<string, unknown>> | null = null,
    /** Further errors found in the same request (validation reports every field, not only the first). */
    further: readonly WireError[] = [],
  ) {
    super(longMessage);
    this.status = ERROR_CODES[code].status;
    const first = {
      code,
      message: ERROR_CODES[code].message,
      long_message: longMessage,
      meta: meta && { ...meta },
    };
    this.errors = [first, ...further];
  }

  static notFound(what: string, paramName?: string): ApiError {
    return new ApiError(
      'resource_not_found',
      `${what} not found.`,
      paramName ? { param_name: paramName } : null,
    );
  }

  static invalidParam(paramName: string, longMessage: string): ApiError {
    return new ApiError('form_param_value_invalid', longMessage, { param_name: paramName });
  }
}
