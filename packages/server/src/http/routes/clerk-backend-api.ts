import {
  cookiesObject,
  handshakePayloadObject,
  handshakePayloadQuery,
  refreshSessionCookiesQuery,
  refreshSessionTokenParams,
} from '@tessera/wire';
import { redeemHandshakePayload } from '../../clerk/handshake';
import { cookieScopeFor, refreshedSessionCookies } from '../../clerk/handshake-cookies';
import { refreshWithExpiredToken } from '../../clerk/refresh-with-expired-token';
import { secretKeyCaller } from '../caller';
import { defineRoute } from '../route';
import { jsonResponse } from '../types';

/** The Backend API calls Clerk's `authenticateRequest` makes for a browser on a development instance. */
export const clerkBackendApiRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/clients/handshake_payload',
    operationId: 'getHandshakePayload',
    summary:
      "Redeem a handshake nonce (once): the Set-Cookie directives that sign the app's browser in, or out",
    auth: 'secret',
    query: handshakePayloadQuery,
    response: { kind: 'object', schema: handshakePayloadObject },
    handler: async ({ ctx, query, request }) =>
      jsonResponse(200, {
        object: 'handshake_payload',
        directives: await redeemHandshakePayload(ctx, query.nonce, secretKeyCaller(request)),
      }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sessions/{id}/refresh',
    operationId: 'refreshSessionWithExpiredToken',
    summary:
      "Renew a session cookie's expired JWT with its refresh cookie: format=cookie gives the Set-Cookie values (this object), format=token `{ object: 'token', jwt }`",
    auth: 'secret',
    query: refreshSessionCookiesQuery,
    body: refreshSessionTokenParams,
    response: { kind: 'object', schema: cookiesObject },
    handler: async ({ ctx, params, body, request }) => {
      const { jwt } = await refreshWithExpiredToken(
        ctx,
        params.id,
        { expiredToken: body.expired_token, refreshToken: body.refresh_token },
        secretKeyCaller(request),
      );
      if (body.format !== 'cookie') return jsonResponse(200, { object: 'token', jwt });
      const scope = cookieScopeFor(ctx, body.request_origin);
      return jsonResponse(200, { object: 'cookies', cookies: refreshedSessionCookies(scope, jwt) });
    },
  }),
];
