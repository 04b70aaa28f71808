import { parse, wireErrorBody } from '@tessera/wire';
import { type ApiErrorDetail, ApiResponseError } from '../errors';
import { parseRetryAfter } from './retry';

/**
 * The one place an HTTP error response becomes an error: a wire error body gives its codes and
 * trace id; anything else gives `code: 'unexpected_response'` with the status.
 */
export function errorFromResponse(fields: {
  status: number;
  headers: Headers;
  body: unknown;
  request: string;
  now: number;
}): ApiResponseError {
  const parsed = parse(wireErrorBody, fields.body, { unknownKeys: 'strip' });
  const errors: ApiErrorDetail[] = parsed.ok
    ? parsed.value.errors.map((error) => ({
        code: error.code,
        message: error.message,
        longMessage: error.long_message,
        meta: error.meta,
      }))
    : [];
  return new ApiResponseError({
    status: fields.status,
    errors,
    traceId: parsed.ok ? parsed.value.clerk_trace_id : null,
    retryAfter: parseRetryAfter(fields.headers.get('retry-after'), fields.now),
    request: fields.request,
  });
}
