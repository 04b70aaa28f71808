import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeCrypto } from '../src/verify/crypto-node';
import { remoteKeyStore } from '../src/verify/key-store';
import { DEFAULT_VERIFIED_TOKEN_CACHE_SIZE } from '../src/verify/options';
import { VerifiedTokenCache } from '../src/verify/verified-cache';
import { createVerifier } from '../src/verify/verifier';
import { claimsAt, makeKey, signJwt, type TestKey, testClock } from './support/jwt';

// The guarantees the cache of verified tokens owes, beyond speed: see docs/BENCHMARKS.md.
const START = 1_800_000_000_000;
const JWKS_TTL_MS = 60_000;
let retired: TestKey;
let current: TestKey;

beforeAll(() => {
  retired = makeKey('kid_retired');
  current = makeKey('kid_current');
});

describe('the cache of verified tokens', () => {
  it("refuses a revoked key's tokens, cached ones included, once the JWKS is fetched again", async () => {
    const clock = testClock(START);
    let published = [retired.jwk, current.jwk];
    const keys = remoteKeyStore({
      load: async () => ({ keys: published }),
      crypto: nodeCrypto,
      ttlMs: JWKS_TTL_MS,
      now: clock.now,
    });
    const verifier = createVerifier({ keys, crypto: nodeCrypto, now: clock.now, cacheSize: 100 });
    const fromRetired = signJwt(retired, claimsAt(START, { exp: Math.floor(START / 1000) + 3600 }));
    const fromCurrent = signJwt(current, claimsAt(START, { exp: Math.floor(START / 1000) + 3600 }));
    await verifier.verify(fromRetired, {}, 0);
    await verifier.verify(fromCurrent, {}, 0);
    expect(verifier.cache.size).toBe(2);

    // The key is revoked: it leaves the JWKS. Until the set is fetched again, nothing has changed.
    published = [current.jwk];
    clock.advance(JWKS_TTL_MS - 1);
    await expect(verifier.verify(fromRetired, {}, 0)).resolves.toBeDefined();
    // Past the JWKS lifetime the set is refetched, and the retired key's token, cached or not, is refused.
    clock.advance(1);
    await expect(verifier.verify(fromRetired, {}, 0)).rejects.toMatchObject({ reason: 'token-unknown-kid' });
    await expect(verifier.verify(fromCurrent, {}, 0)).resolves.toBeDefined();
  });

  it('stays bounded under a million distinct tokens', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const cache = new VerifiedTokenCache(DEFAULT_VERIFIED_TOKEN_CACHE_SIZE);
    const claims = { sub: 'user_1', sid: 'sess_1' } as never;
    // Shaped like RS256 JWTs: a shared header, a distinct payload, and a distinct 342-character signature.
    const header = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImtpZF8xIiwidHlwIjoiSldUIn0';
    const filler = 'x'.repeat(330);
    const tokenNumber = (i: number) =>
      `${header}.eyJzaWQiOiJzZXNzXy${i}.${filler}${String(i).padStart(12, '0')}`;

    for (let i = 0; i < DEFAULT_VERIFIED_TOKEN_CACHE_SIZE; i++) {
      cache.set(tokenNumber(i), { claims, verifiedAt: i, generation: 1 });
    }
    gc();
    const full = process.memoryUsage().heapUsed;
    for (let i = DEFAULT_VERIFIED_TOKEN_CACHE_SIZE; i < 1_000_000; i++) {
      cache.set(tokenNumber(i), { claims, verifiedAt: i, generation: 1 });
    }
    gc();
    const growth = process.memoryUsage().heapUsed - full;

    expect(cache.size).toBe(DEFAULT_VERIFIED_TOKEN_CACHE_SIZE);
    expect(cache.get(tokenNumber(999_999))).toBeDefined();
    expect(cache.get(tokenNumber(0))).toBeUndefined();
    // A million tokens are about 400 MB of text; once full, the cache holds no more than it did.
    expect(growth).toBeLessThan(8 * 1024 * 1024);
  });
});
