import {
  type ListTestSessionTokensQuery,
  testSessionTokenObject,
  type CreateTestSessionTokenParams as WireCreateParams,
} from '@tessera/wire';
import type { Requester } from '../client/request';
import type { CamelParams } from '../internal/case';
import { TestSessionToken, toTestSessionToken } from '../resources/test-session-token';
import { createTicketApi, type TicketApi } from './tickets';

type CreateLifetimes = Omit<CamelParams<WireCreateParams>, 'userId' | 'identifier'>;

/**
 * Who the token signs in (exactly one of `userId` or `identifier`, an email address or username),
 * and optionally for how long and where the browser lands.
 *
 * @example
 * ```ts
 * const params: CreateTestSessionTokenParams = { identifier: 'ada@example.com', expiresInSeconds: 300 };
 * ```
 */
export type CreateTestSessionTokenParams = CreateLifetimes &
  (
    | { readonly userId: string; readonly identifier?: never }
    | { readonly identifier: string; readonly userId?: never }
  );

/**
 * Filters and paging of `testSessionTokens.list`.
 *
 * @example
 * ```ts
 * const params: ListTestSessionTokensParams = { userId: 'user_...', status: 'pending', limit: 50 };
 * ```
 */
export type ListTestSessionTokensParams = Omit<CamelParams<ListTestSessionTokensQuery>, 'paginated'>;

/**
 * `client.testSessionTokens`: one-time sign-in credentials for tests, scripts and agents.
 * `POST /v1/test_session_tokens`, `GET /v1/test_session_tokens[/{id}]`,
 * `POST /v1/test_session_tokens/{id}/revoke`, and `POST /v1/tickets/accept`.
 *
 * @example
 * ```ts
 * const token = await client.testSessionTokens.create({ userId: 'user_...' });
 * const { session, jwt } = await client.testSessionTokens.accept(token.token);
 * ```
 */
export interface TestSessionTokensApi
  extends TicketApi<TestSessionToken, CreateTestSessionTokenParams, ListTestSessionTokensParams> {}

export function createTestSessionTokensApi(request: Requester): TestSessionTokensApi {
  return createTicketApi(request, {
    path: '/test_session_tokens',
    resource: 'TestSessionToken',
    idOption: 'testSessionTokenId',
    schema: testSessionTokenObject,
    map: toTestSessionToken,
    read: TestSessionToken.fromJSON,
  });
}
