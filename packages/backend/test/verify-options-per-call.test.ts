import {
  authenticateRequest,
  ConfigurationError,
  handleBrowserSession,
  TokenVerificationError,
  type TokenVerificationReason,
  verifyToken,
} from '@tessera/backend';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeFetch, jsonReply, wireError } from './support/fake-fetch';
import { claimsAt, makeKey, seconds, signJwt, type TestKey, testClock } from './support/jwt';
import { SECRET_KEY } from './support/wire-fixtures';

// The documented call builds its options anew on every request: `verifyToken(jwt, { jwtKey })`.
// What one call resolved is reused by the next equal one; these cases would pass a token, or a
// check, from one configuration to another if that reuse looked at less than it must.

const START = 1_800_000_000_000;
const APP = 'https://app.test';
let key: TestKey;
let otherKey: TestKey;

beforeAll(() => {
  key = makeKey('kid_a');
  otherKey = makeKey('kid_b');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function outcome(promise: Promise<unknown>): Promise<'ok' | TokenVerificationReason> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof TokenVerificationError) return error.reason;
    throw error;
  }
}

describe('verifyToken with a new options object per call', () => {
  it('a token verified under one jwtKey is refused under another, in any order', async () => {
    const clock = testClock(START);
    const jwt = signJwt(key, claimsAt(START));
    const fromOther = signJwt(otherKey, claimsAt(START), { kid: key.kid });
    for (let round = 0; round < 3; round++) {
      expect(await outcome(verifyToken(jwt, { jwtKey: key.publicPem, clock }))).toBe('ok');
      expect(await outcome(verifyToken(jwt, { jwtKey: otherKey.publicPem, clock }))).toBe(
        'token-invalid-signature',
      );
      expect(await outcome(verifyToken(fromOther, { jwtKey: key.publicPem, clock }))).toBe(
        'token-invalid-signature',
      );
      expect(await outcome(verifyToken(fromOther, { jwtKey: otherKey.publicPem, clock }))).toBe('ok');
    }
  });

  it('the same key written as another string (a copy, as process.env gives) shares its verified tokens', async () => {
    const clock = testClock(START);
    const jwt = signJwt(key, claimsAt(START));
    const first = await verifyToken(jwt, { jwtKey: key.publicPem, clock });
    const copy = `${key.publicPem.slice(0, 10)}${key.publicPem.slice(10)}`;
    await expect(verifyToken(jwt, { jwtKey: copy, clock })).resolves.toBe(first);
  });

  it('authorizedParties of each call are honoured for a cached token, lists compared item by item', async () => {
    const clock = testClock(START);
    const jwt = signJwt(key, claimsAt(START, { azp: APP }));
    const verify = (authorizedParties?: string[]) =>
      outcome(verifyToken(jwt, { jwtKey: key.publicPem, clock, authorizedParties }));
    for (let round = 0; round < 2; round++) {
      expect(await verify([APP])).toBe('ok');
      expect(await verify(['https://other.test'])).toBe('token-invalid-authorized-party');
      expect(await verify(['https://other.test', APP])).toBe('ok');
      expect(await verify([APP, 'https://other.test'].slice(1))).toBe('token-invalid-authorized-party');
      expect(await verify(undefined)).toBe('ok');
      expect(await verify([])).toBe('ok');
    }
  });

  it('a list changed in place between calls is read again', async () => {
    const clock = testClock(START);
    const jwt = signJwt(key, claimsAt(START, { azp: APP }));
    const authorizedParties = [APP];
    const options = { jwtKey: key.publicPem, clock, authorizedParties };
    expect(await outcome(verifyToken(jwt, options))).toBe('ok');
    authorizedParties[0] = 'https://other.test';
    expect(await outcome(verifyToken(jwt, options))).toBe('token-invalid-authorized-party');
    expect(await outcome(verifyToken(jwt, { ...options, authorizedParties: [APP] }))).toBe('ok');
    const issuer = ['http://127.0.0.1:4000'];
    expect(await outcome(verifyToken(jwt, { jwtKey: key.publicPem, clock, issuer }))).toBe('ok');
    issuer[0] = 'https://evil.test';
    expect(await outcome(verifyToken(jwt, { jwtKey: key.publicPem, clock, issuer }))).toBe(
      'token-invalid-issuer',
    );
  });

  it('an options object whose jwtKey is replaced in place verifies with the new key', async () => {
    const clock = testClock(START);
    const jwt = signJwt(key, claimsAt(START));
    const options = { jwtKey: key.publicPem, clock };
    expect(await outcome(verifyToken(jwt, options))).toBe('ok');
    options.jwtKey = otherKey.publicPem;
    expect(await outcome(verifyToken(jwt, options))).toBe('token-invalid-signature');
  });

  it('issuer of each call is honoured: a string, a list, a function', async () => {
    const clock = testClock(START);
    const jwt = signJwt(key, claimsAt(START));
    const verify = (issuer: string | string[] | ((iss: string) => boolean)) =>
      outcome(verifyToken(jwt, { jwtKey: key.publicPem, clock, issuer }));
    for (let round = 0; round < 2; round++) {
      expect(await verify('http://127.0.0.1:4000')).toBe('ok');
      expect(await verify('https://evil.test')).toBe('token-invalid-issuer');
      expect(await verify(['https://evil.test'])).toBe('token-invalid-issuer');
      expect(await verify(['https://evil.test', 'http://127.0.0.1:4000'])).toBe('ok');
      expect(await verify(() => false)).toBe('token-invalid-issuer');
      expect(await verify(() => true)).toBe('ok');
    }
  });

  it('the clock and the clock skew of each call judge a cached token', async () => {
    const jwt = signJwt(key, claimsAt(START));
    const exp = (seconds(START) + 60) * 1000;
    const before = testClock(exp - 1);
    const after = testClock(exp + 1);
    for (let round = 0; round < 2; round++) {
      expect(await outcome(verifyToken(jwt, { jwtKey: key.publicPem, clock: before, clockSkewMs: 0 }))).toBe(
        'ok',
      );
      expect(await outcome(verifyToken(jwt, { jwtKey: key.publicPem, clock: after, clockSkewMs: 0 }))).toBe(
        'token-expired',
      );
      expect(await outcome(verifyToken(jwt, { jwtKey: key.publicPem, clock: after }))).toBe('ok');
      expect(await outcome(verifyToken(jwt, { jwtKey: key.publicPem, clock: after, clockSkewInMs: 0 }))).toBe(
        'token-expired',
      );
      expect(await outcome(verifyToken(jwt, { jwtKey: key.publicPem, clock: before, clockSkewMs: 0 }))).toBe(
        'ok',
      );
    }
  });

  it('more configurations in turn than are remembered still each get their own checks', async () => {
    const clock = testClock(START);
    const parties = Array.from({ length: 20 }, (_, i) => `https://app-${i}.test`);
    const tokens = parties.map((azp) => signJwt(key, claimsAt(START, { azp })));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < parties.length; i++) {
        const options = { jwtKey: key.publicPem, clock, authorizedParties: [parties[i]!] };
        expect(await outcome(verifyToken(tokens[i]!, options))).toBe('ok');
        const next = tokens[(i + 1) % tokens.length]!;
        expect(await outcome(verifyToken(next, options))).toBe('token-invalid-authorized-party');
      }
    }
  });

  it('shares one JWKS between calls naming the same source, and none between sources', async () => {
    const fake = fakeFetch(jsonReply({ keys: [key.jwk] }));
    const clock = testClock(START);
    const jwksUrl = 'http://tessera.test/.well-known/jwks.json';
    for (let i = 0; i < 3; i++) {
      await verifyToken(signJwt(key, claimsAt(START, { jti: String(i) })), {
        jwksUrl,
        fetch: fake.fetch,
        clock,
      });
    }
    expect(fake.calls).toHaveLength(1);
    await verifyToken(signJwt(key, claimsAt(START)), {
      jwksUrl: `${jwksUrl}?other`,
      fetch: fake.fetch,
      clock,
    });
    expect(fake.calls).toHaveLength(2);
  });

  it('a secret key without apiUrl follows TESSERA_API_URL as it is at each call', async () => {
    const fake = fakeFetch(jsonReply({ keys: [key.jwk] }));
    const clock = testClock(START);
    const jwt = signJwt(key, claimsAt(START));
    vi.stubEnv('TESSERA_API_URL', 'http://one.test');
    await verifyToken(jwt, { secretKey: SECRET_KEY, fetch: fake.fetch, clock });
    await verifyToken(jwt, { secretKey: SECRET_KEY, fetch: fake.fetch, clock });
    vi.stubEnv('TESSERA_API_URL', 'http://two.test');
    await verifyToken(jwt, { secretKey: SECRET_KEY, fetch: fake.fetch, clock });
    expect(fake.calls.map((call) => call.url.href)).toEqual([
      'http://one.test/v1/jwks',
      'http://two.test/v1/jwks',
    ]);
  });

  it('bad options are refused on every call, never remembered', async () => {
    const jwt = signJwt(key, claimsAt(START));
    for (let i = 0; i < 2; i++) {
      const error = await verifyToken(jwt, { jwtKey: key.publicPem, clockSkewMs: -1 }).catch((e) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).option).toBe('clockSkewMs');
    }
    const clock = testClock(START);
    await verifyToken(jwt, { jwtKey: key.publicPem, clock, authorizedParties: [APP] });
    const error = await verifyToken(jwt, {
      jwtKey: key.publicPem,
      clock,
      authorizedParties: [APP, 7] as never,
    }).catch((e) => e);
    expect((error as ConfigurationError).option).toBe('authorizedParties');
  });
});

