import {
  type ListTestSessionTokensQuery,
  testSessionTokenObject,
  type CreateTestSessionTokenParams as WireCreateParams,
} from '@tessera/wire';
import type { Requester } from '../client/request';
import { ConfigurationError } from '../errors';
import { type CamelParams, toWireBody } from '../internal/case';
import { pathId } from '../internal/validate';
import { type PaginatedList, TicketAcceptance } from '../resources/misc';
import { TestSessionToken, toTestSessionToken } from '../resources/test-session-token';
import { type CreateOptions, paginatedReader } from './common';

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
 *
 * @example
 * ```ts
 * const token = await client.testSessionTokens.create({ userId: 'user_...' });
 * const { session, jwt } = await client.testSessionTokens.accept(token.token!);
 * ```
 */
export interface TestSessionTokensApi {
  /** `POST /v1/test_session_tokens` with an `Idempotency-Key`. */
  create(params: CreateTestSessionTokenParams, options?: CreateOptions): Promise<TestSessionToken>;
  /** `GET /v1/test_session_tokens/{id}`. */
  get(testSessionTokenId: string): Promise<TestSessionToken>;
  /** `GET /v1/test_session_tokens?paginated=true&...`. */
  list(params?: ListTestSessionTokensParams): Promise<PaginatedList<TestSessionToken>>;
  /** `POST /v1/test_session_tokens/{id}/revoke`; only a pending token can be revoked. */
  revoke(testSessionTokenId: string): Promise<TestSessionToken>;
  /**
   * `POST /v1/tickets/accept`: exchanges the token's `token` (the ticket) for a session and its first
   * JWT, without a browser. Sent without the secret key (the ticket is the credential), never retried
   * (a ticket is single use).
   */
  accept(token: string): Promise<TicketAcceptance>;
}

const readList = paginatedReader(testSessionTokenObject, toTestSessionToken, 'TestSessionToken');
const resource = 'TestSessionToken';

export function createTestSessionTokensApi(request: Requester): TestSessionTokensApi {
  return {
    create: async (params, options = {}) =>
      request({
        method: 'POST',
        path: '/test_session_tokens',
        body: toWireBody(params),
        idempotent: true,
        idempotencyKey: options.idempotencyKey,
        resource,
        read: TestSessionToken.fromJSON,
      }),
    get: async (id) =>
      request({
        method: 'GET',
        path: `/test_session_tokens/${pathId('testSessionTokenId', id)}`,
        resource,
        read: TestSessionToken.fromJSON,
      }),
    list: async (params = {}) =>
      request({
        method: 'GET',
        path: '/test_session_tokens',
        query: { ...toWireBody(params), paginated: true },
        resource,
        read: readList,
      }),
    revoke: async (id) =>
      request({
        method: 'POST',
        path: `/test_session_tokens/${pathId('testSessionTokenId', id)}/revoke`,
        resource,
        read: TestSessionToken.fromJSON,
      }),
    accept: async (token) => {
      if (typeof token !== 'string' || token === '') {
        throw new ConfigurationError('token', 'must be the non-empty `token` of a test session token');
      }
      return request({
        method: 'POST',
        path: '/tickets/accept',
        body: { ticket: token },
        withSecretKey: false,
        resource: 'TicketAcceptance',
        read: TicketAcceptance.fromJSON,
      });
    },
  };
}
