import { beforeAll, describe, expect, it } from 'vitest';
import type { Rs256Crypto } from '../src/verify/crypto';
import { nodeCrypto } from '../src/verify/crypto-node';
import { webCrypto } from '../src/verify/crypto-web';
import { pemKeyStore, remoteKeyStore } from '../src/verify/key-store';
import { platformCrypto } from '../src/verify/platform-crypto';
import { platformCrypto as nodePlatformCrypto } from '../src/verify/platform-crypto.node';
import { createVerifier } from '../src/verify/verifier';
import { claimsAt, makeKey, seconds, signJwt, type TestKey, testClock } from './support/jwt';

const START = 1_800_000_000_000;
let key: TestKey;
let other: TestKey;

beforeAll(() => {
  key = makeKey('kid_a');
  other = makeKey('kid_b');
});

function counting(crypto: Rs256Crypto) {
  const counts = { verify: 0, importPem: 0, importJwk: 0 };
  const wrapped: Rs256Crypto = {
    name: crypto.name,
    importPem: (pem) => {
      counts.importPem++;
      return crypto.importPem(pem);
    },
    importJwk: (jwk) => {
      counts.importJwk++;
      return crypto.importJwk(jwk);
    },
    verify: (k, input, signature) => {
      counts.verify++;
      return crypto.verify(k, input, signature);
    },
  };
  return { crypto: wrapped, counts };
}

it('the portable build uses crypto.subtle; the "node" build swaps in node:crypto', () => {
  expect(platformCrypto.name).toBe('web');
  expect(nodePlatformCrypto.name).toBe('node');
});

describe.each([webCrypto, nodeCrypto])('$name RS256', (crypto) => {
  function verifierWith(cacheSize = 100) {
    const clock = testClock(START);
    const counted = counting(crypto);
    const verifier = createVerifier({
      keys: pemKeyStore(key.publicPem, counted.crypto),
      crypto: counted.crypto,
      now: clock.now,
      cacheSize,
    });
    return { verifier, clock, counts: counted.counts };
  }

  it('verifies a good signature and refuses a foreign one', async () => {
    const { verifier } = verifierWith();
    await expect(verifier.verify(signJwt(key, claimsAt(START)), {}, 5000)).resolves.toMatchObject({ v: 2 });
    await expect(verifier.verify(signJwt(other, claimsAt(START)), {}, 5000)).rejects.toMatchObject({
      reason: 'token-invalid-signature',
    });
  });

  it('imports the key once, and verifies a repeated token once', async () => {
    const { verifier, counts } = verifierWith();
    const jwt = signJwt(key, claimsAt(START));
    for (let i = 0; i < 5; i++) await verifier.verify(jwt, {}, 5000);
    await verifier.verify(signJwt(key, claimsAt(START, { sid: 'sess_2' })), {}, 5000);
    expect(counts).toEqual({ importPem: 1, importJwk: 0, verify: 2 });
  });

  it('a cached token is refused from the second its exp (+ skew) passes, and dropped', async () => {
    const { verifier, clock, counts } = verifierWith();
    const jwt = signJwt(key, claimsAt(START));
    const exp = (seconds(START) + 60) * 1000;
    await verifier.verify(jwt, {}, 0);
    clock.set(exp - 1);
    await expect(verifier.verify(jwt, {}, 0)).resolves.toBeDefined();
    expect(verifier.cache.size).toBe(1);
    clock.set(exp);
    await expect(verifier.verify(jwt, {}, 0)).rejects.toMatchObject({ reason: 'token-expired' });
    expect(verifier.cache.size).toBe(0);
    expect(counts.verify).toBe(1);
  });

  it('the issuer and party checks still run on a cached token', async () => {
    const { verifier } = verifierWith();
    const jwt = signJwt(key, claimsAt(START, { azp: 'https://app.test' }));
    await verifier.verify(jwt, {}, 5000);
    await expect(verifier.verify(jwt, { issuer: 'https://evil.test' }, 5000)).rejects.toMatchObject({
      reason: 'token-invalid-issuer',
    });
    await expect(verifier.verify(jwt, { authorizedParties: ['https://x.test'] }, 5000)).rejects.toMatchObject(
      {
        reason: 'token-invalid-authorized-party',
      },
    );
  });

  it('the cache is bounded, oldest out first; size 0 disables it', async () => {
    const { verifier } = verifierWith(3);
    const tokens = Array.from({ length: 10 }, (_, i) => signJwt(key, claimsAt(START, { sid: `sess_${i}` })));
    for (const jwt of tokens) await verifier.verify(jwt, {}, 5000);
    expect(verifier.cache.size).toBe(3);
    expect(verifier.cache.get(tokens[9]!)).toBeDefined();
    expect(verifier.cache.get(tokens[6]!)).toBeUndefined();

    const uncached = verifierWith(0);
    await uncached.verifier.verify(tokens[0]!, {}, 5000);
    await uncached.verifier.verify(tokens[0]!, {}, 5000);
    expect(uncached.verifier.cache.size).toBe(0);
    expect(uncached.counts.verify).toBe(2);
  });

  it('failed tokens are never cached', async () => {
    const { verifier } = verifierWith();
    await verifier.verify(signJwt(other, claimsAt(START)), {}, 5000).catch(() => undefined);
    await verifier.verify(signJwt(key, claimsAt(START - 600_000)), {}, 5000).catch(() => undefined);
    expect(verifier.cache.size).toBe(0);
  });

  it('JWKS keys are imported once and kept across refetches', async () => {
    const counted = counting(crypto);
    const clock = testClock(START);
    const keys = remoteKeyStore({
      load: async () => ({ keys: [key.jwk] }),
      crypto: counted.crypto,
      ttlMs: 10_000,
      now: clock.now,
    });
    await keys.getKey('kid_a');
    clock.advance(10_000);
    await keys.getKey('kid_a');
    expect(counted.counts.importJwk).toBe(1);
  });

  it('refuses RSA keys under 2048 bits', async () => {
    const small = makeKey('small', 1024);
    await expect(crypto.importPem(small.publicPem)).rejects.toThrow();
    await expect(crypto.importJwk(small.jwk)).rejects.toThrow();
  });
});
