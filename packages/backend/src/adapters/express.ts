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
 * const req: ExpressRequestLike = { headers: { authorization: `Bearer ${jwt}` } };
 * ```
 */
export interface ExpressRequestLike {
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
  json(body: unknown): unknown;
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

function middleware(options: AuthenticateRequestOptions | undefined, refuse: boolean): ExpressMiddleware {
  const authenticate = createAuthenticator(withEnvironmentDefaults(options));
  return async (req, res, next) => {
    let auth: AuthState;
    try {
      auth = await authenticate(sessionTokenFrom(req.headers.authorization, req.headers.cookie));
    } catch (error) {
      next(error);
      return;
    }
    req.auth = auth;
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
 * setting `req.auth`; others get a 401 JSON error whose `meta.reason` says why.
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

export type { AuthenticateRequestOptions, AuthState } from '../auth/authenticate-request';