describe('authenticateRequest with a new options object per call', () => {
  const request = (jwt: string) =>
    new Request('https://app.test/api', { headers: { Authorization: `Bearer ${jwt}` } });

  it('honours the key and the parties of each call', async () => {
    const clock = testClock(START);
    const jwt = signJwt(key, claimsAt(START, { azp: APP }));
    for (let round = 0; round < 2; round++) {
      const signedIn = await authenticateRequest(request(jwt), { jwtKey: key.publicPem, clock });
      expect(signedIn.isSignedIn).toBe(true);
      const otherParty = await authenticateRequest(request(jwt), {
        jwtKey: key.publicPem,
        clock,
        authorizedParties: ['https://other.test'],
      });
      expect(otherParty.reason).toBe('token-invalid-authorized-party');
      const otherJwtKey = await authenticateRequest(request(jwt), { jwtKey: otherKey.publicPem, clock });
      expect(otherJwtKey.reason).toBe('token-invalid-signature');
    }
  });

  it('rejects for bad options, as before', async () => {
    const jwt = signJwt(key, claimsAt(START));
    await expect(authenticateRequest(request(jwt), { jwtKey: 'nope' })).rejects.toBeInstanceOf(
      ConfigurationError,
    );
  });
});

describe('the browser flow (the adapters) with options written anew', () => {
  const request = (jwt: string) =>
    new Request('https://app.test/api', { headers: { Authorization: `Bearer ${jwt}` } });

  it('follows TESSERA_JWT_KEY at each call when the options name no key source', async () => {
    vi.stubEnv('TESSERA_SECRET_KEY', '');
    const clock = testClock(START);
    const jwt = signJwt(key, claimsAt(START));
    vi.stubEnv('TESSERA_JWT_KEY', key.publicPem);
    expect((await handleBrowserSession(request(jwt), { clock })).auth.isSignedIn).toBe(true);
    vi.stubEnv('TESSERA_JWT_KEY', otherKey.publicPem);
    expect((await handleBrowserSession(request(jwt), { clock })).auth.reason).toBe('token-invalid-signature');
    // Given a key, the environment's has no say.
    expect((await handleBrowserSession(request(jwt), { jwtKey: key.publicPem, clock })).auth.isSignedIn).toBe(
      true,
    );
  });

  it('follows TESSERA_API_URL at each call when a secret key from the environment turns the refresh on', async () => {
    const fake = fakeFetch(wireError(503, 'service_unavailable'));
    const clock = testClock(START);
    const cookie = `__tessera_refresh=${'r'.repeat(43)}`;
    const signedOutRequest = () => new Request('https://app.test/page', { headers: { cookie } });
    const options = { jwtKey: key.publicPem, clock, fetch: fake.fetch };
    vi.stubEnv('TESSERA_SECRET_KEY', SECRET_KEY);
    vi.stubEnv('TESSERA_API_URL', 'http://one.test');
    await handleBrowserSession(signedOutRequest(), options);
    vi.stubEnv('TESSERA_API_URL', 'http://two.test');
    await handleBrowserSession(signedOutRequest(), options);
    // Without a secret key nothing calls tessera, whatever TESSERA_API_URL says.
    vi.stubEnv('TESSERA_SECRET_KEY', '');
    await handleBrowserSession(signedOutRequest(), options);
    expect(fake.calls.map((call) => call.url.origin)).toEqual(['http://one.test', 'http://two.test']);
  });
});
