import { testingTokenObject } from '@tessera/wire';
import { createTestingToken } from '../../tickets/testing-tokens';
import { secretKeyCaller } from '../caller';
import { defineRoute } from '../route';
import { jsonResponse } from '../types';

/** Clerk's `testingTokens`, for `@clerk/testing`'s setup; nothing on tessera checks one. */
export const testingTokenRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/testing_tokens',
    operationId: 'createTestingToken',
    summary: 'Create a testing token (development instances; tessera has no bot protection for it to bypass)',
    auth: 'secret',
    response: { kind: 'object', schema: testingTokenObject },
    handler: async ({ ctx, request }) =>
      jsonResponse(200, await createTestingToken(ctx, secretKeyCaller(request))),
  }),
];
