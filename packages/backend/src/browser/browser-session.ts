import { HANDOFF_PARAM, parse, redeemHandoffParams, refreshSessionParams } from '@tessera/wire';
import type { SessionsApi } from '../api/sessions';
import { withEnvironmentDefaults } from '../auth/adapter-support';
import {
  type AuthenticateRequestOptions,
  type AuthState,
  bearerTokenFrom,
  createAuthenticator,
  signedOut,
} from '../auth/authenticate-request';
import {
  clearSessionCookies,
  REFRESH_COOKIE,
  readCookie,
  SESSION_COOKIE,
  sessionCookieHeader,
} from '../auth/cookies';
import { createBackendApiClient } from '../client/create-client';
import { ApiResponseError, TesseraError } from '../errors';
import { readEnv } from '../internal/env';
import { requireSecretKey } from '../internal/validate';
import type { Session } from '../resources/session';
import { withoutQueryParam } from './query-param';
import { sharedFlows } from './shared-flows';
import { type SignOutRefusal, signOutRefusal } from './sign-out-guard';

export { withoutQueryParam } from './query-param';
export type { SignOutRefusal } from './sign-out-guard';

/**
 * Options of `handleBrowserSession`, `signOutBrowserSession` and the adapters: those of
 * `authenticateRequest`, where `secretKey` (default `TESSERA_SECRET_KEY`) also turns on the handoff
 * and refresh, sent to `apiUrl` (default `TESSERA_API_URL`, else `http://127.0.0.1:4000`) with
 * `fetch`. Without any key source, `TESSERA_JWT_KEY` verifies JWTs. Without a secret key, only JWTs
 * are verified, exactly as `authenticateRequest` does.
 *
 * @example
 * ```ts
 * const options: BrowserSessionOptions = {
 *   jwtKey: process.env.TESSERA_JWT_KEY, // networkless verification
 *   secretKey: process.env.TESSERA_SECRET_KEY, // handoff and refresh
 *   apiUrl: 'http://127.0.0.1:4000',
 * };
 * ```
 */
export type BrowserSessionOptions = AuthenticateRequestOptions;

/**
 * What `handleBrowserSession` decided for a request: who is signed in, the `Set-Cookie` values to
 * send, and, when the URL carried a handoff, where to redirect (303) so it leaves the address bar.
 *
 * @example
 * ```ts
 * const { auth, setCookies, redirectTo }: BrowserSessionResult = await handleBrowserSession(request);
 * ```
 */
export interface BrowserSessionResult {
  readonly auth: AuthState;
  /** `Set-Cookie` values (the session cookies set, renewed or cleared); often empty. */
  readonly setCookies: string[];
  /**
   * The request's path and query without `__tessera_handoff` (other parameters kept as they were),
   * relative to the app's origin; null when the request carried no handoff.
   */
  readonly redirectTo: string | null;
}

/**
 * What `signOutBrowserSession` did: the `Set-Cookie` values that clear the session cookies, or, for a
 * request that may not sign out (not a POST, or from another origin), why it was `refused` (then
 * nothing was ended and `setCookies` is empty).
 *
 * @example
 * ```ts
 * const { setCookies, refused }: SignOutResult = await signOutBrowserSession(request);
 * ```
 */
export interface SignOutResult {
  readonly setCookies: string[];
  readonly refused: SignOutRefusal | null;
}

/**
 * The parts of a request the browser flow reads. The scheme and host of `url` are the request's own
 * origin (a sign-out's `Origin` must match it); its path and query are the page's.
 */
export interface BrowserRequest {
  readonly method: string;
  readonly url: URL;
  readonly authorization: string | null | undefined;
  readonly cookie: string | null | undefined;
  /** The `Origin` header. */
  readonly origin: string | null | undefined;
  /** The `Sec-Fetch-Site` header. */
  readonly fetchSite: string | null | undefined;
}

export interface BrowserSessions {
  handle(request: BrowserRequest): Promise<BrowserSessionResult>;
  signOut(request: BrowserRequest): Promise<SignOutResult>;
}

/** Errors meaning the refresh token will never work again: the browser's cookies are cleared. */
const SESSION_GONE = new Set(['session_not_active', 'refresh_token_invalid']);
/** A request on the request path should fail fast when tessera is unreachable. */
const API_TIMEOUT_MS = 10_000;

type RefreshOutcome =
  | { readonly kind: 'refreshed'; readonly session: Session; readonly jwt: string }
  | { readonly kind: 'gone' }
  | { readonly kind: 'unavailable' };

