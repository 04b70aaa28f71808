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
