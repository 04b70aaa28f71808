import { fixturesDocument, fixturesResultObject } from '@tessera/wire';
import { applyFixtures } from '../../fixtures/apply-fixtures';
import { defineRoute } from '../route';
import { jsonResponse } from '../types';

export const fixtureRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/fixtures',
    operationId: 'applyFixtures',
    summary:
      'Create or bring up to date users, organizations, members, roles and permissions, all or nothing; a second run changes nothing',
    auth: 'secret',
    body: fixturesDocument,
    response: { kind: 'object', schema: fixturesResultObject },
    handler: async ({ ctx, body }) => jsonResponse(200, await applyFixtures(ctx, body)),
  }),
];
