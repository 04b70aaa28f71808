import {
  redeemHandoffParams,
  refreshSessionParams,
  sessionHandoffObject,
  sessionObject,
  sessionRefreshObject,
} from '@tessera/wire';
import { redeemHandoff, refreshSession } from '../../sessions/handoffs';
import { serializeSession } from '../../sessions/serialize-session';
import { endSession } from '../../sessions/sessions-service';
import { secretKeyCaller } from '../caller';
import { defineRoute } from '../route';
import { jsonResponse } from '../types';

export const sessionHandoffRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/session_handoffs/redeem',
    operationId: 'redeemSessionHandoff',
    summary:
      'Redeem the handoff an app received on its redirect URL: the session, a JWT and a refresh token (once)',
    auth: 'secret',
    body: redeemHandoffParams,
    response: { kind: 'object', schema: sessionHandoffObject },
    handler: async ({ ctx, body, request }) => {
      const { session, jwt, refreshToken } = await redeemHandoff(ctx, body.handoff, secretKeyCaller(request));
      return jsonResponse(200, {
        object: 'session_handoff',
        session: serializeSession(session, ctx.clock.now()),
        jwt,
        refresh_token: refreshToken,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sessions/refresh',
    operationId: 'refreshSession',
    summary: 'A fresh JWT for the session a refresh token is bound to, while the session is active',
    auth: 'secret',
    body: refreshSessionParams,
    response: { kind: 'object', schema: sessionRefreshObject },
    handler: async ({ ctx, body, request }) => {
      const { session, jwt } = await refreshSession(ctx, body.refresh_token, secretKeyCaller(request));
      return jsonResponse(200, {
        object: 'session_refresh',
        session: serializeSession(session, ctx.clock.now()),
        jwt,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sessions/{id}/end',
    operationId: 'endSession',
    summary: 'End an active session: the user signed out',
    auth: 'secret',
    response: { kind: 'object', schema: sessionObject },
    handler: async ({ ctx, params, request }) =>
      jsonResponse(
        200,
        serializeSession(
          await endSession(ctx, params.id, 'ended', secretKeyCaller(request)),
          ctx.clock.now(),
        ),
      ),
  }),
];
