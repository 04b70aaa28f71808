import {
  ERROR_CODES,
  type ErrorCode,
  type SchemaIssue,
  type WireError,
  type WireErrorBody,
} from '@tessera/wire';
import { ApiError } from '../core/api-error';

// How the HTTP layer turns failures into the wire error shape. The error type itself is
// `ApiError` (core/api-error.ts), which services throw as well.

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

/**
 * Every issue of a body or query as one error. An issue about the whole value (not an object) is
 * only ever reported alone, so the first error's status (400 or 422) is the request's.
 */
export function validationError(issues: readonly SchemaIssue[], where: 'body' | 'query'): ApiError {
  const [first, ...rest] = issues.map((issue) => issueToWireError(issue, where));
  if (!first) return new ApiError('request_body_invalid', `The request ${where} is invalid.`);
  return new ApiError(first.code as ErrorCode, first.long_message, first.meta, rest);
}

/** Any thrown value as an ApiError; unknown ones become an opaque 500 (the details go to the log). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(
    'internal_error',
    'Something went wrong on the server. The request id is in clerk_trace_id.',
  );
}

export function errorBody(error: ApiError, traceId: string): WireErrorBody {
  return { errors: [...error.errors], clerk_trace_id: traceId };
}
