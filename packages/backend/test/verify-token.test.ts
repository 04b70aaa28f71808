import {
  ConfigurationError,
  TokenVerificationError,
  type TokenVerificationReason,
  verifyToken,
} from '@tessera/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeFetch, jsonReply } from './support/fake-fetch';
import {
  claimsAt,
  hmacForgery,
  makeKey,
  respelled,
  seconds,
  signJwt,
  type TestKey,
  templateClaimsAt,
  testClock,
  unsignedJwt,
} from './support/jwt';
import { SECRET_KEY } from './support/wire-fixtures';

const START = 1_800_000_000_000;
let key: TestKey;
let otherKey: TestKey;

beforeAll(() => {
  key = makeKey('kid_a');
  otherKey = makeKey('kid_b');
});

async function reasonOf(promise: Promise<unknown>): Promise<TokenVerificationReason> {
  const error = await promise.then(
    () => {
      throw new Error('expected the token to be refused');
    },
    (e: unknown) => e,
  );
  if (!(error instanceof TokenVerificationError)) throw error;
  return error.reason;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('verifyToken with jwtKey (networkless)', () => {
  it('returns the claims of a valid token', async () => {
    const clock = testClock(START);
    const claims = await verifyToken(signJwt(key, claimsAt(START, { azp: 'https://app.test' })), {
      jwtKey: key.publicPem,
      clock,
    });
    expect(claims).toMatchObject({
      sub: 'user_2x0000000000000000000000000',
      sid: 'sess_2x0000000000000000000000000',
    });
    expect(claims.azp).toBe('https://app.test');
  });

  it.each<[string, () => string, TokenVerificationReason]>([
    ['two parts', () => 'abc.def', 'token-malformed'],
    ['a non-JSON header', () => `${Buffer.from('nope').toString('base64url')}.e30.c2ln`, 'token-malformed'],
    ['a non-base64url payload', () => `${b64({ alg: 'RS256', kid: 'kid_a' })}.%%%.c2ln`, 'token-malformed'],
    ['an empty signature', () => signJwt(key, claimsAt(START)).replace(/\.[^.]+$/, '.'), 'token-malformed'],
    ['an oversized token', () => `${'a'.repeat(20_000)}.b.c`, 'token-malformed'],
    ['alg none', () => unsignedJwt(claimsAt(START)), 'token-invalid-algorithm'],
    ['HS256 keyed with the public key', () => hmacForgery(key, claimsAt(START)), 'token-invalid-algorithm'],
    ['RS512 in the header', () => signJwt(key, claimsAt(START), { alg: 'RS512' }), 'token-invalid-algorithm'],
    ['typ other than JWT', () => signJwt(key, claimsAt(START), { typ: 'at+jwt' }), 'token-invalid-type'],
    ['a tampered payload', () => tamper(signJwt(key, claimsAt(START))), 'token-invalid-signature'],
    ['another key', () => signJwt(otherKey, claimsAt(START)), 'token-invalid-signature'],
    ['no sub', () => signJwt(key, claimsAt(START, { sub: undefined })), 'token-invalid-claims'],
    ['a numeric sid', () => signJwt(key, claimsAt(START, { sid: 7 })), 'token-invalid-claims'],
    ['an empty sid', () => signJwt(key, claimsAt(START, { sid: '' })), 'token-invalid-claims'],
    ['exp as text', () => signJwt(key, claimsAt(START, { exp: 'tomorrow' })), 'token-invalid-claims'],
    ['act without sub', () => signJwt(key, claimsAt(START, { act: { type: 'x' } })), 'token-invalid-claims'],
    ['an expired token', () => signJwt(key, claimsAt(START - 120_000)), 'token-expired'],
    ['nbf ahead', () => signJwt(key, claimsAt(START, { nbf: seconds(START) + 60 })), 'token-not-active-yet'],
    [
      'iat ahead',
      () => signJwt(key, claimsAt(START, { iat: seconds(START) + 60 })),
      'token-issued-in-future',
    ],
  ])('refuses %s', async (_, token, reason) => {
    const jwt = token();
    const error = await verifyToken(jwt, { jwtKey: key.publicPem, clock: testClock(START) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TokenVerificationError);
    expect((error as TokenVerificationError).reason).toBe(reason);
    expect((error as Error).message).not.toContain(jwt.split('.')[1]);
  });

  it('verifies a JWT made from a JWT template (no sid, v or sts; nbf set back), with every check', async () => {
    const clock = testClock(START);
    const base = { jwtKey: key.publicPem, clock };
    const jwt = signJwt(key, templateClaimsAt(START, { azp: 'https://app.test' }));
    const claims = await verifyToken(jwt, base);
    expect(claims).toMatchObject({ sub: 'user_2x0000000000000000000000000', email: 'ada@example.com' });
    expect(claims.sid).toBeUndefined();
    expect(Object.isFrozen(claims)).toBe(true);
    const checked = { ...base, issuer: 'http://127.0.0.1:4000', authorizedParties: ['https://app.test'] };
    await expect(verifyToken(jwt, checked)).resolves.toBe(claims);
    expect(await reasonOf(verifyToken(jwt, { ...base, issuer: 'https://evil.test' }))).toBe(
      'token-invalid-issuer',
    );
    expect(await reasonOf(verifyToken(jwt, { ...base, authorizedParties: ['https://other.test'] }))).toBe(
      'token-invalid-authorized-party',
    );
    expect(await reasonOf(verifyToken(signJwt(otherKey, templateClaimsAt(START)), base))).toBe(
      'token-invalid-signature',
    );
    clock.set((seconds(START) + 60) * 1000 + 5000);
    expect(await reasonOf(verifyToken(jwt, base))).toBe('token-expired');
  });

  it('refuses a validly signed token whose header has crit, every time (RFC 7515 §4.1.11)', async () => {
    const options = { jwtKey: key.publicPem, clock: testClock(START) };
    for (const crit of [['x-unknown'], [], ['exp']]) {
      const jwt = signJwt(key, claimsAt(START), { crit, 'x-unknown': true });
      for (let i = 0; i < 2; i++) {
        expect(await reasonOf(verifyToken(jwt, options))).toBe('token-unsupported-critical-header');
      }
    }
  });

  it('refuses another spelling of a valid signature (its unused trailing bits set)', async () => {
    const options = { jwtKey: key.publicPem, clock: testClock(START) };
    const jwt = signJwt(key, claimsAt(START));
    await expect(verifyToken(jwt, options)).resolves.toBeDefined();
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    const other = `${header}.${payload}.${respelled(signature)}`;
    expect(await reasonOf(verifyToken(other, options))).toBe('token-malformed');
  });

  it('an empty token is token-missing', async () => {
    expect(await reasonOf(verifyToken('', { jwtKey: key.publicPem }))).toBe('token-missing');
  });

  it('checks issuer (string, list or function) and authorized parties when given', async () => {
    const clock = testClock(START);
    const jwt = signJwt(key, claimsAt(START, { azp: 'https://app.test' }));
    const base = { jwtKey: key.publicPem, clock };
    await expect(verifyToken(jwt, { ...base, issuer: 'http://127.0.0.1:4000' })).resolves.toBeDefined();
    await expect(
      verifyToken(jwt, { ...base, issuer: ['x', 'http://127.0.0.1:4000'] }),
    ).resolves.toBeDefined();
    await expect(
      verifyToken(jwt, { ...base, issuer: (iss) => iss.startsWith('http://127.') }),
    ).resolves.toBeDefined();
    expect(await reasonOf(verifyToken(jwt, { ...base, issuer: 'https://evil.test' }))).toBe(
      'token-invalid-issuer',
    );
    expect(await reasonOf(verifyToken(jwt, { ...base, issuer: () => false }))).toBe('token-invalid-issuer');
    await expect(
      verifyToken(jwt, { ...base, authorizedParties: ['https://app.test'] }),
    ).resolves.toBeDefined();
    expect(await reasonOf(verifyToken(jwt, { ...base, authorizedParties: ['https://other.test'] }))).toBe(
      'token-invalid-authorized-party',
    );
    const noAzp = signJwt(key, claimsAt(START));
    await expect(
      verifyToken(noAzp, { ...base, authorizedParties: ['https://other.test'] }),
    ).resolves.toBeDefined();
  });

  it('applies clockSkewInMs (default 5000) to exp, to the millisecond', async () => {
    const jwt = signJwt(key, claimsAt(START));
    const exp = (seconds(START) + 60) * 1000;
    const clock = testClock(exp + 4999);
    const options = { jwtKey: key.publicPem, clock };
    await expect(verifyToken(jwt, options)).resolves.toBeDefined();
    clock.set(exp + 5000);
    expect(await reasonOf(verifyToken(jwt, options))).toBe('token-expired');
    clock.set(exp - 1);
    await expect(verifyToken(jwt, { ...options, clockSkewInMs: 0 })).resolves.toBeDefined();
    clock.set(exp);
    expect(await reasonOf(verifyToken(jwt, { ...options, clockSkewInMs: 0 }))).toBe('token-expired');
  });

  it('clockSkewMs is the option; clockSkewInMs still works as its deprecated alias', async () => {
    const clock = testClock(START);
    const jwt = signJwt(key, claimsAt(START));
    clock.set((seconds(START) + 60) * 1000 + 999);
    for (const skew of [
      { clockSkewMs: 1000 },
      { clockSkewInMs: 1000 },
      { clockSkewMs: 1000, clockSkewInMs: 0 },
    ]) {
      await expect(verifyToken(jwt, { jwtKey: key.publicPem, clock, ...skew })).resolves.toBeDefined();
    }
    for (const skew of [{ clockSkewMs: 0 }, { clockSkewMs: 0, clockSkewInMs: 1000 }]) {
      expect(await reasonOf(verifyToken(jwt, { jwtKey: key.publicPem, clock, ...skew }))).toBe(
        'token-expired',
      );
    }
  });

  it('applies clockSkewInMs to nbf and iat', async () => {
    const jwt = signJwt(key, claimsAt(START, { nbf: seconds(START) + 3, iat: seconds(START) + 3 }));
    const clock = testClock(START);
    await expect(verifyToken(jwt, { jwtKey: key.publicPem, clock })).resolves.toBeDefined();
    expect(await reasonOf(verifyToken(jwt, { jwtKey: key.publicPem, clock, clockSkewInMs: 1000 }))).toBe(
      'token-not-active-yet',
    );
  });
});

function tamper(jwt: string): string {
  const [header, , signature] = jwt.split('.');
  return `${header}.${b64({ ...claimsAt(START), sub: 'user_someone_else' })}.${signature}`;
}

describe('verifyToken with a JWKS', () => {
  function jwksServer(...keySets: TestKey[][]) {
    return fakeFetch(...keySets.map((keys) => jsonReply({ keys: keys.map((k) => k.jwk) })));
  }

  it('fetches the JWKS once and reuses it', async () => {
    const fake = jwksServer([key]);
    const options = {
      jwksUrl: 'http://tessera.test/.well-known/jwks.json',
      fetch: fake.fetch,
      clock: testClock(START),
    };
    await verifyToken(signJwt(key, claimsAt(START)), options);
    await verifyToken(signJwt(key, claimsAt(START, { sid: 'sess_other' })), options);
    expect(fake.calls.map((call) => call.url.href)).toEqual(['http://tessera.test/.well-known/jwks.json']);
  });

  it('with secretKey + apiUrl, reads /v1/jwks with the key', async () => {
    const fake = jwksServer([key]);
    await verifyToken(signJwt(key, claimsAt(START)), {
      secretKey: SECRET_KEY,
      apiUrl: 'http://tessera.test/',
      fetch: fake.fetch,
      clock: testClock(START),
    });
    expect(fake.only().url.href).toBe('http://tessera.test/v1/jwks');
    expect(fake.only().headers.Authorization).toBe(`Bearer ${SECRET_KEY}`);
  });

  it('key rotation: an unknown kid triggers one refetch, shared by concurrent requests', async () => {
    const rotated = makeKey('kid_rotated');
    const fake = jwksServer([key], [key, rotated]);
    const clock = testClock(START);
    const options = { jwksUrl: 'http://tessera.test/jwks', fetch: fake.fetch, clock };
    await verifyToken(signJwt(key, claimsAt(START)), options);
    clock.advance(2000);
    const tokens = Array.from({ length: 5 }, (_, i) =>
      signJwt(rotated, claimsAt(START, { sid: `sess_${i}` })),
    );
    await Promise.all(tokens.map((jwt) => verifyToken(jwt, options)));
    expect(fake.calls).toHaveLength(2);
  });

  it('a kid still unknown after the refetch is token-unknown-kid, and refetches are rate limited', async () => {
    const fake = jwksServer([key]);
    const clock = testClock(START);
    const options = { jwksUrl: 'http://tessera.test/jwks', fetch: fake.fetch, clock };
    await verifyToken(signJwt(key, claimsAt(START)), options);
    clock.advance(1500);
    expect(await reasonOf(verifyToken(signJwt(otherKey, claimsAt(START)), options))).toBe(
      'token-unknown-kid',
    );
    expect(await reasonOf(verifyToken(signJwt(otherKey, claimsAt(START), { kid: 'x' }), options))).toBe(
      'token-unknown-kid',
    );
    expect(fake.calls).toHaveLength(2);
    expect(await reasonOf(verifyToken(signJwt(key, claimsAt(START), { kid: undefined }), options))).toBe(
      'token-unknown-kid',
    );
  });

  it('refetches after jwksCacheTtlMs, and keeps the last good set when the refetch fails', async () => {
    const fake = fakeFetch(jsonReply({ keys: [key.jwk] }), { status: 503, json: {} });
    const clock = testClock(START);
    const options = { jwksUrl: 'http://tessera.test/jwks', fetch: fake.fetch, clock, jwksCacheTtlMs: 60_000 };
    await verifyToken(signJwt(key, claimsAt(START)), options);
    clock.advance(60_000);
    await expect(verifyToken(signJwt(key, claimsAt(clock.now())), options)).resolves.toBeDefined();
    expect(fake.calls).toHaveLength(2);
  });

  it('stops admitting an already verified token once its key leaves the JWKS', async () => {
    const replacement = makeKey('kid_replacement');
    const fake = jwksServer([key], [replacement]);
    const clock = testClock(START);
    const options = { jwksUrl: 'http://tessera.test/jwks', fetch: fake.fetch, clock, jwksCacheTtlMs: 60_000 };
    const longLived = signJwt(key, claimsAt(START, { exp: seconds(START) + 10 * 365 * 86_400 }));
    await verifyToken(longLived, options);
    await verifyToken(longLived, options); // served from the verified-token cache
    clock.advance(60_000);
    expect(await reasonOf(verifyToken(longLived, options))).toBe('token-unknown-kid');
    expect(fake.calls).toHaveLength(2);
  });

  it('jwks-unavailable when the JWKS cannot be fetched and none is cached', async () => {
    const down = fakeFetch({ networkError: true });
    const options = { jwksUrl: 'http://tessera.test/jwks', fetch: down.fetch, clock: testClock(START) };
    expect(await reasonOf(verifyToken(signJwt(key, claimsAt(START)), options))).toBe('jwks-unavailable');
    const error = fakeFetch({ status: 500, json: {} });
    expect(
      await reasonOf(verifyToken(signJwt(key, claimsAt(START)), { ...options, fetch: error.fetch })),
    ).toBe('jwks-unavailable');
  });

  it('only RS256 RSA keys of >= 2048 bits are taken from a JWKS', async () => {
    const small = makeKey('kid_small', 1024);
    const fake = fakeFetch(
      jsonReply({ keys: [{ ...key.jwk, alg: 'RS512' }, small.jwk, { ...otherKey.jwk, use: 'enc' }] }),
    );
    const options = { jwksUrl: 'http://tessera.test/jwks', fetch: fake.fetch, clock: testClock(START) };
    for (const signer of [key, small, otherKey]) {
      expect(await reasonOf(verifyToken(signJwt(signer, claimsAt(START)), options))).toBe(
        'token-unknown-kid',
      );
    }
  });
});

describe('verifyToken options', () => {
  it('bad options reject with ConfigurationError naming the option', async () => {
    const jwt = signJwt(key, claimsAt(START));
    const cases: [string, Record<string, unknown>][] = [
      ['jwtKey', {}],
      ['jwtKey', { jwtKey: 'not a pem' }],
      ['jwksUrl', { jwksUrl: 'nope' }],
      ['secretKey', { secretKey: 'sk_bad' }],
      ['clockSkewMs', { jwtKey: key.publicPem, clockSkewMs: -1 }],
      ['clockSkewInMs', { jwtKey: key.publicPem, clockSkewInMs: -1 }],
      ['apiVersion', { secretKey: SECRET_KEY, apiVersion: 'latest' }],
      ['apiUrl', { secretKey: SECRET_KEY, apiUrl: 'ftp://x.test' }],
      ['fetch', { jwtKey: key.publicPem, fetch: 'fetch' }],
      ['issuer', { jwtKey: key.publicPem, issuer: 42 }],
      ['authorizedParties', { jwtKey: key.publicPem, authorizedParties: 'https://app.test' }],
      ['clock', { jwtKey: key.publicPem, clock: {} }],
      ['verifiedTokenCacheSize', { jwtKey: key.publicPem, verifiedTokenCacheSize: -5 }],
    ];
    for (const [option, options] of cases) {
      const error = await verifyToken(jwt, options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).option).toBe(option);
    }
  });

  it('an RSA key under 2048 bits as jwtKey is a configuration error', async () => {
    const small = makeKey('small', 1024);
    const error = await verifyToken(signJwt(small, claimsAt(START)), { jwtKey: small.publicPem }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'configuration_invalid', option: 'jwtKey' });
  });
});