function resolveSecretKey(options: BrowserSessionOptions): string | undefined {
  if (options.secretKey !== undefined) return requireSecretKey('secretKey', options.secretKey);
  const fromEnv = readEnv('TESSERA_SECRET_KEY');
  return fromEnv === undefined ? undefined : requireSecretKey('TESSERA_SECRET_KEY', fromEnv);
}

/**
 * The browser-session flow behind `handleBrowserSession`, `signOutBrowserSession` and the adapters.
 * Every option is validated here, at once (a `ConfigurationError` names the bad one).
 */
export function createBrowserSessions(options: BrowserSessionOptions = {}): BrowserSessions {
  const verifyOptions = withEnvironmentDefaults(options);
  const authenticate = createAuthenticator(verifyOptions);
  const secretKey = resolveSecretKey(options);
  const sessions: SessionsApi | null =
    secretKey === undefined
      ? null
      : createBackendApiClient({
          secretKey,
          apiUrl: options.apiUrl,
          apiVersion: options.apiVersion,
          fetch: options.fetch,
          timeoutMs: API_TIMEOUT_MS,
          maxRetries: 0,
        }).sessions;
  const clock = options.clock;
  const now = clock === undefined ? () => Date.now() : () => clock.now();
  /** Concurrent requests of one browser with an expired JWT share one refresh. */
  const refreshing = new Map<string, Promise<RefreshOutcome>>();

  const secondsLeft = (session: Session) => (session.expireAt - now()) / 1000;

  async function redeem(api: SessionsApi, request: BrowserRequest): Promise<BrowserSessionResult> {
    const redirectTo = withoutQueryParam(request.url, HANDOFF_PARAM);
    const handoff = request.url.searchParams.get(HANDOFF_PARAM);
    const refused = { auth: signedOut('token-missing'), setCookies: [], redirectTo };
    if (!parse(redeemHandoffParams, { handoff }, { unknownKeys: 'reject' }).ok) return refused;
    let redeemed: Awaited<ReturnType<SessionsApi['redeemHandoff']>>;
    try {
      redeemed = await api.redeemHandoff(handoff!);
    } catch (error) {
      // Replayed, expired, unknown, session revoked meanwhile, or tessera unreachable: signed out.
      if (error instanceof TesseraError) return refused;
      throw error;
    }
    const secure = request.url.protocol === 'https:';
    const maxAge = secondsLeft(redeemed.session);
    return {
      auth: await authenticate(redeemed.jwt),
      setCookies: [
        sessionCookieHeader(SESSION_COOKIE, redeemed.jwt, maxAge, secure),
        sessionCookieHeader(REFRESH_COOKIE, redeemed.refreshToken, maxAge, secure),
      ],
      redirectTo,
    };
  }

  async function callRefresh(api: SessionsApi, refreshToken: string): Promise<RefreshOutcome> {
    try {
      const { session, jwt } = await api.refresh(refreshToken);
      return { kind: 'refreshed', session, jwt };
    } catch (error) {
      if (error instanceof ApiResponseError && SESSION_GONE.has(error.code)) return { kind: 'gone' };
      // Unreachable, timed out, 5xx, ...: keep the cookies, the next request tries again.
      if (error instanceof TesseraError) return { kind: 'unavailable' };
      throw error;
    }
  }

  /**
   * A JWT past its `exp` on this clock. Verification still accepts it within the clock skew, but a
   * browser holding a refresh cookie renews it at once: a revoke then takes effect within one JWT
   * lifetime, not one lifetime plus the skew.
   */
  const isStale = (auth: AuthState) => auth.isSignedIn && auth.claims.exp * 1000 <= now();

  /**
   * Refreshes with the browser's refresh cookie when the cookie JWT is missing, stale or refused for
   * any reason (expired, or signed by a key rotated out of the JWKS); else null. The refresh token is
   * the credential here, so this admits no one the refresh would not.
   */
  function refreshFor(
    api: SessionsApi | null,
    request: BrowserRequest,
    auth: AuthState,
  ): Promise<RefreshOutcome> | null {
    if (api === null || (auth.isSignedIn && !isStale(auth))) return null;
    // An API client's Bearer token is its own business: only the browser's cookie session renews.
    if (bearerTokenFrom(request.authorization) !== null) return null;
    const refreshToken = readCookie(request.cookie, REFRESH_COOKIE);
    if (refreshToken === null) return null;
    const wellFormed = parse(
      refreshSessionParams,
      { refresh_token: refreshToken },
      { unknownKeys: 'reject' },
    ).ok;
    if (!wellFormed) return Promise.resolve({ kind: 'gone' });
    let pending = refreshing.get(refreshToken);
    if (pending === undefined) {
      pending = callRefresh(api, refreshToken).finally(() => refreshing.delete(refreshToken));
      refreshing.set(refreshToken, pending);
    }
    return pending;
  }

  const tokenOf = (request: BrowserRequest) =>
    bearerTokenFrom(request.authorization) ?? readCookie(request.cookie, SESSION_COOKIE);

  /** With a secret key: a handoff is redeemed, a stale or missing cookie JWT refreshed. */
  async function handleWithSessions(
    api: SessionsApi,
    request: BrowserRequest,
  ): Promise<BrowserSessionResult> {
    const method = request.method.toUpperCase();
    if ((method === 'GET' || method === 'HEAD') && request.url.searchParams.has(HANDOFF_PARAM)) {
      return redeem(api, request);
    }
    const auth = await authenticate(tokenOf(request));
    const pending = refreshFor(api, request, auth);
    if (pending === null) return { auth, setCookies: [], redirectTo: null };
    const secure = request.url.protocol === 'https:';
    const outcome = await pending;
    if (outcome.kind === 'gone') {
      const gone = auth.isSignedIn ? signedOut('token-expired') : auth;
      return { auth: gone, setCookies: clearSessionCookies(secure), redirectTo: null };
    }
    // tessera unreachable: a stale JWT still within the clock skew keeps the request signed in.
    if (outcome.kind === 'unavailable') return { auth, setCookies: [], redirectTo: null };
    return {
      auth: await authenticate(outcome.jwt),
      setCookies: [sessionCookieHeader(SESSION_COOKIE, outcome.jwt, secondsLeft(outcome.session), secure)],
      redirectTo: null,
    };
  }

  /** Without a secret key there is no handoff nor refresh: the JWT alone says who it is. */
  const verifiedOnly = (auth: AuthState): BrowserSessionResult => ({
    auth,
    setCookies: [],
    redirectTo: null,
  });

  return {
    handle(request) {
      if (sessions === null) return authenticate(tokenOf(request)).then(verifiedOnly);
      return handleWithSessions(sessions, request);
    },

    async signOut(request) {
      const refused = signOutRefusal(request);
      if (refused !== null) return { setCookies: [], refused };
      const setCookies = clearSessionCookies(request.url.protocol === 'https:');
      if (sessions === null) return { setCookies, refused: null };
      const auth = await authenticate(tokenOf(request));
      let sessionId = auth.sessionId;
      if (sessionId === null) {
        const outcome = await refreshFor(sessions, request, auth);
        if (outcome?.kind === 'refreshed') sessionId = outcome.session.id;
      }
      if (sessionId !== null) {
        try {
          await sessions.end(sessionId);
        } catch (error) {
          // Already ended or revoked, or tessera unreachable: the cookies are cleared all the same.
          if (!(error instanceof TesseraError)) throw error;
        }
      }
      return { setCookies, refused: null };
    },
  };
}

