import { array, type Infer, jsonObject, nullable, object, string } from './schema';

/**
 * Every error code tessera sends, with its HTTP status and the short `message`. The server picks
 * codes only from here; the SDK and the docs read the same table.
 */
export const ERROR_CODES = {
  request_body_invalid: { status: 400, message: 'Request body invalid' },
  authentication_invalid: { status: 401, message: 'Invalid authentication' },
  clerk_key_invalid: { status: 401, message: 'Secret key invalid' },
  resource_not_found: { status: 404, message: 'Resource not found' },
  method_not_allowed: { status: 405, message: 'Method not allowed' },
  request_body_too_large: { status: 413, message: 'Request body too large' },
  form_param_missing: { status: 422, message: 'is missing' },
  form_param_value_invalid: { status: 422, message: 'is invalid' },
  form_param_unknown: { status: 422, message: 'is unknown' },
  form_identifier_exists: { status: 422, message: 'That identifier is taken' },
  form_password_length_too_short: { status: 422, message: 'Password too short' },
  form_password_incorrect: { status: 422, message: 'Password is incorrect' },
  password_not_set: { status: 422, message: 'User has no password' },
  redirect_url_not_allowed: { status: 422, message: 'Redirect URL not allowed' },
  idempotency_key_reused: { status: 422, message: 'Idempotency key reused' },
  test_session_token_cannot_be_revoked: { status: 400, message: 'Test session token cannot be revoked' },
  sign_in_token_cannot_be_revoked: { status: 400, message: 'Sign-in token cannot be revoked' },
  actor_token_cannot_be_revoked: { status: 400, message: 'Actor token cannot be revoked' },
  agent_task_cannot_be_revoked: { status: 400, message: 'Agent task cannot be revoked' },
  session_cannot_be_revoked: { status: 400, message: 'Session cannot be revoked' },
  session_not_active: { status: 400, message: 'Session not active' },
  session_handoff_invalid: { status: 400, message: 'Session handoff invalid' },
  refresh_token_invalid: { status: 401, message: 'Refresh token invalid' },
  handshake_nonce_invalid: { status: 400, message: 'Handshake nonce invalid' },
  dev_browser_invalid: { status: 400, message: 'Dev browser invalid' },
  handshake_format_unsupported: { status: 400, message: 'Handshake format unsupported' },
  origin_invalid: { status: 403, message: 'Origin invalid' },
  test_session_tokens_disabled: { status: 403, message: 'Test session tokens are disabled' },
  testing_tokens_disabled: { status: 403, message: 'Testing tokens are disabled' },
  user_banned: { status: 403, message: 'User banned' },
  user_locked: { status: 403, message: 'User locked' },
  not_a_member_in_organization: { status: 422, message: 'Not a member of the organization' },
  already_a_member_in_organization: { status: 400, message: 'Already a member of the organization' },
  organization_membership_quota_exceeded: { status: 403, message: 'Organization is full' },
  organization_role_in_use: { status: 409, message: 'Role is in use' },
  system_permission_immutable: { status: 400, message: 'System permission cannot be changed' },
  default_role_undeletable: { status: 400, message: 'Default role cannot be deleted' },
  jwt_template_not_found: { status: 404, message: 'JWT template not found' },
  ticket_not_found: { status: 404, message: 'Ticket not found' },
  ticket_already_used: { status: 409, message: 'Ticket already used' },
  ticket_expired: { status: 410, message: 'Ticket expired' },
  ticket_revoked: { status: 410, message: 'Ticket revoked' },
  too_many_requests: { status: 429, message: 'Too many requests' },
  internal_error: { status: 500, message: 'Internal error' },
  service_unavailable: { status: 503, message: 'Service unavailable' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}

/** One entry of an error reply. */
export const wireError = object({
  code: string(),
  message: string(),
  long_message: string(),
  meta: nullable(jsonObject()),
});

/** The only body ever sent with a 4xx or 5xx. */
export const wireErrorBody = object({
  errors: array(wireError),
  clerk_trace_id: string(),
});

export type WireError = Infer<typeof wireError>;
export type WireErrorBody = Infer<typeof wireErrorBody>;
