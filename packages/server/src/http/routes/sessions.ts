import {
  createSessionParams,
  createSessionTokenParams,
  createTemplateTokenParams,
  listSessionsQuery,
  sessionObject,
  sessionWithTokenObject,
  tokenObject,
} from '@tessera/wire';
import { jwtTemplateNamed } from '../../claims/jwt-templates-service';
import { createSessionDirectly, createSessionWithToken } from '../../sessions/direct-sessions';
import { serializeSession } from '../../sessions/serialize-session';
import { endSession, getSession, listSessions, mintSessionToken } from '../../sessions/sessions-service';
import { secretKeyCaller } from '../caller';
import { defineRoute } from '../route';
import { jsonResponse, listResponse } from '../types';

const sessionResponse = { kind: 'object', schema: sessionObject } as const;

export const sessionRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/sessions',
    operationId: 'createSession',
    summary:
      'Create a session for a user at once, for tests (refused in production unless test session tokens are enabled)',
    auth: 'secret',
    idempotent: true,
    body: createSessionParams,
    response: sessionResponse,
    handler: async ({ ctx, body, request }) =>
      jsonResponse(
        200,
        serializeSession(await createSessionDirectly(ctx, body, secretKeyCaller(request)), ctx.clock.now()),
      ),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sessions/with_token',
    operationId: 'createSessionWithToken',
    summary:
      'Create a session for a user and sign its first JWT, in one call, for tests (refused as POST /v1/sessions is)',
    auth: 'secret',
    idempotent: true,
    body: createSessionParams,
    response: { kind: 'object', schema: sessionWithTokenObject },
    handler: async ({ ctx, body, request }) =>
      jsonResponse(200, await createSessionWithToken(ctx, body, secretKeyCaller(request))),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/sessions',
    operationId: 'listSessions',
    summary: 'List sessions, newest first',
    auth: 'secret',
    query: listSessionsQuery,
    response: { kind: 'list', schema: sessionObject },
    handler: async ({ ctx, query }) => {
      const { limit, offset, order_by, paginated, ...filters } = query;
      const { rows, totalCount } = await listSessions(ctx, filters, { limit, offset, order_by });
      const now = ctx.clock.now();
      return listResponse(
        rows.map((row) => serializeSession(row, now)),
        totalCount,
        paginated,
      );
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/sessions/{id}',
    operationId: 'getSession',
    summary: 'Retrieve a session',
    auth: 'secret',
    response: sessionResponse,
    handler: async ({ ctx, params }) =>
      jsonResponse(200, serializeSession(await getSession(ctx, params.id), ctx.clock.now())),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sessions/{id}/revoke',
    operationId: 'revokeSession',
    summary: 'Revoke an active session; its JWTs stop being renewed',
    auth: 'secret',
    response: sessionResponse,
    handler: async ({ ctx, params, request }) =>
      jsonResponse(
        200,
        serializeSession(
          await endSession(ctx, params.id, 'revoked', secretKeyCaller(request)),
          ctx.clock.now(),
        ),
      ),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sessions/{id}/tokens',
    operationId: 'createSessionToken',
    summary: 'Issue a fresh session JWT while the session is active',
    auth: 'secret',
    body: createSessionTokenParams,
    response: { kind: 'object', schema: tokenObject },
    handler: async ({ ctx, params, body, request }) => {
      const session = await getSession(ctx, params.id);
      const jwt = await mintSessionToken(ctx, session, secretKeyCaller(request), body.expires_in_seconds);
      return jsonResponse(200, { object: 'token', jwt });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sessions/{id}/tokens/{template_name}',
    operationId: 'createSessionTokenFromTemplate',
    summary: 'Issue a JWT made from a JWT template while the session is active',
    auth: 'secret',
    body: createTemplateTokenParams,
    response: { kind: 'object', schema: tokenObject },
    handler: async ({ ctx, params, body, request }) => {
      const template = await jwtTemplateNamed(ctx, params.template_name);
      const session = await getSession(ctx, params.id);
      const jwt = await mintSessionToken(
        ctx,
        session,
        secretKeyCaller(request),
        body.expires_in_seconds,
        template,
      );
      return jsonResponse(200, { object: 'token', jwt });
    },
  }),
];
