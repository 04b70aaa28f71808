import { TokenVerificationError, type TokenVerificationReason } from '../errors';
import type { ActorClaim, SessionClaims } from '../verify/claims';
import type { VerifyTokenOptions } from '../verify/options';
import { resolveVerification } from '../verify/verify-token';
import { readCookie, SESSION_COOKIE } from './cookies';

/**
 * A request with a valid session JWT.
 *
 * @example
 * ```ts
 * if (auth.isSignedIn) console.log(auth.userId, auth.sessionId, auth.actor?.type);
 * ```
 */
export interface SignedInAuthState {
  readonly isSignedIn: true;
  readonly userId: string;
  readonly sessionId: string;
  /** Present when the session was not started by the user (e.g. a test session token). */
  readonly actor: ActorClaim | null;
  readonly claims: SessionClaims;
  readonly reason: null;
}

/**
 * A request without a valid session JWT, and precisely why (`token-missing`, `token-expired`, ...).
 *
 * @example
 * ```ts
 * if (!auth.isSignedIn) console.warn('refused:', auth.reason);
 * ```
 */
export interface SignedOutAuthState {
  readonly isSignedIn: false;
  readonly userId: null;
  readonly sessionId: null;
  readonly actor: null;
  readonly claims: null;
  readonly reason: TokenVerificationReason;
}

/**
 * Who is signed in on a request.
 *
 * @example
 * ```ts
 * const auth: AuthState = await authenticateRequest(request, { jwtKey });
 * ```
 */
export type AuthState = SignedInAuthState | SignedOutAuthState;

/**
 * Options of `authenticateRequest` and the framework adapters: those of `verifyToken`.
 *
 * @example
 * ```ts
 * const options: AuthenticateRequestOptions = { jwtKey: process.env.TESSERA_JWT_KEY, authorizedParties: ['https://app.example.com'] };
 * ```
 */
export type AuthenticateRequestOptions = VerifyTokenOptions;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The JWT of an `Authorization: Bearer` header, or null. */
export function bearerTokenFrom(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
  return BEARER.exec(authorization)?.[1] ?? null;
}

/**
 * The session token of a request: `Authorization: Bearer <jwt>` first, else the `__session` cookie.
 */
export function sessionTokenFrom(
  authorization: string | null | undefined,
  cookie: string | null | undefined,
): string | null {
  return bearerTokenFrom(authorization) ?? readCookie(cookie, SESSION_COOKIE);
}

export function signedOut(reason: TokenVerificationReason): SignedOutAuthState {
  return { isSignedIn: false, userId: null, sessionId: null, actor: null, claims: null, reason };
}

/**
 * Creates the authenticator the adapters use: options validated now (a bad one throws a
 * `ConfigurationError` at once), tokens verified per call. Never rejects for a bad token.
 */
export function createAuthenticator(
  options: AuthenticateRequestOptions,
): (token: string | null) => Promise<AuthState> {
  resolveVerification(options);
  return async (token) => {
    if (token === null) return signedOut('token-missing');
    const { verifier, options: resolved } = resolveVerification(options);
    try {
      const claims = await verifier.verify(token, resolved.expectations, resolved.clockSkewInMs);
      return {
        isSignedIn: true,
        userId: claims.sub,
        sessionId: claims.sid,
        actor: claims.act ?? null,
        claims,
        reason: null,
      };
    } catch (error) {
      if (error instanceof TokenVerificationError) return signedOut(error.reason);
      throw error;
    }
  };
}

/**
 * Who is signed in on a web-standard `Request`, from `Authorization: Bearer` or the `__session`
 * cookie. Never throws for a missing, malformed, expired or forged token: it answers
 * `isSignedIn: false` with a precise `reason`. Only bad options (a `ConfigurationError`) throw.
 *
 * @example
 * ```ts
 * import { authenticateRequest } from '@tessera/backend';
 *
 * export default {
 *   async fetch(request: Request) {
 *     const auth = await authenticateRequest(request, { jwtKey: env.TESSERA_JWT_KEY });
 *     if (!auth.isSignedIn) return new Response(auth.reason, { status: 401 });
 *     return Response.json({ userId: auth.userId });
 *   },
 * };
 * ```
 */
export async function authenticateRequest(
  request: Request,
  options: AuthenticateRequestOptions,
): Promise<AuthState> {
  const authenticate = createAuthenticator(options);
  return authenticate(sessionTokenFrom(request.headers.get('authorization'), request.headers.get('cookie')));
}
