import {
  ERROR_CODES,
  type ErrorCode,
  type SchemaIssue,
  type WireError,
  type WireErrorBody,
} from '@tessera/wire';
import { ApiError } from '../core/api-error';

/** One or more wire errors with their HTTP status: what every failed request becomes. */
export class RequestError extends Error {
  override readonly name = 'RequestError';

  constructor(
    readonly status: number,
    readonly errors: readonly WireError[],
  ) {
    super(errors[0]?.long_message ?? 'request failed');
  }

  static of(code: ErrorCode, longMessage: string, meta: Record<string, unknown> | null = null): RequestError {
    return new RequestError(ERROR_CODES[code].status, [
      { code, message: ERROR_CODES[code].message, long_message: longMessage, meta },
    ]);
  }
}

function issueToWireError(issue: SchemaIssue, where: 'body' | 'query'): WireError {
  if (issue.path === '') {
    return {
      code: 'request_body_invalid',
      message: ERROR_CODES.request_body_invalid.message,
      long_message: `The request ${where} ${issue.message}.`,
      meta: null,
    };
  }
  const meta = { param_name: issue.path };
  switch (issue.problem) {
    case 'missing':
      return {
        code: 'form_param_missing',
        message: 'is missing',
        long_message: `${issue.path} must be included.`,
        meta,
      };
    case 'unknown':
      return {
        code: 'form_param_unknown',
        message: 'is unknown',
        long_message: `${issue.path} is not a valid parameter for this request.`,
        meta,
      };
    case 'invalid':
      return {
        code: 'form_param_value_invalid',
        message: 'is invalid',
        long_message: `${issue.path} ${issue.message}.`,
        meta,
      };
  }
}

export function validationError(issues: readonly SchemaIssue[], where: 'body' | 'query'): RequestError {
  const errors = issues.map((issue) => issueToWireError(issue, where));
  const status = errors.some((error) => error.code === 'request_body_invalid') ? 400 : 422;
  return new RequestError(status, errors);
}

/** Any thrown value as a RequestError; unknown ones become an opaque 500 (the details go to the log). */
export function toRequestError(error: unknown): RequestError {
  if (error instanceof RequestError) return error;
  if (error instanceof ApiError)
    return RequestError.of(error.code, error.longMessage, error.meta ? { ...error.meta } : null);
  return RequestError.of(
    'internal_error',
    'Something went wrong on the server. The request id is in clerk_trace_id.',
  );
}

export function errorBody(error: RequestError, traceId: string): WireErrorBody {
  return { errors: [...error.errors], clerk_trace_id: traceId };
}
