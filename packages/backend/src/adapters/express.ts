import {
  authOrThrow,
  currentCookieHeader,
  redirectHeaders,
  rememberSetCookies,
  requestUrl,
  type SignOutOptions,
  signOutOptions,
  UNAUTHORIZED_HEADERS,
  unauthorizedBody,
} from '../auth/adapter-support';
import type { AuthenticateRequestOptions, AuthState } from '../auth/authenticate-request';
import { type BrowserRequest, createBrowserSessions } from '../browser/browser-session';

declare global {
  // Express's own extension point for request properties.
  namespace Express {
    interface Request {
      /** Set by `withAuth()` / `requireAuth()` from `@tessera/backend/express`. */
      auth?: AuthState;
    }
  }
}

/**
 * The parts of an Express (4 or 5) request the middleware reads and writes.
 *
 * @example
 * ```ts
 * const req: ExpressRequestLike = {
 *   method: 'GET',
 *   protocol: 'http',
 *   originalUrl: '/api/me',
 *   headers: { authorization: `Bearer ${jwt}` },
 * };
 * ```
 */
export interface ExpressRequestLike {
  readonly method: string;
  /** `https` sets the cookies `Secure` (behind a TLS proxy, set Express's `trust proxy`). */
  readonly protocol: string;
  /** The path and query as received, also inside mounted routers. */
  readonly originalUrl: string;
  readonly headers: { readonly authorization?: string | undefined; readonly cookie?: string | undefined };
  auth?: AuthState;
}

/**
 * The parts of an Express response the middleware uses.
 *
 * @example
 * ```ts
 * app.use((req, res: ExpressResponseLike, next) => next());
 * ```
 */
export interface ExpressResponseLike {
  status(code: number): this;
  set(field: Record<string, string>): this;
  append(field: string, value: string[]): this;
  json(body: unknown): unknown;
  end(): unknown;
}

/**
 * An Express middleware.
 *
 * @example
 * ```ts
 * const middleware: ExpressMiddleware = withAuth();
 * ```
 */
export type ExpressMiddleware = (
  req: ExpressRequestLike,
  res: ExpressResponseLike,
  next: (error?: unknown) => void,
) => Promise<void>;

/**
 * An Express route handler.
 *
 * @example
 * ```ts
 * const handler: ExpressHandler = signOut();
 * app.post('/sign-out', handler);
 * ```
 */
export type ExpressHandler = (
  req: ExpressRequestLike,
  res: ExpressResponseLike,
  next?: (error?: unknown) => void,
) => Promise<void>;

function browserRequest(req: ExpressRequestLike): BrowserRequest {
  return {
    method: req.method,
    url: requestUrl(req.protocol, req.originalUrl),
    authorization: req.headers.authorization,
    cookie: currentCookieHeader(req, req.headers.cookie),
  };
}

function middleware(options: AuthenticateRequestOptions | undefined, refuse: boolean): ExpressMiddleware {
  const sessions = createBrowserSessions(options);
  return async (req, res, next) => {
    const request = browserRequest(req);
    let result: Awaited<ReturnType<typeof sessions.handle>>;
    try {
      result = await sessions.handle(request);
    } catch (error) {
      next(error);
      return;
    }
    const { auth, setCookies, redirectTo } = result;
    req.auth = auth;
    rememberSetCookies(req, request.cookie, setCookies);
    if (setCookies.length > 0) res.append('Set-Cookie', setCookies);
    if (redirectTo !== null) {
      res.status(303).set(redirectHeaders(redirectTo)).end();
      return;
    }
    if (refuse && !auth.isSignedIn) {
      res.status(401).set(UNAUTHORIZED_HEADERS).json(unauthorizedBody(auth.reason));
      return;
    }
    next();
  };
}

/**
 * Sets `req.auth` on every request (signed in or not) and never refuses one. Options are those of
 * `verifyToken`; without a key source, `TESSERA_JWT_KEY` or `TESSERA_SECRET_KEY` is used. A bad
 * option throws here, at startup.
 *
 * With a secret key (`secretKey` or `TESSERA_SECRET_KEY`) it also keeps a browser session on the
 * app's origin (see `handleBrowserSession`): a GET or HEAD carrying `__tessera_handoff` is redeemed
 * and answered `303 See Other` to the same URL without it, setting the `__session` and
 * `__tessera_refresh` cookies; an expired cookie JWT is renewed with the refresh cookie, and both
 * cookies are cleared once the session is revoked or ended.
 *
 * @example
 * ```ts
 * import { getAuth, withAuth } from '@tessera/backend/express';
 *
 * app.use(withAuth());
 * app.get('/me', (req, res) => res.json({ userId: getAuth(req).userId }));
 * ```
 */
export function withAuth(options?: AuthenticateRequestOptions): ExpressMiddleware {
  return middleware(options, false);
}

/**
 * Admits only requests with a valid session JWT (`Authorization: Bearer` or the `__session` cookie),
 * setting `req.auth`; others get a 401 JSON error whose `meta.reason` says why. With a secret key it
 * redeems handoffs and renews JWTs first, like `withAuth()`.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { requireAuth } from '@tessera/backend/express';
 *
 * const app = express();
 * app.get('/api/me', requireAuth(), (req, res) => res.json({ userId: req.auth?.userId }));
 * ```
 */
export function requireAuth(options?: AuthenticateRequestOptions): ExpressMiddleware {
  return middleware(options, true);
}

/**
 * The auth state `withAuth()` or `requireAuth()` put on the request; throws a `ConfigurationError`
 * if neither ran.
 *
 * @example
 * ```ts
 * app.get('/me', requireAuth(), (req, res) => res.json({ userId: getAuth(req).userId }));
 * ```
 */
export function getAuth(req: { readonly auth?: AuthState | undefined }): AuthState {
  return authOrThrow(req.auth);
}

/**
 * A handler that signs the browser out (ends the session with the secret key, clears the `__session`
 * and `__tessera_refresh` cookies) and answers `303 See Other` to `redirectTo` (default `/`). Never
 * fails for a bad or missing token. A bad option throws here, at startup.
 *
 * @example
 * ```ts
 * import { signOut } from '@tessera/backend/express';
 *
 * app.post('/sign-out', signOut({ redirectTo: '/' }));
 * ```
 */
export function signOut(options?: SignOutOptions): ExpressHandler {
  const { redirectTo, auth } = signOutOptions(options);
  const sessions = createBrowserSessions(auth);
  return async (req, res, next) => {
    let setCookies: string[];
    try {
      ({ setCookies } = await sessions.signOut(browserRequest(req)));
    } catch (error) {
      // Express 4 does not catch a rejected handler: the error goes to the app's error handler.
      if (!next) throw error;
      next(error);
      return;
    }
    res.append('Set-Cookie', setCookies).status(303).set(redirectHeaders(redirectTo)).end();
  };
}

export type { SignOutOptions } from '../auth/adapter-support';
export type { AuthenticateRequestOptions, AuthState } from '../auth/authenticate-request';
export { REFRESH_COOKIE, SESSION_COOKIE } from '../auth/cookies';
