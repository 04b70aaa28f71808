import { type CreateSignInTokenParams, SIGN_IN_TOKEN_LIMITS, type SignInTokenJSON } from '@tessera/wire';
import type { Caller } from '../audit/audit-log';
import type { ServerContext } from '../core/context';
import type { TicketTable } from '../store/schema';
import { checkRedirectUrl } from './redirect-policy';
import { issueTicket } from './ticket-engine';
import { commonTicketFields, type Reveal, revealOf } from './ticket-fields';
import { SIGN_IN_TOKEN_KIND } from './ticket-kinds';

export function serializeSignInToken(ticket: TicketTable, reveal?: Reveal): SignInTokenJSON {
  return { object: 'sign_in_token', ...commonTicketFields(ticket, reveal) };
}

export async function createSignInToken(
  ctx: ServerContext,
  params: CreateSignInTokenParams,
  caller: Caller,
): Promise<SignInTokenJSON> {
  const redirectUrl =
    params.redirect_url === undefined
      ? null
      : checkRedirectUrl(params.redirect_url, ctx.settings, ctx.environment);
  const { ticket, value } = await issueTicket(
    ctx,
    SIGN_IN_TOKEN_KIND,
    {
      userId: params.user_id,
      redirectUrl,
      expiresInSeconds: params.expires_in_seconds ?? SIGN_IN_TOKEN_LIMITS.expiresInSeconds.default,
      sessionMaxDurationSeconds:
        params.session_max_duration_in_seconds ?? SIGN_IN_TOKEN_LIMITS.sessionMaxDurationInSeconds.default,
    },
    caller,
  );
  return serializeSignInToken(ticket, revealOf(ctx, value));
}