/**
 * The environment variables a flow for `options` reads, those its options leave out (each read is a
 * lookup in the process's environment, and a PEM is long): `TESSERA_JWT_KEY` without a key source,
 * `TESSERA_SECRET_KEY` without `secretKey`, and `TESSERA_API_URL` without `apiUrl` when there is a
 * secret key to call tessera with. Undefined in the place of the others.
 */
function environmentOf(options: BrowserSessionOptions): (string | undefined)[] {
  const keySource =
    options.jwtKey !== undefined || options.jwksUrl !== undefined || options.secretKey !== undefined;
  const secretKeyFromEnv = options.secretKey === undefined ? readEnv('TESSERA_SECRET_KEY') : undefined;
  const callsTessera = options.secretKey !== undefined || secretKeyFromEnv !== undefined;
  return [
    keySource ? undefined : readEnv('TESSERA_JWT_KEY'),
    secretKeyFromEnv,
    options.apiUrl !== undefined || !callsTessera ? undefined : readEnv('TESSERA_API_URL'),
  ];
}

/**
 * The flow for `options`, shared by every call with the same configuration (and so are its
 * refreshes in flight). Bad options throw on every call. Marked pure so that an app importing only
 * the client or `verifyToken` ships none of the browser flow.
 */
export const browserSessionsFor: (options: BrowserSessionOptions) => BrowserSessions =
  /* @__PURE__ */ sharedFlows(createBrowserSessions, environmentOf);

function browserRequestOf(request: Request): BrowserRequest {
  return {
    method: request.method,
    url: new URL(request.url),
    authorization: request.headers.get('authorization'),
    cookie: request.headers.get('cookie'),
    origin: request.headers.get('origin'),
    fetchSite: request.headers.get('sec-fetch-site'),
  };
}

