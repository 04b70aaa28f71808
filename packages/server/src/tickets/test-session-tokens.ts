import {
  type CreateTestSessionTokenParams,
  TEST_SESSION_TOKEN_LIMITS,
  type TestSessionTokenJSON,
} from '@tessera/wire';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import type { TicketTable } from '../store/schema';
import { findUserIdByIdentifier } from '../store/users-store';
import { checkRedirectUrl } from './redirect-policy';
import { assertKindAllowed, issueTicket } from './ticket-engine';
import { TEST_SESSION_TOKEN_KIND } from './ticket-kinds';

export function ticketUrl(ctx: ServerContext, value: string): string {
  return `${ctx.settings.publicUrl}/v1/tickets/accept?ticket=${value}`;
}

/** The wire form; `token` and `url` are only known (and only sent) in the reply to create. */
export function serializeTestSessionToken(
  ticket: TicketTable,
  reveal?: { token: string; url: string },
): TestSessionTokenJSON {
  return {
    object: 'test_session_token',
    id: ticket.id,
    user_id: ticket.user_id,
    status: ticket.status,
    token: reveal?.token ?? null,
    url: reveal?.url ?? null,
    redirect_url: ticket.redirect_url,
    session_id: ticket.session_id,
    expires_at: ticket.expires_at,
    session_max_duration_in_seconds: ticket.session_max_duration_seconds,
    created_at: ticket.created_at,
    updated_at: ticket.updated_at,
  };
}

/** The user a token is for: `user_id` as given, or the owner of `identifier` (a lookup). */
function resolveUserId(ctx: ServerContext, params: CreateTestSessionTokenParams): string | Promise<string> {
  if (params.user_id !== undefined && params.identifier !== undefined) {
    throw ApiError.invalidParam('identifier', 'Give either user_id or identifier, not both.');
  }
  if (params.user_id !== undefined) return params.user_id;
  if (params.identifier === undefined) {
    throw new ApiError('form_param_missing', 'user_id or identifier must be included.', {
      param_name: 'user_id',
    });
  }
  return findUserIdByIdentifier(ctx.db, params.identifier).then((userId) => {
    if (!userId) {
      throw new ApiError('resource_not_found', 'No user has this email address or username.', {
        param_name: 'identifier',
      });
    }
    return userId;
  });
}

export async function createTestSessionToken(
  ctx: ServerContext,
  params: CreateTestSessionTokenParams,
): Promise<TestSessionTokenJSON> {
  // A production instance that refuses test session tokens says so first, whatever the parameters.
  assertKindAllowed(ctx, TEST_SESSION_TOKEN_KIND);
  const resolved = resolveUserId(ctx, params);
  const userId = typeof resolved === 'string' ? resolved : await resolved;
  const redirectUrl =
    params.redirect_url === undefined
      ? null
      : checkRedirectUrl(params.redirect_url, ctx.settings, ctx.environment);
  const { ticket, value } = await issueTicket(ctx, TEST_SESSION_TOKEN_KIND, {
    userId,
    redirectUrl,
    expiresInSeconds: params.expires_in_seconds ?? TEST_SESSION_TOKEN_LIMITS.expiresInSeconds.default,
    sessionMaxDurationSeconds:
      params.session_max_duration_in_seconds ?? TEST_SESSION_TOKEN_LIMITS.sessionMaxDurationInSeconds.default,
  });
  return serializeTestSessionToken(ticket, { token: value, url: ticketUrl(ctx, value) });
}
