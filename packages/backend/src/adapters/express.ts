import { authOrThrow, requestUrl, type SignOutOptions } from '../auth/adapter-support';
import type { AuthenticateRequestOptions, AuthState } from '../auth/authenticate-request';
import type { BrowserRequest } from '../browser/browser-session';
import { type AdapterReply, AdapterRequest, authMiddleware, signOutRunner } from './runner';

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
  readonly headers: {
    readonly authorization?: string | undefined;
    readonly cookie?: string | undefined;
    /** With `protocol`, the request's own origin, which a sign-out's `Origin` must match. */
    readonly host?: string | undefined;
    readonly origin?: string | undefined;
    readonly 'sec-fetch-site'?: string | string[] | undefined;
  };
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
  const { headers } = req;
  return new AdapterRequest(
    req.method,
    headers.authorization,
    () => headers.cookie,
    () => {
      const fetchSite = headers['sec-fetch-site'];
      return {
        url: requestUrl(req.protocol, headers.host, req.originalUrl),
        origin: headers.origin,
        fetchSite: Array.isArray(fetchSite) ? fetchSite.join(',') : fetchSite,
      };
    },
  );
}

function send(res: ExpressResponseLike, reply: AdapterReply): void {
  if (reply.setCookies.length > 0) res.append('Set-Cookie', [...reply.setCookies]);
  res.status(reply.status).set({ ...reply.headers });
  if (reply.body === null) res.end();
  else res.json(reply.body);
}

function middleware(options: AuthenticateRequestOptions | undefined, refuse: boolean): ExpressMiddleware {
  const run = authMiddleware(options, refuse);
  return async (req, res, next) => {
    let outcome: Awaited<ReturnType<typeof run>>;
    try {
      outcome = await run(browserRequest(req), req);
    } catch (error) {
      next(error);
      return;
    }
    req.auth = outcome.auth;
    if (outcome.kind === 'reply') {
      send(res, outcome.reply);
      return;
    }
    if (outcome.setCookies.length > 0) res.append('Set-Cookie', [...outcome.setCookies]);
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
 * Only a POST from the app's own origin signs out (see `signOutBrowserSession`): another method is
 * answered 405 with `Allow: POST`, an `Origin` naming another origin or a cross-site or same-site
 * `Sec-Fetch-Site` 403 (`origin_invalid`). A POST with neither header (an old browser, curl) is
 * allowed. The origin is `req.protocol` and the `Host` header: behind a proxy, set Express's
 * `trust proxy` and pass the original `Host` on. Route it with `app.all` to answer other methods.
 *
 * @example
 * ```ts
 * import { signOut } from '@tessera/backend/express';
 *
 * app.post('/sign-out', signOut({ redirectTo: '/' }));
 * ```
 */
export function signOut(options?: SignOutOptions): ExpressHandler {
  const run = signOutRunner(options);
  return async (req, res, next) => {
    let reply: AdapterReply;
    try {
      reply = await run(browserRequest(req), req);
    } catch (error) {
      // Express 4 does not catch a rejected handler: the error goes to the app's error handler.
      if (!next) throw error;
      next(error);
      return;
    }
    send(res, reply);
  };
}

export type { SignOutOptions } from '../auth/adapter-support';
export type { AuthenticateRequestOptions, AuthState } from '../auth/authenticate-request';
export { REFRESH_COOKIE, SESSION_COOKIE } from '../auth/cookies';