/**
 * Who is signed in on a web-standard `Request` from a browser, carrying a tessera session onto the
 * app's own origin:
 *
 * - a GET or HEAD whose URL has `__tessera_handoff` redeems it (once, with the secret key), answers
 *   `setCookies` for `__session` (the JWT) and `__tessera_refresh` (the refresh token), both HttpOnly,
 *   SameSite=Lax, Path=/, Secure on https, for the rest of the session, and `redirectTo`: the same
 *   path and query without the parameter. A replayed, expired or unknown handoff gives a signed-out
 *   state, no cookies, and the same `redirectTo`;
 * - otherwise the JWT (`Authorization: Bearer` or the `__session` cookie) is verified; when the
 *   cookie's JWT is expired or absent and a `__tessera_refresh` cookie is present, a fresh JWT is
 *   fetched (`setCookies` renews `__session`), or both cookies are cleared once the session is no
 *   longer active. Concurrent requests with one refresh cookie share one refresh (for calls with
 *   the same configuration: options equal key by key, `fetch` and `clock` the same functions). If
 *   tessera cannot be reached for the refresh, the cookies are kept (the next request tries again)
 *   and the request is judged on its JWT alone: signed out when it has none or it is past `exp`
 *   plus the clock skew, still signed in when it is stale but within the skew.
 *
 * Without a secret key it only verifies JWTs, like `authenticateRequest`. Never throws for a bad token
 * or a failed call to tessera; only bad options throw (`ConfigurationError`). The JWT and the refresh
 * token only ever appear in `setCookies`.
 *
 * @example
 * ```ts
 * import { handleBrowserSession } from '@tessera/backend';
 *
 * export default {
 *   async fetch(request: Request) {
 *     const { auth, setCookies, redirectTo } = await handleBrowserSession(request, {
 *       secretKey: env.TESSERA_SECRET_KEY,
 *       apiUrl: env.TESSERA_API_URL,
 *     });
 *     const headers = new Headers();
 *     for (const cookie of setCookies) headers.append('Set-Cookie', cookie);
 *     if (redirectTo !== null) {
 *       headers.set('Location', redirectTo);
 *       return new Response(null, { status: 303, headers });
 *     }
 *     headers.set('Content-Type', 'text/plain');
 *     return new Response(auth.isSignedIn ? `Hello ${auth.userId}` : 'Signed out', { headers });
 *   },
 * };
 * ```
 */
export async function handleBrowserSession(
  request: Request,
  options: BrowserSessionOptions = {},
): Promise<BrowserSessionResult> {
  return browserSessionsFor(options).handle(browserRequestOf(request));
}

/**
 * Signs a browser out: ends the session of the request's JWT (`sessions.end`; when that JWT has
 * expired, the session its `__tessera_refresh` cookie is bound to) and answers the `Set-Cookie`
 * values that clear both cookies. Never throws for a bad or missing token, or when tessera cannot be
 * reached (the cookies are cleared all the same). Without a secret key it only clears the cookies.
 *
 * Only a POST from the app's own origin signs out; anything else is `refused` and changes nothing:
 * another method (answer 405 with `Allow: POST`), an `Origin` header naming another origin than the
 * request's own (scheme and `Host`, so a proxy must pass the original `Host` on), or a
 * `Sec-Fetch-Site` other than `same-origin` or `none` (`same-site` too: a sibling subdomain is
 * another app) (answer 403). A POST with neither `Origin` nor `Sec-Fetch-Site` (an old browser,
 * curl) is allowed: browsers that send cross-origin POSTs send at least one of them.
 *
 * @example
 * ```ts
 * import { signOutBrowserSession } from '@tessera/backend';
 *
 * if (url.pathname === '/sign-out') {
 *   const { setCookies, refused } = await signOutBrowserSession(request, { secretKey: env.TESSERA_SECRET_KEY });
 *   if (refused) {
 *     return Response.json({ errors: [{ code: refused.code }] }, { status: refused.status, headers: refused.headers });
 *   }
 *   const headers = new Headers({ Location: '/' });
 *   for (const cookie of setCookies) headers.append('Set-Cookie', cookie);
 *   return new Response(null, { status: 303, headers });
 * }
 * ```
 */
export async function signOutBrowserSession(
  request: Request,
  options: BrowserSessionOptions = {},
): Promise<SignOutResult> {
  return browserSessionsFor(options).signOut(browserRequestOf(request));
}
