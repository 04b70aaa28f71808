import type { Context, MiddlewareHandler } from 'hono';
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
  type SignedInAuthState,
  sessionTokenFrom,
} from '../auth/authenticate-request';

/**
 * Options, or a function of the request context returning them (for runtimes such as Cloudflare
 * Workers where configuration lives in `c.env`).
 *
 * @example
 * ```ts
 * const options: HonoAuthOptions = (c) => ({ jwtKey: c.env.TESSERA_JWT_KEY });
 * ```
 */
export type HonoAuthOptions = AuthenticateRequestOptions | ((c: Context) => AuthenticateRequestOptions);

type Authenticate = ReturnType<typeof createAuthenticator>;

function authenticatorFor(options: HonoAuthOptions | undefined): (c: Context) => Authenticate {
  if (typeof options !== 'function') {
    const authenticate = createAuthenticator(withEnvironmentDefaults(options));
    return () => authenticate;
  }
  return (c) => createAuthenticator(withEnvironmentDefaults(options(c)));
}

function middleware<A extends AuthState>(options: HonoAuthOptions | undefined, refuse: boolean) {
  const authenticatorOf = authenticatorFor(options);
  const handler: MiddlewareHandler<{ Variables: { auth: A } }> = async (c, next) => {
    const token = sessionTokenFrom(c.req.header('authorization'), c.req.header('cookie'));
    const auth = await authenticatorOf(c)(token);
    c.set('auth', auth as A);
    if (refuse && !auth.isSignedIn) return c.json(unauthorizedBody(auth.reason), 401, UNAUTHORIZED_HEADERS);
    await next();
    return undefined;
  };
  return handler;
}

/**
 * Sets `c.get('auth')` on every request and never refuses one.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { getAuth, withAuth } from '@tessera/backend/hono';
 *
 * const app = new Hono();
 * app.use('*', withAuth({ jwtKey: process.env.TESSERA_JWT_KEY }));
 * app.get('/me', (c) => c.json({ userId: getAuth(c).userId }));
 * ```
 */
export function withAuth(options?: HonoAuthOptions): MiddlewareHandler<{ Variables: { auth: AuthState } }> {
  return middleware<AuthState>(options, false);
}

/**
 * Admits only requests with a valid session JWT; others get a 401 JSON error with `meta.reason`.
 *
 * @example
 * ```ts
 * app.get('/api/me', requireAuth(), (c) => c.json({ userId: c.get('auth').userId }));
 * ```
 */
export function requireAuth(
  options?: HonoAuthOptions,
): MiddlewareHandler<{ Variables: { auth: SignedInAuthState } }> {
  return middleware<SignedInAuthState>(options, true);
}

/**
 * The auth state set by `withAuth()` or `requireAuth()`; throws a `ConfigurationError` if neither ran.
 *
 * @example
 * ```ts
 * app.get('/me', (c) => c.json({ signedIn: getAuth(c).isSignedIn }));
 * ```
 */
export function getAuth(c: Context): AuthState {
  return authOrThrow(c.get('auth') as AuthState | undefined);
}

export type { AuthenticateRequestOptions, AuthState } from '../auth/authenticate-request';
