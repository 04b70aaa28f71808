import {
  authenticateRequest,
  authFromClaims,
  ConfigurationError,
  TokenVerificationError,
  verifyToken,
} from '@tessera/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessionTokenFrom } from '../src/auth/authenticate-request';
import { claimsAt, makeKey, signJwt, type TestKey, templateClaimsAt, testClock } from './support/jwt';

const START = 1_800_000_000_000;
let key: TestKey;
let options: { jwtKey: string; clock: ReturnType<typeof testClock> };

beforeAll(() => {
  key = makeKey('kid_a');
  options = { jwtKey: key.publicPem, clock: testClock(START) };
});

const request = (headers: Record<string, string>) => new Request('https://app.test/api', { headers });

describe('authenticateRequest', () => {
  it('signs in from Authorization: Bearer', async () => {
    const act = { sub: 'tst_1', type: 'test_session_token' };
    const jwt = signJwt(key, claimsAt(START, { act }));
    const auth = await authenticateRequest(request({ Authorization: `Bearer ${jwt}` }), options);
    expect(auth).toMatchObject({
      isSignedIn: true,
      userId: 'user_2x0000000000000000000000000',
      sessionId: 'sess_2x0000000000000000000000000',
      actor: act,
      reason: null,
    });
    expect(auth.claims?.v).toBe(2);
  });

  it('signs in from the __session cookie', async () => {
    const jwt = signJwt(key, claimsAt(START));
    const auth = await authenticateRequest(
      request({ Cookie: `theme=dark; __session=${jwt}; other=1` }),
      options,
    );
    expect(auth.isSignedIn).toBe(true);
    expect(auth.actor).toBeNull();
  });

  it('never throws for a bad token: signed out with a precise reason', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'token-missing'],
      [{ Authorization: 'Basic dXNlcjpwYXNz' }, 'token-missing'],
      [{ Authorization: 'Bearer not-a-jwt' }, 'token-malformed'],
      [{ Authorization: `Bearer ${signJwt(key, claimsAt(START - 3_600_000))}` }, 'token-expired'],
      [{ Cookie: `__session=${signJwt(makeKey('x'), claimsAt(START))}` }, 'token-invalid-signature'],
    ];
    for (const [headers, reason] of cases) {
      const auth = await authenticateRequest(request(headers), options);
      expect(auth).toEqual({
        isSignedIn: false,
        userId: null,
        sessionId: null,
        actor: null,
        orgId: null,
        orgRole: null,
        orgSlug: null,
        orgPermissions: null,
        factorVerificationAge: null,
        has: expect.any(Function),
        claims: null,
        reason,
      });
      expect(auth.has({ role: 'org:admin' })).toBe(false);
    }
  });

  it('a JWT made from a JWT template (no sid) is not a session: signed out, token-invalid-claims', async () => {
    const jwt = signJwt(key, templateClaimsAt(START));
    // Twice each way: the second verification of the same text comes from the verified-token cache.
    for (const headers of [{ Authorization: `Bearer ${jwt}` }, { Cookie: `__session=${jwt}` }]) {
      for (let i = 0; i < 2; i++) {
        const auth = await authenticateRequest(request(headers), options);
        expect(auth).toMatchObject({ isSignedIn: false, userId: null, sessionId: null, claims: null });
        expect(auth.reason).toBe('token-invalid-claims');
      }
    }
    const claims = await verifyToken(jwt, options);
    const error = (() => {
      try {
        authFromClaims(claims);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TokenVerificationError);
    expect((error as TokenVerificationError).reason).toBe('token-invalid-claims');
    expect((error as Error).message).toMatch(/\bsid\b/);
  });

  it('bad options do throw, naming the option', async () => {
    await expect(authenticateRequest(request({}), {})).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('sessionTokenFrom', () => {
  it('prefers the header, accepts any case of Bearer, ignores empty cookies', () => {
    expect(sessionTokenFrom('Bearer a.b.c', '__session=x.y.z')).toBe('a.b.c');
    expect(sessionTokenFrom('bearer   a.b.c ', null)).toBe('a.b.c');
    expect(sessionTokenFrom('Bearer', '__session=x.y.z')).toBe('x.y.z');
    expect(sessionTokenFrom(undefined, '__session=; a=b')).toBeNull();
    expect(sessionTokenFrom(undefined, 'my__session=x')).toBeNull();
    expect(sessionTokenFrom(null, null)).toBeNull();
  });
});
