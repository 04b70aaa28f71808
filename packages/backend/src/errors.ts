import type { ErrorCode, SchemaIssue } from '@tessera/wire';

/**
 * The base of every error this package throws. Branch on `code` (stable), never on `message`.
 *
 * @example
 * ```ts
 * try {
 *   await client.users.get('user_missing');
 * } catch (error) {
 *   if (error instanceof TesseraError) console.error(error.code);
 * }
 * ```
 */
export abstract class TesseraError extends Error {
  /** A stable, machine-readable code. */
  abstract readonly code: string;
}

/**
 * One entry of an error reply from the Backend API, camelCased.
 *
 * @example
 * ```ts
 * const detail: ApiErrorDetail | undefined = error.errors[0];
 * detail?.meta?.param_name; // 'user_id' for a form_param_missing
 * ```
 */
export interface ApiErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly longMessage: string;
  readonly meta: Readonly<Record<string, unknown>> | null;
}

/**
 * The server answered with a 4xx or 5xx. `code` is the first wire error code (see the registry in
 * `@tessera/wire`), or `unexpected_response` when the body was not a wire error body.
 *
 * @example
 * ```ts
 * try {
 *   await client.testSessionTokens.revoke(id);
 * } catch (error) {
 *   if (error instanceof ApiResponseError && error.code === 'test_session_token_cannot_be_revoked') {
 *     // already accepted or revoked
 *   }
 * }
 * ```
 */
export class ApiResponseError extends TesseraError {
  override readonly name = 'ApiResponseError';
  readonly code: ErrorCode | 'unexpected_response' | (string & {});
  /** The HTTP status. */
  readonly status: number;
  readonly errors: readonly ApiErrorDetail[];
  /** The server's `clerk_trace_id`, to quote when reporting a problem; null when absent. */
  readonly traceId: string | null;
  /** Seconds from the `Retry-After` header, when present. */
  readonly retryAfter: number | null;

  constructor(fields: {
    status: number;
    errors: readonly ApiErrorDetail[];
    traceId: string | null;
    retryAfter: number | null;
    request: string;
  }) {
    const first = fields.errors[0];
    const code = first?.code ?? 'unexpected_response';
    const detail = first ? first.longMessage || first.message : 'the body is not a tessera error reply';
    super(`${fields.request} answered ${fields.status} ${code}: ${detail}`);
    this.code = code;
    this.status = fields.status;
    this.errors = fields.errors;
    this.traceId = fields.traceId;
    this.retryAfter = fields.retryAfter;
  }
}

/**
 * The request never got an HTTP answer: the network failed (`network_error`) or it took longer than
 * `timeoutMs` (`timeout`). Retried automatically when that is safe.
 *
 * @example
 * ```ts
 * try {
 *   await client.users.list();
 * } catch (error) {
 *   if (error instanceof ApiConnectionError && error.code === 'timeout') console.warn('tessera is slow');
 * }
 * ```
 */
export class ApiConnectionError extends TesseraError {
  override readonly name = 'ApiConnectionError';
  readonly code: 'network_error' | 'timeout';

  constructor(code: 'network_error' | 'timeout', request: string, options?: { cause?: unknown }) {
    super(
      code === 'timeout' ? `${request} timed out` : `${request} failed: could not reach the server`,
      options,
    );
    this.code = code;
  }
}

/**
 * A response did not match the wire definition. Thrown instead of returning a half-built object.
 * `path` names the first bad field (`status`, `email_addresses[0].id`, ... or `''` for the whole body).
 *
 * @example
 * ```ts
 * try {
 *   TestSessionToken.fromJSON({ object: 'test_session_token' });
 * } catch (error) {
 *   if (error instanceof ResponseValidationError) console.error(error.resource, error.path);
 * }
 * ```
 */
export class ResponseValidationError extends TesseraError {
  override readonly name = 'ResponseValidationError';
  readonly code = 'response_invalid';
  /** The resource that was being read, e.g. `TestSessionToken`. */
  readonly resource: string;
  /** The wire path of the first problem. */
  readonly path: string;
  /** Every problem found; messages never contain the offending value. */
  readonly issues: readonly SchemaIssue[];

