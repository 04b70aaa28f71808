import {
  type ListSignInTokensQuery,
  signInTokenObject,
  type CreateSignInTokenParams as WireCreateParams,
} from '@tessera/wire';
import type { Requester } from '../client/request';
import type { CamelParams } from '../internal/case';
import { SignInToken, toSignInToken } from '../resources/sign-in-token';
import { createTicketApi, type TicketApi } from './tickets';

/**
 * Whom the token signs in, and optionally for how long it can be used (default 30 days), how long the
 * session lasts (default a week) and where the browser lands.
 *
 * @example
 * ```ts
 * const params: CreateSignInTokenParams = { userId: 'user_...', expiresInSeconds: 3600 };
 * ```
 */
export type CreateSignInTokenParams = CamelParams<WireCreateParams>;

/**
 * Filters and paging of `signInTokens.list`.
 *
 * @example
 * ```ts
 * const params: ListSignInTokensParams = { userId: 'user_...', status: 'pending', orderBy: '-created_at' };
 * ```
 */
export type ListSignInTokensParams = Omit<CamelParams<ListSignInTokensQuery>, 'paginated'>;

/**
 * `client.signInTokens`: one-time links that sign a user in as themselves (magic links).
 * `POST /v1/sign_in_tokens`, `GET /v1/sign_in_tokens[/{id}]`, `POST /v1/sign_in_tokens/{id}/revoke`,
 * and `POST /v1/tickets/accept`.
 *
 * @example
 * ```ts
 * const signInToken = await client.signInTokens.create({ userId: 'user_...' });
 * const { session, jwt } = await client.signInTokens.accept(signInToken.token);
 * session.actor; // null: the user signed in as themselves
 * ```
 */
export interface SignInTokensApi
  extends TicketApi<SignInToken, CreateSignInTokenParams, ListSignInTokensParams> {}

export function createSignInTokensApi(request: Requester): SignInTokensApi {
  return createTicketApi(request, {
    path: '/sign_in_tokens',
    resource: 'SignInToken',
    idOption: 'signInTokenId',
    schema: signInTokenObject,
    map: toSignInToken,
    read: SignInToken.fromJSON,
  });
}
