import {
  createTestSessionTokenParams,
  listTestSessionTokensQuery,
  testSessionTokenObject,
} from '@tessera/wire';
import { createTestSessionToken, serializeTestSessionToken } from '../../tickets/test-session-tokens';
import { getTicket, listTickets, revokeTicket } from '../../tickets/ticket-engine';
import { TEST_SESSION_TOKEN_KIND } from '../../tickets/ticket-kinds';
import { defineRoute } from '../route';
import { jsonResponse, listResponse } from '../types';

const tokenResponse = { kind: 'object', schema: testSessionTokenObject } as const;

export const testSessionTokenRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/test_session_tokens',
    operationId: 'createTestSessionToken',
    summary:
      'Create a one-time token that signs its holder in as the user; `token` and `url` are returned only here',
    auth: 'secret',
    idempotent: true,
    body: createTestSessionTokenParams,
    response: tokenResponse,
    handler: async ({ ctx, body }) => jsonResponse(200, await createTestSessionToken(ctx, body)),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/test_session_tokens',
    operationId: 'listTestSessionTokens',
    summary: 'List test session tokens, newest first',
    auth: 'secret',
    query: listTestSessionTokensQuery,
    response: { kind: 'list', schema: testSessionTokenObject },
    handler: async ({ ctx, query }) => {
      const { limit, offset, order_by, paginated, ...filters } = query;
      const { rows, totalCount } = await listTickets(ctx, TEST_SESSION_TOKEN_KIND, filters, {
        limit,
        offset,
        order_by,
      });
      return listResponse(
        rows.map((row) => serializeTestSessionToken(row)),
        totalCount,
        paginated,
      );
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/test_session_tokens/{id}',
    operationId: 'getTestSessionToken',
    summary: 'Retrieve a test session token (without its value)',
    auth: 'secret',
    response: tokenResponse,
    handler: async ({ ctx, params }) =>
      jsonResponse(200, serializeTestSessionToken(await getTicket(ctx, TEST_SESSION_TOKEN_KIND, params.id))),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/test_session_tokens/{id}/revoke',
    operationId: 'revokeTestSessionToken',
    summary: 'Revoke a pending test session token',
    auth: 'secret',
    response: tokenResponse,
    handler: async ({ ctx, params }) =>
      jsonResponse(
        200,
        serializeTestSessionToken(await revokeTicket(ctx, TEST_SESSION_TOKEN_KIND, params.id)),
      ),
  }),
];
