import { healthObject, jwksObject } from '@tessera/wire';
import { defineRoute } from '../route';
import { jsonResponse } from '../types';

export const keyRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/jwks',
    operationId: 'getJwks',
    summary: 'The public keys that verify session JWTs',
    auth: 'secret',
    response: { kind: 'object', schema: jwksObject },
    handler: async ({ ctx }) => jsonResponse(200, ctx.keys.jwks()),
  }),
  defineRoute({
    method: 'GET',
    path: '/.well-known/jwks.json',
    operationId: 'getPublicJwks',
    summary: 'The public keys that verify session JWTs (no secret key needed)',
    auth: 'public',
    response: { kind: 'object', schema: jwksObject },
    handler: async ({ ctx }) =>
      jsonResponse(200, ctx.keys.jwks(), {
        'cache-control': 'public, max-age=60',
        'access-control-allow-origin': '*',
      }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/health',
    operationId: 'getHealth',
    summary: 'Readiness probe',
    auth: 'public',
    response: { kind: 'object', schema: healthObject },
    handler: async () => jsonResponse(200, { object: 'health', status: 'ok' }),
  }),
];
