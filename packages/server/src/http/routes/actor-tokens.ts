import { actorTokenObject, createActorTokenParams, listActorTokensQuery } from '@tessera/wire';
import { createActorToken, serializeActorToken } from '../../tickets/actor-tokens';
import { ACTOR_TOKEN_KIND } from '../../tickets/ticket-kinds';
import { ticketKindRoutes } from './ticket-kind-routes';

/** Clerk's `actorTokens`: impersonation by a named actor. */
export const actorTokenRoutes = ticketKindRoutes({
  kind: ACTOR_TOKEN_KIND,
  path: '/v1/actor_tokens',
  resource: 'ActorToken',
  singular: 'actor token',
  plural: 'actor tokens',
  object: actorTokenObject,
  createParams: createActorTokenParams,
  listQuery: listActorTokensQuery,
  create: createActorToken,
  serialize: (ticket) => serializeActorToken(ticket),
});
