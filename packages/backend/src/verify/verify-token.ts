import { TokenVerificationError } from '../errors';
import type { SessionClaims } from './claims';
import type { VerifyTokenOptions } from './options';
import { type Resolution, resolveVerification } from './resolution';

/**
 * Verifies a JWT the tessera instance signed, without a network call per request: a session JWT, or
 * one made from a JWT template (same keys; no `sid`, so not a session: `authFromClaims`,
 * `authenticateRequest` and the adapters refuse it). RS256 only (refusing `none`,
 * HMAC and any other algorithm), signature, `exp`/`nbf`/`iat` within `clockSkewMs`, and `issuer` /
 * `authorizedParties` when given. Keys are imported once and cached; a JWKS is cached for
 * `jwksCacheTtlMs` and refetched once on an unknown `kid`. A token verified before is recognised
 * from a bounded cache and only its time and issuer checks run again. Options may be written anew
 * on every call, as below: equal options (key by key, lists item by item) share the key and its
 * cache, and each call's own `issuer`, `authorizedParties`, clock and skew are what its checks use.
 *
 * Rejects with `TokenVerificationError` (see `reason`) for a bad token, and with
 * `ConfigurationError` for bad options. Messages never contain the token.
 *
 * @example
 * ```ts
 * import { verifyToken } from '@tessera/backend';
 *
 * const claims = await verifyToken(jwt, { jwtKey: process.env.TESSERA_JWT_KEY });
 * claims.sub; // the user id
 * claims.sid; // the session id; undefined in a JWT made from a JWT template
 * ```
 */
export function verifyToken(token: string, options: VerifyTokenOptions): Promise<SessionClaims> {
  let resolution: Resolution;
  try {
    resolution = resolveVerification(options);
  } catch (error) {
    return Promise.reject(error);
  }
  if (typeof token !== 'string' || token === '') {
    return Promise.reject(new TokenVerificationError('token-missing', 'no token was given'));
  }
  return resolution.verifier.verify(token, resolution.expectations, resolution.clockSkewInMs);
}
