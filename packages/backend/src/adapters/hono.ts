import type { Context, MiddlewareHandler } from 'hono';
import { authOrThrow, type SignOutOptions } from '../auth/adapter-support';
import type { AuthenticateRequestOptions, AuthState, SignedInAuthState } from '../auth/authenticate-request';
import type { BrowserRequest } from '../browser/browser-session';
import { optionsCopy, sameOptions } from '../browser/shared-flows';
import { type AdapterReply, AdapterRequest, authMiddleware, signOutRunner } from './runner';

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

/** Built once from fixed options (so a bad one throws at startup), or per request from `c`. */
function perContext<O extends object, T>(
  options: O | ((c: Context) => O) | undefined,
  create: (options: O | undefined) => T,
): (c: Context) => T {
  if (typeof options !== 'function') {
    const built = create(options);
    return () => built;
  }
  // The function usually returns equal options on every request (`{ jwtKey: c.env.KEY }`): the
  // last ones built are kept, so such a request costs a comparison, as fixed options cost nothing.
  let last: { readonly options: O; readonly built: T } | undefined;
  return (c) => {
    const current = options(c);
    if (last !== undefined && sameOptions(last.options, current)) return last.built;
    const built = create(current);
    last = { options: optionsCopy(current), built };
    return built;
  };
}

function browserRequest(c: Context): BrowserRequest {
  return new AdapterRequest(
    c.req.method,
    c.req.header('authorization'),
    () => c.req.header('cookie'),
    () => ({
      url: new URL(c.req.url),
      origin: c.req.header('origin'),
      fetchSite: c.req.header('sec-fetch-site'),
    }),
  );
}

const cookieName = (setCookie: string) => setCookie.slice(0, setCookie.indexOf('=')).trim();

function appendCookies(c: Context, setCookies: readonly string[]): void {
  for (const cookie of setCookies) c.header('Set-Cookie', cookie, { append: true });
}

function send(c: Context, reply: AdapterReply): Response {
  appendCookies(c, reply.setCookies);
  const status = reply.status as 303 | 401 | 403 | 405;
  const headers = { ...reply.headers };
  return reply.body === null ? c.body(null, status, headers) : c.json(reply.body, status, headers);
}

function middleware<A extends AuthState>(options: HonoAuthOptions | undefined, refuse: boolean) {
  const runOf = perContext(options, (fixed) => authMiddleware(fixed, refuse));
  const handler: MiddlewareHandler<{ Variables: { auth: A } }> = async (c, next) => {
    const outcome = await runOf(c)(browserRequest(c), c);
    c.set('auth', outcome.auth as A);
    if (outcome.kind === 'reply') return send(c, outcome.reply);
    await next();
    if (outcome.setCookies.length === 0) return undefined;
    // Added to the response the handler made (c.json, c.html or a `new Response`), unless the
    // handler set the same cookie itself (signOut() clearing it, for one): its word is the last.
    const setByHandler = new Set(c.res.headers.getSetCookie().map(cookieName));
    appendCookies(
      c,
      outcome.setCookies.filter((cookie) => !setByHandler.has(cookieName(cookie))),
    );
    return undefined;
  };
  return handler;
}

/**
 * Sets `c.get('auth')` on every request and never refuses one. With a secret key (`secretKey` or
 * `TESSERA_SECRET_KEY`) it also redeems a `__tessera_handoff` (a GET or HEAD is answered
 * `303 See Other` to the same URL without it, with the `__session` and `__tessera_refresh` cookies
 * set), renews an expired cookie JWT with the refresh cookie, and clears both cookies once the
 * session is revoked or ended (see `handleBrowserSession`).
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
 * Admits only requests with a valid session JWT; others get a 401 JSON error with `meta.reason`. With
 * a secret key it redeems handoffs and renews JWTs first, like `withAuth()`.
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

/**
 * `signOut()` options, or a function of the request context returning them.
 *
 * @example
 * ```ts
 * const options: HonoSignOutOptions = (c) => ({ secretKey: c.env.TESSERA_SECRET_KEY, redirectTo: '/' });
 * ```
 */
export type HonoSignOutOptions = SignOutOptions | ((c: Context) => SignOutOptions);

/**
 * A handler that signs the browser out (ends the session with the secret key, clears the `__session`
 * and `__tessera_refresh` cookies) and answers `303 See Other` to `redirectTo` (default `/`). Never
 * fails for a bad or missing token.
 *
 * Only a POST from the app's own origin (that of `c.req.url`) signs out (see
 * `signOutBrowserSession`): another method is answered 405 with `Allow: POST` (route it with
 * `app.all` to answer them), an `Origin` naming another origin or a cross-site or same-site
 * `Sec-Fetch-Site` 403 (`origin_invalid`). A POST with neither header (an old browser, curl) is
 * allowed.
 *
 * @example
 * ```ts
 * import { signOut } from '@tessera/backend/hono';
 *
 * app.post('/sign-out', signOut({ redirectTo: '/' }));
 * ```
 */
export function signOut(options?: HonoSignOutOptions): (c: Context) => Promise<Response> {
  const runOf = perContext(options, signOutRunner);
  return async (c) => send(c, await runOf(c)(browserRequest(c), c));
}

export type { SignOutOptions } from '../auth/adapter-support';
export type { AuthenticateRequestOptions, AuthState } from '../auth/authenticate-request';
export { REFRESH_COOKIE, SESSION_COOKIE } from '../auth/cookies';
