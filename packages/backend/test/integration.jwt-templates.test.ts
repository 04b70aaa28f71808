import { createPublicKey } from 'node:crypto';
import { verifyToken as clerkVerifyToken } from '@clerk/backend';
import {
  authenticateRequest,
  authFromClaims,
  type BackendApiClient,
  createBackendApiClient,
  type Session,
  TokenVerificationError,
  type TokenVerificationReason,
  type User,
  verifyToken,
} from '@tessera/backend';
import { type RunningTessera, startTessera } from '@tessera/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// JWTs made from JWT templates, minted through the SDK by the real server: verifyToken accepts them
// (with a PEM and through the JWKS), as @clerk/backend does; authenticateRequest never takes one for
// a session, since it has no sid. (The adapters: adapters.case.test.ts.)
let tessera: RunningTessera;
let client: BackendApiClient;
let jwtKey: string;
let user: User;
let session: Session;

const TEMPLATE = 'supabase';
const SKEW_SECONDS = 30;

beforeAll(async () => {
  tessera = await startTessera({ databaseUrl: ':memory:', port: 0, log: () => {} });
  client = createBackendApiClient({ secretKey: tessera.secretKey!, apiUrl: tessera.url });
  const { keys } = await client.jwks.get();
  jwtKey = createPublicKey({ key: { ...keys[0]! }, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  user = await client.users.create({ emailAddress: ['ada@example.com'] });
  await client.jwtTemplates.create({
    name: TEMPLATE,
    claims: { email: '{{user.primary_email_address}}', aud: 'authenticated' },
    lifetime: 120,
    allowedClockSkew: SKEW_SECONDS,
  });
  const token = await client.testSessionTokens.create({ userId: user.id });
  ({ session } = await client.testSessionTokens.accept(token.token!));
});

afterAll(async () => {
  await tessera?.close();
});

const templateJwt = async () => (await client.sessions.getToken(session.id, TEMPLATE)).jwt;
const payloadOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
/** A clock for the verifying app, `offsetMs` from a moment given in Unix seconds. */
const clockAt = (seconds: number, offsetMs = 0) => ({ now: () => seconds * 1000 + offsetMs });

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

describe('a JWT made from a JWT template', () => {
  it('verifyToken verifies it with a PEM and through the JWKS; @clerk/backend reads the same claims', async () => {
    const jwt = await templateJwt();
    const { iat } = payloadOf(jwt) as { iat: number };
    const expected = {
      email: 'ada@example.com',
      aud: 'authenticated',
      iss: tessera.publicUrl,
      sub: user.id,
      iat,
      nbf: iat - SKEW_SECONDS,
      exp: iat + 120,
      jti: expect.stringMatching(/^[0-9a-f]{32}$/),
    };
    const viaPem = await verifyToken(jwt, { jwtKey, issuer: tessera.publicUrl });
    expect(viaPem).toEqual(expected);
    expect(viaPem.sid).toBeUndefined();
    const viaJwks = await verifyToken(jwt, { secretKey: tessera.secretKey, apiUrl: tessera.url });
    expect(viaJwks).toEqual(expected);
    expect(await clerkVerifyToken(jwt, { jwtKey })).toEqual(expected);

    expect(await reasonOf(verifyToken(jwt, { jwtKey, issuer: 'https://other.example' }))).toBe(
      'token-invalid-issuer',
    );
    const past = clockAt(iat + 120, 5_000);
    expect(await reasonOf(verifyToken(jwt, { jwtKey, clock: past }))).toBe('token-expired');
  });

  it('its nbf, set back by the clock skew, verifies; the app clock skew still bounds iat', async () => {
    const jwt = await templateJwt();
    const { iat, nbf } = payloadOf(jwt) as { iat: number; nbf: number };
    expect(nbf).toBe(iat - SKEW_SECONDS);
    // The app's clock at the signing second, and 3 seconds behind the server's.
    await expect(verifyToken(jwt, { jwtKey, clock: clockAt(iat) })).resolves.toMatchObject({ nbf });
    await expect(verifyToken(jwt, { jwtKey, clock: clockAt(iat, -3_000) })).resolves.toMatchObject({ nbf });
    // 20 seconds behind: past nbf, but iat is ahead by more than clockSkewMs (default 5 s), as with
    // @clerk/backend; the app widens its own clockSkewMs for that.
    const behind = clockAt(iat, -20_000);
    expect(await reasonOf(verifyToken(jwt, { jwtKey, clock: behind }))).toBe('token-issued-in-future');
    await expect(verifyToken(jwt, { jwtKey, clock: behind, clockSkewMs: 30_000 })).resolves.toBeDefined();
    // More than clockSkewMs before nbf: not active yet.
    expect(await reasonOf(verifyToken(jwt, { jwtKey, clock: clockAt(nbf, -6_000) }))).toBe(
      'token-not-active-yet',
    );
  });

  it('is not a session: authenticateRequest answers signed out, token-invalid-claims, naming sid', async () => {
    const jwt = await templateJwt();
    const request = new Request('https://app.example.com/api', {
      headers: { Authorization: `Bearer ${jwt}` },
    });
    for (const options of [{ jwtKey }, { secretKey: tessera.secretKey, apiUrl: tessera.url }]) {
      const auth = await authenticateRequest(request, options);
      expect(auth).toMatchObject({
        isSignedIn: false,
        userId: null,
        sessionId: null,
        claims: null,
        reason: 'token-invalid-claims',
      });
    }
    const claims = await verifyToken(jwt, { jwtKey });
    const refusal = (() => {
      try {
        return authFromClaims(claims);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(TokenVerificationError);
    expect(refusal).toMatchObject({
      reason: 'token-invalid-claims',
      message: expect.stringMatching(/\bsid\b/),
    });
  });

  it("the session's own JWT still verifies with its sid and signs in", async () => {
    const { jwt } = await client.sessions.getToken(session.id);
    const claims = await verifyToken(jwt, { jwtKey, issuer: tessera.publicUrl });
    expect(claims).toMatchObject({ sub: user.id, sid: session.id, v: 2, sts: 'active' });
    const request = new Request('https://app.example.com/api', {
      headers: { Authorization: `Bearer ${jwt}` },
    });
    const auth = await authenticateRequest(request, { secretKey: tessera.secretKey, apiUrl: tessera.url });
    expect(auth).toMatchObject({ isSignedIn: true, userId: user.id, sessionId: session.id, reason: null });
    expect(auth.claims?.sid).toBe(session.id);
  });
});
