import { TokenVerificationError } from '../errors';

/**
 * The `act` claim: who is acting when the session was not started by the user themselves, e.g.
 * `{ sub: 'tst_...', type: 'test_session_token' }`.
 *
 * @example
 * ```ts
 * const actor: ActorClaim | undefined = claims.act;
 * if (actor?.type === 'test_session_token') console.log('signed in by a test');
 * ```
 */
export interface ActorClaim {
  readonly sub: string;
  readonly type?: string;
  readonly [claim: string]: unknown;
}

/**
 * The `o` claim (Clerk's session-token v2 form): the session's active organization. `rol` is the role
 * key without `org:`; `per` lists the custom permissions' actions and `fpm` holds, for each
 * organization feature of `fea` in turn, a decimal bit mask over `per` (least significant bit first).
 * Read it decoded: `authFromClaims(claims).orgPermissions`.
 *
 * @example
 * ```ts
 * const o: OrganizationClaim | undefined = claims.o; // { id: 'org_...', slg: 'acme', rol: 'admin', per: 'read', fpm: '1' }
 * ```
 */
export interface OrganizationClaim {
  readonly id: string;
  readonly slg?: string;
  readonly rol?: string;
  readonly per?: string;
  readonly fpm?: string;
}

/**
 * The verified claims of a JWT the tessera instance signed: a session JWT, or a JWT made from a JWT
 * template (`sessions.getToken(id, template)`), which has no `sid` (nor `v`, `sts`) and is not a
 * session. `iat`, `nbf` and `exp` are Unix seconds.
 *
 * @example
 * ```ts
 * const claims: SessionClaims = await verifyToken(jwt, { jwtKey });
 * claims.sub; // 'user_...'
 * claims.sid; // 'sess_...', or undefined for a JWT made from a JWT template
 * ```
 */
export interface SessionClaims {
  readonly iss: string;
  /** The user id. */
  readonly sub: string;
  /**
   * The session id: in every session JWT, absent from a JWT made from a JWT template.
   * `authenticateRequest`, the adapters and `authFromClaims` refuse claims without it.
   */
  readonly sid?: string;
  readonly iat: number;
  readonly exp: number;
  readonly nbf?: number;
  /** The origin the session was handed to, when known. */
  readonly azp?: string;
  readonly v?: number;
  readonly sts?: string;
  readonly act?: ActorClaim;
  /**
   * The active organization, if any (with `v: 2`), as signed; `authFromClaims` checks and decodes it.
   */
  readonly o?: OrganizationClaim;
  /** Features, scoped: `o:invoices,o:reports` (the organization's, in the order of `o.fpm`). */
  readonly fea?: string;
  /** Minutes since the first factor was verified, and since the second (-1: none). */
  readonly fva?: readonly [number, number];
  readonly [claim: string]: unknown;
}

/** What the caller expects of the claims beyond a valid signature. */
export interface ClaimExpectations {
  readonly issuer?: string | readonly string[] | ((issuer: string) => boolean) | undefined;
  readonly authorizedParties?: readonly string[] | undefined;
}

/** A `token-invalid-claims` refusal naming the claim (never its value). */
export function invalidClaim(claim: string, problem: string): TokenVerificationError {
  return new TokenVerificationError('token-invalid-claims', `the ${claim} claim ${problem}`);
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Checks the shape of a signed payload and freezes it; throws `token-invalid-claims`. `sid` is checked
 * when present only: a JWT made from a JWT template has none (whether the claims are a session's is
 * for `authFromClaims` to say).
 */
export function readClaims(payload: Record<string, unknown>): SessionClaims {
  for (const claim of ['iss', 'sub'] as const) {
    if (typeof payload[claim] !== 'string' || payload[claim] === '')
      throw invalidClaim(claim, 'must be a string');
  }
  if (payload.sid !== undefined && (typeof payload.sid !== 'string' || payload.sid === ''))
    throw invalidClaim('sid', 'must be a string');
  for (const claim of ['iat', 'exp'] as const) {
    if (!isNumber(payload[claim])) throw invalidClaim(claim, 'must be a number of seconds');
  }
  if (payload.nbf !== undefined && !isNumber(payload.nbf))
    throw invalidClaim('nbf', 'must be a number of seconds');
  if (payload.azp !== undefined && typeof payload.azp !== 'string')
    throw invalidClaim('azp', 'must be a string');
  const act = payload.act;
  if (act !== undefined) {
    if (typeof act !== 'object' || act === null || Array.isArray(act))
      throw invalidClaim('act', 'must be an object');
    if (typeof (act as { sub?: unknown }).sub !== 'string') throw invalidClaim('act.sub', 'must be a string');
    Object.freeze(act);
  }
  // Shared by every verification of a cached token, so frozen to the leaves (freezing undefined is a no-op).
  Object.freeze(payload.o);
  Object.freeze(payload.fva);
  return Object.freeze(payload) as SessionClaims;
}

function issuerMatches(expected: NonNullable<ClaimExpectations['issuer']>, issuer: string): boolean {
  if (typeof expected === 'string') return expected === issuer;
  if (typeof expected === 'function') return expected(issuer);
  return expected.includes(issuer);
}

/**
 * Time, issuer and authorized-party checks, run on every verification (cached or not). Returns the
 * failure instead of throwing, so the hot path stays cheap. Times in ms; claims in seconds.
 */
export function checkClaims(
  claims: SessionClaims,
  expectations: ClaimExpectations,
  clockSkewInMs: number,
  now: number,
): TokenVerificationError | null {
  if (now >= claims.exp * 1000 + clockSkewInMs) {
    return new TokenVerificationError('token-expired', 'the token has expired');
  }
  if (claims.nbf !== undefined && claims.nbf * 1000 > now + clockSkewInMs) {
    return new TokenVerificationError('token-not-active-yet', 'the token is not valid yet (nbf)');
  }
  if (claims.iat * 1000 > now + clockSkewInMs) {
    return new TokenVerificationError('token-issued-in-future', 'the token was issued in the future (iat)');
  }
  if (expectations.issuer !== undefined && !issuerMatches(expectations.issuer, claims.iss)) {
    return new TokenVerificationError('token-invalid-issuer', 'the iss claim is not the expected issuer');
  }
  const parties = expectations.authorizedParties;
  if (
    parties !== undefined &&
    parties.length > 0 &&
    claims.azp !== undefined &&
    !parties.includes(claims.azp)
  ) {
    return new TokenVerificationError(
      'token-invalid-authorized-party',
      'the azp claim is not an authorized party',
    );
  }
  return null;
}
