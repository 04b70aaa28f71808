import { createSignInTokenParams, listSignInTokensQuery, signInTokenObject } from '@tessera/wire';
import { createSignInToken, serializeSignInToken } from '../../tickets/sign-in-tokens';
import { SIGN_IN_TOKEN_KIND } from '../../tickets/ticket-kinds';
import { ticketKindRoutes } from './ticket-kind-routes';

/** Clerk's `signInTokens`: a magic link an app sends its user. */
export const signInTokenRoutes = ticketKindRoutes({
  kind: SIGN_IN_TOKEN_KIND,
  path: '/v1/sign_in_tokens',
  resource: 'SignInToken',
  singular: 'sign-in token',
  plural: 'sign-in tokens',
  object: signInTokenObject,
  createParams: createSignInTokenParams,
  listQuery: listSignInTokensQuery,
  create: createSignInToken,
  serialize: (ticket) => serializeSignInToken(ticket),
});
