import { ERROR_CODES, type ErrorCode } from '@tessera/wire';

/**
 * A failure the client should hear about, with a code from the wire registry. Services throw it;
 * the HTTP layer turns it into the wire error shape. Messages never carry secret values.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly longMessage: string,
    readonly meta: Readonly<Record<string, unknown>> | null = null,
  ) {
    super(longMessage);
    this.status = ERROR_CODES[code].status;
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
