import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  authOrThrow,
  UNAUTHORIZED_HEADERS,
  unauthorizedBody,
  withEnvironmentDefaults,
} from '../auth/adapter-support';
import {
  type AuthenticateRequestOptions,
  type AuthState,
  createAuthenticator,
  sessionTokenFrom,
} from '../auth/authenticate-request';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `withAuth()` / `requireAuth()` from `@tessera/backend/fastify`. */
    auth?: AuthState;
  }
}

/**
 * A Fastify `onRequest` / `preHandler` hook.
 *
 * @example
 * ```ts
 * const hook: FastifyAuthHook = requireAuth();
 * ```
 */
export type FastifyAuthHook = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply | undefined>;

function hook(options: AuthenticateRequestOptions | undefined, refuse: boolean): FastifyAuthHook {
  const authenticate = createAuthenticator(withEnvironmentDefaults(options));
  return async (request, reply) => {
    const { authorization, cookie } = request.headers;
    const auth = await authenticate(sessionTokenFrom(authorization, cookie));
    request.auth = auth;
    if (refuse && !auth.isSignedIn) {
      return reply.code(401).headers(UNAUTHORIZED_HEADERS).send(unauthorizedBody(auth.reason));
    }
    return undefined;
  };
}

/**
 * A hook that sets `request.auth` on every request and never refuses one.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { getAuth, withAuth } from '@tessera/backend/fastify';
 *
 * const app = Fastify();
 * app.addHook('onRequest', withAuth());
 * app.get('/me', async (request) => ({ userId: getAuth(request).userId }));
 * ```
 */
export function withAuth(options?: AuthenticateRequestOptions): FastifyAuthHook {
  return hook(options, false);
}

/**
 * A hook that admits only requests with a valid session JWT; others get a 401 JSON error with
 * `meta.reason`. Use it app-wide (`addHook`) or per route (`onRequest`).
 *
 * @example
 * ```ts
 * app.get('/api/me', { onRequest: requireAuth() }, async (request) => ({ userId: request.auth?.userId }));
 * ```
 */
export function requireAuth(options?: AuthenticateRequestOptions): FastifyAuthHook {
  return hook(options, true);
}

/**
 * The auth state set by `withAuth()` or `requireAuth()`; throws a `ConfigurationError` if neither ran.
 *
 * @example
 * ```ts
 * app.get('/me', { onRequest: withAuth() }, async (request) => ({ signedIn: getAuth(request).isSignedIn }));
 * ```
 */
export function getAuth(request: { readonly auth?: AuthState | undefined }): AuthState {
  return authOrThrow(request.auth);
}

export type { AuthenticateRequestOptions, AuthState } from '../auth/authenticate-request';
