import { TokenVerificationError } from '../errors';
import { type ClaimExpectations, checkClaims, readClaims, type SessionClaims } from './claims';
import type { Rs256Crypto } from './crypto';
import { type DecodedJwt, decodeJwt } from './decode';
import type { KeyStore } from './key-store';
import { VerifiedTokenCache } from './verified-cache';

export interface TokenVerifier {
  verify(token: string, expectations: ClaimExpectations, clockSkewInMs: number): Promise<SessionClaims>;
  readonly cache: VerifiedTokenCache;
}

/**
 * Verification against one key source: decode, header checks, key lookup, RS256 signature, claim
 * shape, then the per-call checks. A token that passes is remembered, so the next verification of
 * the same text costs a map lookup plus the time checks.
 *
 * Each step runs as soon as what it needs is at hand: with the key already imported and a
 * synchronous signature check (`node:crypto`), a verification runs start to end without awaiting
 * anything, and settles the one promise it returns. Otherwise it continues once the key or the
 * signature check resolves. The steps and their order are the same either way.
 */
export function createVerifier(fields: {
  keys: KeyStore;
  crypto: Rs256Crypto;
  now: () => number;
  cacheSize: number;
}): TokenVerifier {
  const { keys, crypto, now } = fields;
  const cache = new VerifiedTokenCache(fields.cacheSize);
  const decodeBase64Url = crypto.base64UrlToBytes;

  function invalidSignature(): TokenVerificationError {
    return new TokenVerificationError('token-invalid-signature', 'the signature does not verify');
  }

  /** After the signature verified: claim shape and checks, then into the cache. */
  function accept(
    token: string,
    decoded: DecodedJwt,
    expectations: ClaimExpectations,
    clockSkewInMs: number,
  ): SessionClaims {
    const claims = readClaims(decoded.payload);
    const at = now();
    const failure = checkClaims(claims, expectations, clockSkewInMs, at);
    if (failure !== null) throw failure;
    cache.set(token, { claims, verifiedAt: at, generation: keys.generation() });
    return claims;
  }

  /** The signature check, then the rest: synchronously when the crypto answers synchronously. */
  function checkSignature(
    token: string,
    decoded: DecodedJwt,
    key: unknown,
    expectations: ClaimExpectations,
    clockSkewInMs: number,
  ): SessionClaims | Promise<SessionClaims> {
    let valid: boolean | Promise<boolean>;
    try {
      valid = crypto.verify(key, decoded.signingInput, decoded.signature);
    } catch {
      valid = false;
    }
    if (typeof valid === 'boolean') {
      if (!valid) throw invalidSignature();
      return accept(token, decoded, expectations, clockSkewInMs);
    }
    return Promise.resolve(valid).then(
      (ok) => {
        if (ok !== true) throw invalidSignature();
        return accept(token, decoded, expectations, clockSkewInMs);
      },
      () => {
        throw invalidSignature();
      },
    );
  }

  function verifyFully(
    token: string,
    expectations: ClaimExpectations,
    clockSkewInMs: number,
  ): Promise<SessionClaims> {
    try {
      const decoded = decodeJwt(token, decodeBase64Url);
      const key = keys.keyIfReady(decoded.kid);
      const result =
        key !== undefined
          ? checkSignature(token, decoded, key, expectations, clockSkewInMs)
          : keys
              .getKey(decoded.kid)
              .then((found) => checkSignature(token, decoded, found, expectations, clockSkewInMs));
      return result instanceof Promise ? result : Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  return {
    cache,
    verify(token, expectations, clockSkewInMs) {
      const entry = cache.get(token);
      if (entry === undefined || entry.generation !== keys.generation()) {
        return verifyFully(token, expectations, clockSkewInMs);
      }
      const at = now();
      if (at - entry.verifiedAt >= keys.reuseForMs) return verifyFully(token, expectations, clockSkewInMs);
      const cached = entry.claims;
      const failure: TokenVerificationError | null = checkClaims(cached, expectations, clockSkewInMs, at);
      if (failure === null) return Promise.resolve(cached);
      if (failure.reason === 'token-expired') cache.delete(token);
      return Promise.reject(failure);
    },
  };
}
