import type { FastifyReply, FastifyRequest } from 'fastify';
import { authOrThrow, requestUrl, type SignOutOptions } from '../auth/adapter-support';
import type { AuthenticateRequestOptions, AuthState } from '../auth/authenticate-request';
import type { BrowserRequest } from '../browser/browser-session';
import { type AdapterReply, AdapterRequest, authMiddleware, signOutRunner } from './runner';

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

/**
 * A Fastify route handler.
 *
 * @example
 * ```ts
 * const handler: FastifyHandler = signOut();
 * app.post('/sign-out', handler);
 * ```
 */
export type FastifyHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

const firstHeader = (value: string | string[] | undefined) =>
  Array.isArray(value) ? value.join(',') : value;

function browserRequest(request: FastifyRequest): BrowserRequest {
  const { headers } = request;
  return new AdapterRequest(
    request.method,
    headers.authorization,
    () => headers.cookie,
    () => ({
      // `request.host` honours `trustProxy` (Fastify 5); Fastify 4's `hostname` carries the port.
      url: requestUrl(request.protocol, request.host ?? request.hostname, request.url),
      origin: headers.origin,
      fetchSite: firstHeader(headers['sec-fetch-site']),
    }),
  );
}

function send(reply: FastifyReply, answer: AdapterReply): FastifyReply {
  if (answer.setCookies.length > 0) reply.header('set-cookie', [...answer.setCookies]);
  reply.code(answer.status).headers({ ...answer.headers });
  return answer.body === null ? reply.send() : reply.send(answer.body);
}

function hook(options: AuthenticateRequestOptions | undefined, refuse: boolean): FastifyAuthHook {
  const run = authMiddleware(options, refuse);
  return async (request, reply) => {
    const outcome = await run(browserRequest(request), request);
    request.auth = outcome.auth;
    if (outcome.kind === 'reply') return send(reply, outcome.reply);
    if (outcome.setCookies.length > 0) reply.header('set-cookie', [...outcome.setCookies]);
    return undefined;
  };
}

/**
 * A hook that sets `request.auth` on every request and never refuses one. With a secret key
 * (`secretKey` or `TESSERA_SECRET_KEY`) it also redeems a `__tessera_handoff` (a GET or HEAD is
 * answered `303 See Other` to the same URL without it, with the `__session` and `__tessera_refresh`
 * cookies set), renews an expired cookie JWT with the refresh cookie, and clears both cookies once
 * the session is revoked or ended (see `handleBrowserSession`).
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
 * `meta.reason`. Use it app-wide (`addHook`) or per route (`onRequest`). With a secret key it redeems
 * handoffs and renews JWTs first, like `withAuth()`.
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

/**
 * A route handler that signs the browser out (ends the session with the secret key, clears the
 * `__session` and `__tessera_refresh` cookies) and answers `303 See Other` to `redirectTo` (default
 * `/`). Never fails for a bad or missing token. A bad option throws here, at startup.
 *
 * Only a POST from the app's own origin signs out (see `signOutBrowserSession`): another method is
 * answered 405 with `Allow: POST` (route it with `app.all` to answer them), an `Origin` naming
 * another origin or a cross-site or same-site `Sec-Fetch-Site` 403 (`origin_invalid`). A POST with
 * neither header (an old browser, curl) is allowed. Behind a proxy, set `trustProxy`.
 *
 * @example
 * ```ts
 * import { signOut } from '@tessera/backend/fastify';
 *
 * app.post('/sign-out', signOut({ redirectTo: '/' }));
 * ```
 */
export function signOut(options?: SignOutOptions): FastifyHandler {
  const run = signOutRunner(options);
  return async (request, reply) => send(reply, await run(browserRequest(request), request));
}

export type { SignOutOptions } from '../auth/adapter-support';
export type { AuthenticateRequestOptions, AuthState } from '../auth/authenticate-request';
export { REFRESH_COOKIE, SESSION_COOKIE } from '../auth/cookies';
