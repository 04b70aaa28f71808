import { ACTOR_TOKEN_LIMITS, type ActorTokenJSON, type CreateActorTokenParams } from '@tessera/wire';
import type { Caller } from '../audit/audit-log';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import type { TicketTable } from '../store/schema';
import { issueTicket } from './ticket-engine';
import { commonTicketFields, type Reveal, revealOf, ticketTermsOf } from './ticket-fields';
import { ACTOR_TOKEN_KIND, detailsOf } from './ticket-kinds';

export function serializeActorToken(ticket: TicketTable, reveal?: Reveal): ActorTokenJSON {
  return {
    object: 'actor_token',
    ...commonTicketFields(ticket, reveal),
    actor: { ...detailsOf(ticket).actor },
  };
}

/** `act.type` values tessera gives sessions itself: an actor may not pass for an agent or a test. */
const RESERVED_ACTOR_TYPES: readonly unknown[] = ['agent', 'test_session_token'];

export async function createActorToken(
  ctx: ServerContext,
  params: CreateActorTokenParams,
  caller: Caller,
): Promise<ActorTokenJSON> {
  if (RESERVED_ACTOR_TYPES.includes(params.actor.type)) {
    throw ApiError.invalidParam(
      'actor.type',
      `actor.type "${String(params.actor.type)}" is how tessera marks its own sessions; name the actor's role otherwise.`,
    );
  }
  const { ticket, value } = await issueTicket(
    ctx,
    ACTOR_TOKEN_KIND,
    {
      userId: params.user_id,
      ...ticketTermsOf(ctx, ACTOR_TOKEN_LIMITS, params),
      details: { actor: params.actor },
    },
    caller,
  );
  return serializeActorToken(ticket, revealOf(ctx, value));
}
