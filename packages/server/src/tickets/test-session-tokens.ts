import {
  type CreateTestSessionTokenParams,
  TEST_SESSION_TOKEN_LIMITS,
  type TestSessionTokenJSON,
} from '@tessera/wire';
import type { Caller } from '../audit/audit-log';
import type { ServerContext } from '../core/context';
import type { TicketTable } from '../store/schema';
import { checkRedirectUrl } from './redirect-policy';
import { assertKindAllowed, issueTicket } from './ticket-engine';
import { commonTicketFields, type Reveal, resolveTicketUser, revealOf } from './ticket-fields';
import { TEST_SESSION_TOKEN_KIND } from './ticket-kinds';

/** The wire form; `token` and `url` are only known (and only sent) in the reply to create. */
export function serializeTestSessionToken(ticket: TicketTable, reveal?: Reveal): TestSessionTokenJSON {
  return { object: 'test_session_token', ...commonTicketFields(ticket, reveal) };
}

export async function createTestSessionToken(
  ctx: ServerContext,
  params: CreateTestSessionTokenParams,
  caller: Caller,
): Promise<TestSessionTokenJSON> {
  // A production instance that refuses test session tokens says so first, whatever the parameters.
  assertKindAllowed(ctx, TEST_SESSION_TOKEN_KIND);
  const userId = await resolveTicketUser(ctx, params);
  const redirectUrl =
    params.redirect_url === undefined
      ? null
      : checkRedirectUrl(params.redirect_url, ctx.settings, ctx.environment);
  const { ticket, value } = await issueTicket(
    ctx,
    TEST_SESSION_TOKEN_KIND,
    {
      userId,
      redirectUrl,
      expiresInSeconds: params.expires_in_seconds ?? TEST_SESSION_TOKEN_LIMITS.expiresInSeconds.default,
      sessionMaxDurationSeconds:
        params.session_max_duration_in_seconds ??
        TEST_SESSION_TOKEN_LIMITS.sessionMaxDurationInSeconds.default,
    },
    caller,
  );
  return serializeTestSessionToken(ticket, revealOf(ctx, value));
}
