import { TokenVerificationError, type TokenVerificationReason } from '../errors';
import { type ActorClaim, invalidClaim, type SessionClaims } from '../verify/claims';
import type { VerifyTokenOptions } from '../verify/options';
import { type Resolution, resolveVerification } from '../verify/resolution';
import { readCookie, SESSION_COOKIE } from './cookies';
import { createHas, type HasParams, hasNothing } from './has';
import { type OrganizationAuth, organizationOf } from './organization';

/**
 * A request with a valid session JWT: who, in which organization (`orgId`, `orgRole`, `orgSlug`,
 * `orgPermissions`, null without one), and `has()` to check a role or permission there. Frozen, and
 * the same object for every request bearing the same token.
 *
 * @example
 * ```ts
 * if (auth.isSignedIn) console.log(auth.userId, auth.sessionId, auth.actor?.type, auth.orgId);
 * if (auth.has({ permission: 'org:invoices:read' })) showInvoices();
 * ```
 */
export interface SignedInAuthState extends OrganizationAuth {
  readonly isSignedIn: true;
  readonly userId: string;
  readonly sessionId: string;
  /** Present when the session was not started by the user (e.g. a test session token). */
  readonly actor: ActorClaim | null;
  /** Minutes since the first factor and the second (-1: none) were verified, from `fva`. */
  readonly factorVerificationAge: readonly [number, number] | null;
  /**
   * True when the active organization grants what is asked: `{ role }`, `{ permission }` or both (as
   * Clerk's `has`: the `org:` prefix is optional; false outside an organization or when nothing is
   * asked).
   */
  has(params: HasParams): boolean;
  /** The verified claims, `sid` included (claims without one are not a session). */
  readonly claims: SessionClaims & { readonly sid: string };
  readonly reason: null;
}

/**
 * A request without a valid session JWT, and precisely why (`token-missing`, `token-expired`, ...; a
 * JWT made from a JWT template, which has no `sid`, is `token-invalid-claims`).
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
  readonly orgId: null;
  readonly orgRole: null;
  readonly orgSlug: null;
  readonly orgPermissions: null;
  readonly factorVerificationAge: null;
  /** Always false. */
  has(params: HasParams): false;
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

/**
 * The last header read and its token. Matching a header scans every character of its JWT (about half
 * a microsecond), and what it yields depends on the text alone, so the next request bearing the same
 * header (one user, many requests) costs a string comparison.
 */
let lastAuthorization: string | undefined;
let lastBearerToken: string | null = null;

/** The JWT of an `Authorization: Bearer` header, or null. */
export function bearerTokenFrom(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
  if (authorization !== lastAuthorization) {
    lastBearerToken = BEARER.exec(authorization)?.[1] ?? null;
    lastAuthorization = authorization;
  }
  return lastBearerToken;
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
  return {
    isSignedIn: false,
    userId: null,
    sessionId: null,
    actor: null,
    orgId: null,
    orgRole: null,
    orgSlug: null,
    orgPermissions: null,
    factorVerificationAge: null,
    has: hasNothing as (params: HasParams) => false,
    claims: null,
    reason,
  };
}

/** A session JWT's claims have a session id; a JWT made from a JWT template's have none. */
const isSession = (claims: SessionClaims): claims is SessionClaims & { readonly sid: string } =>
  typeof claims.sid === 'string' && claims.sid !== '';

const isFactorAges = (value: unknown): value is readonly [number, number] =>
  Array.isArray(value) &&
  value.length === 2 &&
  value.every((age) => typeof age === 'number' && Number.isFinite(age));

/**
 * The signed-in state of verified claims, decoded once per claims object: the verifier hands out the
 * same frozen claims for every verification of a cached token, so a repeated token costs one lookup.
 */
const signedInStates = new WeakMap<SessionClaims, SignedInAuthState>();

/**
 * The signed-in auth state of claims `verifyToken` returned: the user, the session, the active
 * organization decoded from `o` and `fea` (as `@clerk/shared` decodes them), `factorVerificationAge`
 * from `fva`, and `has()`. What `authenticateRequest` and the adapters answer for a valid token,
 * computed once per verified token. Throws `TokenVerificationError` (`token-invalid-claims`) when
 * `sid` is absent (a JWT made from a JWT template is not a session), or when `o`, `fea` or `fva` has
 * the wrong shape; `authenticateRequest` answers signed out instead.
 *
 * @example
 * ```ts
 * import { authFromClaims, verifyToken } from '@tessera/backend';
 *
 * const auth = authFromClaims(await verifyToken(jwt, { jwtKey }));
 * auth.orgId; // 'org_...', or null
 * auth.has({ role: 'org:admin' });
 * ```
 */
export function authFromClaims(claims: SessionClaims): SignedInAuthState {
  let state = signedInStates.get(claims);
  if (state === undefined) {
    if (!isSession(claims)) {
      throw invalidClaim('sid', 'is absent: a JWT made from a JWT template is not a session');
    }
    const organization = organizationOf(claims);
    const fva: unknown = claims.fva;
    if (fva !== undefined && !isFactorAges(fva)) throw invalidClaim('fva', 'must be two numbers of minutes');
    state = Object.freeze({
      isSignedIn: true,
      userId: claims.sub,
      sessionId: claims.sid,
      actor: claims.act ?? null,
      ...organization,
      factorVerificationAge: fva ?? null,
      has: createHas(organization),
      claims,
      reason: null,
    });
    signedInStates.set(claims, state);
  }
  return state;
}

/** The signed-out state of a refusal; anything but a `TokenVerificationError` is rethrown. */
function signedOutFor(error: unknown): SignedOutAuthState {
  if (error instanceof TokenVerificationError) return signedOut(error.reason);
  throw error;
}

function signedInOrOut(claims: SessionClaims): AuthState {
  try {
    return authFromClaims(claims);
  } catch (error) {
    return signedOutFor(error);
  }
}

/** The auth state of `token` under a resolution: signed out with the reason of any refusal. */
function authenticateWith(resolution: Resolution, token: string | null): Promise<AuthState> {
  if (token === null) return Promise.resolve(signedOut('token-missing'));
  const { verifier, expectations, clockSkewInMs } = resolution;
  return verifier.verify(token, expectations, clockSkewInMs).then(signedInOrOut, signedOutFor);
}

/**
 * Creates the authenticator the adapters use: options validated now (a bad one throws a
 * `ConfigurationError` at once), tokens verified per call. Never rejects for a bad token.
 */
export function createAuthenticator(
  options: AuthenticateRequestOptions,
): (token: string | null) => Promise<AuthState> {
  let resolution = resolveVerification(options);
  return (token) => {
    if (token === null) return Promise.resolve(signedOut('token-missing'));
    try {
      // Options changed in place since are honoured; unchanged ones cost a comparison.
      resolution = resolveVerification(options, resolution);
    } catch (error) {
      return Promise.reject(error);
    }
    return authenticateWith(resolution, token);
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
export function authenticateRequest(
  request: Request,
  options: AuthenticateRequestOptions,
): Promise<AuthState> {
  try {
    const resolution = resolveVerification(options);
    const { headers } = request;
    return authenticateWith(
      resolution,
      sessionTokenFrom(headers.get('authorization'), headers.get('cookie')),
    );
  } catch (error) {
    return Promise.reject(error);
  }
}
