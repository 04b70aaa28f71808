import { TokenVerificationError } from '../errors';
import { type ClaimExpectations, checkClaims, readSessionClaims, type SessionClaims } from './claims';
import type { Rs256Crypto } from './crypto';
import { decodeJwt } from './decode';
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
 */
export function createVerifier(fields: {
  keys: KeyStore;
  crypto: Rs256Crypto;
  now: () => number;
  cacheSize: number;
}): TokenVerifier {
  const { keys, crypto, now } = fields;
  const cache = new VerifiedTokenCache(fields.cacheSize);

  async function verifyFully(
    token: string,
    expectations: ClaimExpectations,
    clockSkewInMs: number,
  ): Promise<SessionClaims> {
    const decoded = decodeJwt(token);
    const key = await keys.getKey(decoded.kid);
    const valid = await crypto.verify(key, decoded.signingInput, decoded.signature).catch(() => false);
    if (!valid) {
      throw new TokenVerificationError('token-invalid-signature', 'the signature does not verify');
    }
    const claims = readSessionClaims(decoded.payload);
    const failure = checkClaims(claims, expectations, clockSkewInMs, now());
    if (failure !== null) throw failure;
    cache.set(token, { claims, verifiedAt: now(), generation: keys.generation() });
    return claims;
  }

  return {
    cache,
    verify(token, expectations, clockSkewInMs) {
      const entry = cache.get(token);
      if (
        entry === undefined ||
        entry.generation !== keys.generation() ||
        now() - entry.verifiedAt >= keys.reuseForMs
      ) {
        return verifyFully(token, expectations, clockSkewInMs);
      }
      const cached = entry.claims;
      const failure: TokenVerificationError | null = checkClaims(cached, expectations, clockSkewInMs, now());
      if (failure === null) return Promise.resolve(cached);
      if (failure.reason === 'token-expired') cache.delete(token);
      return Promise.reject(failure);
    },
  };
}
