import {
  actorTokenObject,
  type ListActorTokensQuery,
  type CreateActorTokenParams as WireCreateParams,
} from '@tessera/wire';
import type { Requester } from '../client/request';
import type { CamelParams } from '../internal/case';
import { ActorToken, toActorToken } from '../resources/actor-token';
import { createTicketApi, type TicketApi } from './tickets';

/**
 * Whom the token signs in, who acts (`actor`: `{ sub, ...anything }`, at most 1 KiB as JSON, sent
 * with its keys exactly as given), and optionally the lifetimes (defaults: an hour to use it, a
 * 30-minute session) and where the browser lands.
 *
 * @example
 * ```ts
 * const params: CreateActorTokenParams = {
 *   userId: 'user_...',
 *   actor: { sub: 'support_42', ticketRef: 'T-1234' },
 * };
 * ```
 */
export type CreateActorTokenParams = CamelParams<WireCreateParams>;

/**
 * Filters and paging of `actorTokens.list`.
 *
 * @example
 * ```ts
 * const params: ListActorTokensParams = { userId: 'user_...', status: 'accepted' };
 * ```
 */
export type ListActorTokensParams = Omit<CamelParams<ListActorTokensQuery>, 'paginated'>;

/**
 * `client.actorTokens`: one-time credentials that sign someone else in as a user (impersonation);
 * the session's `actor` is the given `actor`. `POST /v1/actor_tokens`, `GET /v1/actor_tokens[/{id}]`,
 * `POST /v1/actor_tokens/{id}/revoke`, and `POST /v1/tickets/accept`.
 *
 * @example
 * ```ts
 * const actorToken = await client.actorTokens.create({ userId: 'user_...', actor: { sub: 'support_42' } });
 * const { session } = await client.actorTokens.accept(actorToken.token);
 * session.actor; // { sub: 'support_42' }
 * ```
 */
export interface ActorTokensApi
  extends TicketApi<ActorToken, CreateActorTokenParams, ListActorTokensParams> {}

export function createActorTokensApi(request: Requester): ActorTokensApi {
  return createTicketApi(request, {
    path: '/actor_tokens',
    resource: 'ActorToken',
    idOption: 'actorTokenId',
    schema: actorTokenObject,
    map: toActorToken,
    read: ActorToken.fromJSON,
  });
}
