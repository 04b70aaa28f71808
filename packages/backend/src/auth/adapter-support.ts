import { ConfigurationError, type TokenVerificationReason } from '../errors';
import { readEnv } from '../internal/env';
import type { AuthenticateRequestOptions, AuthState } from './authenticate-request';
import { cookieHeaderAfter, SESSION_COOKIE } from './cookies';

/**
 * Adapter options with the environment as fallback: when no key source is given, `TESSERA_JWT_KEY`
 * (a PEM; `\n` escapes accepted) and then `TESSERA_SECRET_KEY` (with `TESSERA_API_URL`) are used.
 * With none of them, it throws a `ConfigurationError` naming all five, since any one would do.
 */
export function withEnvironmentDefaults(
  options: AuthenticateRequestOptions = {},
): AuthenticateRequestOptions {
  if (options.jwtKey !== undefined || options.jwksUrl !== undefined || options.secretKey !== undefined) {
    return options;
  }
  const jwtKey = readEnv('TESSERA_JWT_KEY');
  if (jwtKey !== undefined) return { ...options, jwtKey: jwtKey.replace(/\\n/g, '\n') };
  const secretKey = readEnv('TESSERA_SECRET_KEY');
  if (secretKey !== undefined) return { ...options, secretKey };
  throw new ConfigurationError(
    'jwtKey',
    'or jwksUrl or secretKey is required to verify session tokens: pass one, or set TESSERA_JWT_KEY (the instance’s public key as PEM) or TESSERA_SECRET_KEY in the environment',
  );
}

/** The JSON body of the adapters' 401, in the shape of a tessera error reply. */
export function unauthorizedBody(reason: TokenVerificationReason) {
  return {
    errors: [
      {
        code: 'authentication_invalid',
        message: 'Unauthenticated',
        long_message: `A valid session token is required (Authorization: Bearer <jwt> or the ${SESSION_COOKIE} cookie).`,
        meta: { reason },
      },
    ],
  };
}

/** Headers of the adapters' 401 (RFC 6750). */
export const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer error="invalid_token"' } as const;

/**
 * Options of the adapters' `signOut()`: those of `withAuth()` (a secret key is needed to end the
 * session; without one the cookies are only cleared), and where to send the browser afterwards.
 *
 * @example
 * ```ts
 * app.post('/sign-out', signOut({ redirectTo: '/goodbye' }));
 * ```
 */
export type SignOutOptions = AuthenticateRequestOptions & {
  /** Where the 303 goes once signed out: a path on the app, or an absolute URL. Default `/`. */
  readonly redirectTo?: string | undefined;
};

/** Splits `signOut()` options, checking `redirectTo` at once. */
export function signOutOptions(options: SignOutOptions = {}): {
  redirectTo: string;
  auth: AuthenticateRequestOptions;
} {
  const { redirectTo = '/', ...auth } = options;
  if (typeof redirectTo !== 'string' || redirectTo === '') {
    throw new ConfigurationError('redirectTo', 'must be a non-empty path or URL');
  }
  return { redirectTo, auth };
}

/** Headers of a 303 that sets session cookies: never cached, and no URL leaked as a referrer. */
export function redirectHeaders(location: string): Record<string, string> {
  return { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };
}

/**
 * A URL for the browser flow from a Node request's scheme, `Host` and target (`/path?query`, or the
 * absolute form): the request's own origin and the page's path and query. A missing or malformed
 * host gives a placeholder that no `Origin` header matches.
 */
export function requestUrl(protocol: string, host: string | null | undefined, target: string): URL {
  const scheme = protocol.replace(/:$/, '') === 'https' ? 'https' : 'http';
  let pathAndQuery = target;
  if (!target.startsWith('/')) {
    try {
      const absolute = new URL(target);
      pathAndQuery = absolute.pathname + absolute.search;
    } catch {
      pathAndQuery = '/';
    }
  }
  const origin = originOf(scheme, host);
  try {
    return new URL(`${origin}${pathAndQuery}`);
  } catch {
    return new URL(`${origin}/`);
  }
}

const PLACEHOLDER_HOST = 'app.invalid';

function originOf(scheme: string, host: string | null | undefined): string {
  // Only a bare host[:port]: anything with a path, credentials or a second host is not one.
  if (!host || !/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) {
    return `${scheme}://${PLACEHOLDER_HOST}`;
  }
  try {
    return new URL(`${scheme}://${host}`).origin;
  } catch {
    return `${scheme}://${PLACEHOLDER_HOST}`;
  }
}

/** Per request: the cookies as an earlier tessera middleware on the same request left them. */
const cookiesAfterEarlierMiddleware = new WeakMap<object, string>();

/**
 * The `Cookie` header an earlier `withAuth()` / `requireAuth()` on the same request (any per-request
 * object) renewed or cleared, for a later one to read instead of the received header; undefined when
 * none did. So `app.use(withAuth())` plus `requireAuth()` on a route refreshes once, not twice.
 */
export function cookieHeaderRenewedFor(request: object): string | undefined {
  return cookiesAfterEarlierMiddleware.get(request);
}

export function rememberSetCookies(
  request: object,
  cookieHeader: string | null | undefined,
  setCookies: readonly string[],
): void {
  if (setCookies.length > 0) {
    cookiesAfterEarlierMiddleware.set(request, cookieHeaderAfter(cookieHeader, setCookies));
  }
}

export function authOrThrow(auth: AuthState | undefined): AuthState {
  if (auth === undefined) {
    throw new ConfigurationError('middleware', 'withAuth() or requireAuth() must run before getAuth()');
  }
  return auth;
}
