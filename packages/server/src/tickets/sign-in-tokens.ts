import { type CreateSignInTokenParams, SIGN_IN_TOKEN_LIMITS, type SignInTokenJSON } from '@tessera/wire';
import type { Caller } from '../audit/audit-log';
import type { ServerContext } from '../core/context';
import type { TicketTable } from '../store/schema';
import { issueTicket } from './ticket-engine';
import { commonTicketFields, type Reveal, revealOf, ticketTermsOf } from './ticket-fields';
import { SIGN_IN_TOKEN_KIND } from './ticket-kinds';

export function serializeSignInToken(ticket: TicketTable, reveal?: Reveal): SignInTokenJSON {
  return { object: 'sign_in_token', ...commonTicketFields(ticket, reveal) };
}

export async function createSignInToken(
  ctx: ServerContext,
  params: CreateSignInTokenParams,
  caller: Caller,
): Promise<SignInTokenJSON> {
  const { ticket, value } = await issueTicket(
    ctx,
    SIGN_IN_TOKEN_KIND,
    {
      userId: params.user_id,
      ...ticketTermsOf(ctx, SIGN_IN_TOKEN_LIMITS, params),
    },
    caller,
  );
  return serializeSignInToken(ticket, revealOf(ctx, value));
}
