import { healthObject } from '@tessera/wire';
import { checkHealth } from '../../instance/health';
import { defineRoute } from '../route';
import { jsonResponse } from '../types';

export const healthRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/health',
    operationId: 'getHealth',
    summary: 'Readiness probe: 200 when the database answers, 503 when it does not',
    auth: 'public',
    response: { kind: 'object', schema: healthObject },
    handler: async ({ ctx }) => {
      await checkHealth(ctx);
      return jsonResponse(200, { object: 'health', status: 'ok' });
    },
  }),
];
