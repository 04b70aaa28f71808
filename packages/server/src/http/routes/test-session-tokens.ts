import {
  createTestSessionTokenParams,
  listTestSessionTokensQuery,
  testSessionTokenObject,
} from '@tessera/wire';
import { createTestSessionToken, serializeTestSessionToken } from '../../tickets/test-session-tokens';
import { TEST_SESSION_TOKEN_KIND } from '../../tickets/ticket-kinds';
import { ticketKindRoutes } from './ticket-kind-routes';

export const testSessionTokenRoutes = ticketKindRoutes({
  kind: TEST_SESSION_TOKEN_KIND,
  path: '/v1/test_session_tokens',
  resource: 'TestSessionToken',
  singular: 'test session token',
  plural: 'test session tokens',
  object: testSessionTokenObject,
  createParams: createTestSessionTokenParams,
  listQuery: listTestSessionTokensQuery,
  create: createTestSessionToken,
  serialize: (ticket) => serializeTestSessionToken(ticket),
});
