import {
  type CreateTestSessionTokenParams,
  RESERVED_SESSION_CLAIMS,
  TEST_SESSION_TOKEN_LIMITS,
  type TestSessionTokenJSON,
} from '@tessera/wire';
import type { Caller } from '../audit/audit-log';
import { checkClaimsTemplate } from '../claims/claim-template';
import type { ServerContext } from '../core/context';
import type { TicketTable } from '../store/schema';
import { assertKindAllowed, issueTicket } from './ticket-engine';
import { commonTicketFields, type Reveal, resolveTicketUser, revealOf, ticketTermsOf } from './ticket-fields';
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
  if (params.claims) checkClaimsTemplate(params.claims, RESERVED_SESSION_CLAIMS, 'claims');
  const userId = await resolveTicketUser(ctx, params);
  const { ticket, value } = await issueTicket(
    ctx,
    TEST_SESSION_TOKEN_KIND,
    {
      userId,
      ...ticketTermsOf(ctx, TEST_SESSION_TOKEN_LIMITS, params),
      ...(params.claims && { details: { claims: params.claims } }),
    },
    caller,
  );
  return serializeTestSessionToken(ticket, revealOf(ctx, value));
}
