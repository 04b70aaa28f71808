import { jwksObject } from '@tessera/wire';
import { secretKeyCaller } from '../caller';
import { defineRoute } from '../route';
import { jsonResponse } from '../types';

export const keyRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/jwks',
    operationId: 'getJwks',
    summary: 'The public keys that verify session JWTs; the first signs new ones',
    auth: 'secret',
    response: { kind: 'object', schema: jwksObject },
    handler: async ({ ctx }) => jsonResponse(200, await ctx.keys.jwks()),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/jwks/rotate',
    operationId: 'rotateSigningKey',
    summary: 'Make a new signing key current; older keys stay published until their JWTs have expired',
    auth: 'secret',
    response: { kind: 'object', schema: jwksObject },
    handler: async ({ ctx, request }) => jsonResponse(200, await ctx.keys.rotate(secretKeyCaller(request))),
  }),
  defineRoute({
    method: 'GET',
    path: '/.well-known/jwks.json',
    operationId: 'getPublicJwks',
    summary: 'The public keys that verify session JWTs (no secret key needed)',
    auth: 'public',
    response: { kind: 'object', schema: jwksObject },
    handler: async ({ ctx }) =>
      jsonResponse(200, await ctx.keys.jwks(), {
        'cache-control': 'public, max-age=60',
        'access-control-allow-origin': '*',
      }),
  }),
];