  constructor(resource: string, issues: readonly SchemaIssue[]) {
    const first = issues[0];
    const path = first?.path ?? '';
    const where = path === '' ? 'the body' : path;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(`Invalid ${resource} from the API: ${where} ${first?.message ?? 'is invalid'}${more}`);
    this.resource = resource;
    this.path = path;
    this.issues = issues;
  }
}

/**
 * An option or argument is missing or malformed. Thrown eagerly (at construction, before any request),
 * naming the option; never containing its value.
 *
 * @example
 * ```ts
 * try {
 *   createBackendApiClient({ secretKey: undefined });
 * } catch (error) {
 *   if (error instanceof ConfigurationError) console.error(error.option); // 'secretKey'
 * }
 * ```
 */
export class ConfigurationError extends TesseraError {
  override readonly name = 'ConfigurationError';
  readonly code = 'configuration_invalid';
  /** The option or argument at fault. */
  readonly option: string;

  constructor(option: string, problem: string) {
    super(`${option} ${problem}`);
    this.option = option;
  }
}

/**
 * Why a session JWT was refused (or, for `authenticateRequest`, why there is no signed-in user).
 *
 * | reason | meaning |
 * |---|---|
 * | `token-missing` | no `Authorization: Bearer` header and no `__session` cookie |
 * | `token-malformed` | not three base64url parts of JSON |
 * | `token-invalid-type` | header `typ` present and not `JWT` |
 * | `token-invalid-algorithm` | header `alg` is not `RS256` (refuses `none`, `HS256`, ...) |
 * | `token-unsupported-critical-header` | header has `crit` (RFC 7515 §4.1.11): no extension is supported |
 * | `token-unknown-kid` | no key with the header's `kid`, even after refetching the JWKS |
 * | `token-invalid-signature` | the signature does not verify |
 * | `token-invalid-claims` | a required claim (`iss`, `sub`, `exp`, `iat`) is absent or of the wrong type; for `authenticateRequest`, also no `sid` (a JWT made from a JWT template is not a session) |
 * | `token-expired` | `exp` is past (allowing `clockSkewInMs`) |
 * | `token-not-active-yet` | `nbf` is in the future (allowing `clockSkewInMs`) |
 * | `token-issued-in-future` | `iat` is in the future (allowing `clockSkewInMs`) |
 * | `token-invalid-issuer` | `iss` is not the expected issuer |
 * | `token-invalid-authorized-party` | `azp` is not one of `authorizedParties` |
 * | `jwks-unavailable` | the JWKS could not be fetched and no cached copy exists |
 *
 * @example
 * ```ts
 * const reason: TokenVerificationReason = 'token-expired';
 * ```
 */
export type TokenVerificationReason = (typeof TOKEN_VERIFICATION_REASONS)[number];

/**
 * Every `TokenVerificationReason`, for exhaustive handling and docs.
 *
 * @example
 * ```ts
 * for (const reason of TOKEN_VERIFICATION_REASONS) console.log(reason);
 * ```
 */
export const TOKEN_VERIFICATION_REASONS = [
  'token-missing',
  'token-malformed',
  'token-invalid-type',
  'token-invalid-algorithm',
  'token-unsupported-critical-header',
  'token-unknown-kid',
  'token-invalid-signature',
  'token-invalid-claims',
  'token-expired',
  'token-not-active-yet',
  'token-issued-in-future',
  'token-invalid-issuer',
  'token-invalid-authorized-party',
  'jwks-unavailable',
] as const;

/**
 * A session JWT was refused. `reason` says precisely why; the message never contains the token.
 *
 * @example
 * ```ts
 * try {
 *   await verifyToken(jwt, { jwtKey });
 * } catch (error) {
 *   if (error instanceof TokenVerificationError && error.reason === 'token-expired') refresh();
 * }
 * ```
 */
export class TokenVerificationError extends TesseraError {
  override readonly name = 'TokenVerificationError';
  readonly code = 'token_verification_failed';
  readonly reason: TokenVerificationReason;

  constructor(reason: TokenVerificationReason, detail: string, options?: { cause?: unknown }) {
    super(`${reason}: ${detail}`, options);
    this.reason = reason;
  }
}
