import { createPublicKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  ApiResponseError,
  type BackendApiClient,
  createBackendApiClient,
  TokenVerificationError,
  verifyToken,
} from '@tessera/backend';
import { requireAuth } from '@tessera/backend/express';
import { type RunningTessera, startTessera } from '@tessera/server';
import { HANDOFF_PARAM } from '@tessera/wire';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { submitTicketUrl } from './support/browser';

// Every method of the SDK against the real server: ephemeral port, in-memory SQLite.
let tessera: RunningTessera;
let client: BackendApiClient;
let secretKey: string;

beforeAll(async () => {
  tessera = await startTessera({ databaseUrl: ':memory:', port: 0, log: () => {} });
  secretKey = tessera.secretKey!;
  client = createBackendApiClient({ secretKey, apiUrl: tessera.url });
});

afterAll(async () => {
  await tessera?.close();
});

async function apiError(promise: Promise<unknown>): Promise<ApiResponseError> {
  const error = await promise.then(
    () => {
      throw new Error('expected an ApiResponseError');
    },
    (e: unknown) => e,
  );
  if (!(error instanceof ApiResponseError)) throw error;
  return error;
}

describe('the seed flow', () => {
  it('create user -> create token -> accept -> verify the JWT (JWKS, secret key and PEM)', async () => {
    const user = await client.users.create({ emailAddress: ['seed@example.com'], firstName: 'Seed' });
    const testSessionToken = await client.testSessionTokens.create({
      userId: user.id,
      sessionMaxDurationInSeconds: 1800,
    });
    expect(testSessionToken.status).toBe('pending');
    expect(testSessionToken.token).toEqual(expect.any(String));
    expect(testSessionToken.url).toBe(`${tessera.url}/v1/tickets/accept?ticket=${testSessionToken.token}`);

    const { session, jwt } = await client.testSessionTokens.accept(testSessionToken.token!);
    expect(session).toMatchObject({ object: 'session', userId: user.id, status: 'active' });
    expect(session.actor).toEqual({ sub: testSessionToken.id, type: 'test_session_token' });

    const viaJwks = await verifyToken(jwt, {
      jwksUrl: `${tessera.url}/.well-known/jwks.json`,
      issuer: tessera.url,
    });
    expect(viaJwks).toMatchObject({ sub: user.id, sid: session.id, v: 2, sts: 'active', act: session.actor });

    const viaSecretKey = await verifyToken(jwt, { secretKey, apiUrl: tessera.url });
    expect(viaSecretKey.sub).toBe(user.id);

    const { keys } = await client.jwks.get();
    const pem = createPublicKey({ key: { ...keys[0]! }, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    expect((await verifyToken(jwt, { jwtKey: pem.toString() })).sid).toBe(session.id);

    const after = await client.testSessionTokens.get(testSessionToken.id);
    expect(after).toMatchObject({ status: 'accepted', sessionId: session.id, token: null, url: null });
  });

  it('a ticket is single use', async () => {
    const user = await client.users.create({ username: 'single_use' });
    const { token } = await client.testSessionTokens.create({ identifier: 'single_use' });
    await client.testSessionTokens.accept(token!);
    expect((await apiError(client.testSessionTokens.accept(token!))).code).toBe('ticket_already_used');
    expect((await apiError(client.testSessionTokens.accept('no-such-ticket'))).code).toBe('ticket_not_found');
    expect((await client.testSessionTokens.list({ userId: user.id })).data[0]?.status).toBe('accepted');
  });
});

describe('an Express app protected by requireAuth()', () => {
  it('admits the JWT from accept(token) and refuses a request without it', async () => {
    vi.stubEnv('TESSERA_SECRET_KEY', secretKey);
    vi.stubEnv('TESSERA_API_URL', tessera.url);
    vi.stubEnv('TESSERA_JWT_KEY', '');
    const app = express();
    app.get('/api/me', requireAuth(), (req, res) => {
      res.json({ userId: req.auth?.userId, sessionId: req.auth?.sessionId, actor: req.auth?.actor });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const user = await client.users.create({ username: 'express_user' });
      const token = await client.testSessionTokens.create({ userId: user.id });
      const { session, jwt } = await client.testSessionTokens.accept(token.token!);

      const admitted = await fetch(`${appUrl}/api/me`, { headers: { Authorization: `Bearer ${jwt}` } });
      expect(admitted.status).toBe(200);
      expect(await admitted.json()).toEqual({
        userId: user.id,
        sessionId: session.id,
        actor: { sub: token.id, type: 'test_session_token' },
      });

      const refused = await fetch(`${appUrl}/api/me`);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ errors: [{ meta: { reason: 'token-missing' } }] });
    } finally {
      vi.unstubAllEnvs();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('users', () => {
  it('creates a user with a password and verifies it: true, false, and a throw without one', async () => {
    const user = await client.users.create({ username: 'with-password', password: 'a fine password' });
    expect(user.passwordEnabled).toBe(true);
    expect(await client.users.verifyPassword(user.id, 'a fine password')).toBe(true);
    expect(await client.users.verifyPassword(user.id, 'not the password')).toBe(false);
    const none = await client.users.create({ username: 'without-password' });
    await expect(client.users.verifyPassword(none.id, 'anything')).rejects.toMatchObject({
      code: 'password_not_set',
    });
  });

  it('list filters by banned and time; sessions.create starts a session at once', async () => {
    const user = await client.users.create({ username: 'filtered' });
    await client.users.ban(user.id);
    const banned = await client.users.list({ banned: true, limit: 500 });
    expect(banned.data.map((u) => u.id)).toContain(user.id);
    expect(banned.data.every((u) => u.banned)).toBe(true);
    await client.users.unban(user.id);
    const session = await client.sessions.create({ userId: user.id, sessionMaxDurationInSeconds: 600 });
    expect(session).toMatchObject({ userId: user.id, status: 'active', actor: null });
    const recent = await client.users.list({ lastSignInAtAfter: session.createdAt - 1, limit: 500 });
    expect(recent.data.map((u) => u.id)).toContain(user.id);
  });

  it('updateMetadata merges (keys as given, null removes), replaceMetadata replaces, lock and unlock', async () => {
    const user = await client.users.create({ publicMetadata: { camelKey: { a: 1, b: 2 }, keep: true } });
    const merged = await client.users.updateMetadata(user.id, {
      publicMetadata: { camelKey: { b: null, c: 3 } },
      privateMetadata: { plan: 'pro' },
    });
    expect(merged.publicMetadata).toEqual({ camelKey: { a: 1, c: 3 }, keep: true });
    expect(merged.privateMetadata).toEqual({ plan: 'pro' });
    const replaced = await client.users.replaceMetadata(user.id, { publicMetadata: { only: 1 } });
    expect(replaced.publicMetadata).toEqual({ only: 1 });
    expect(replaced.privateMetadata).toEqual({ plan: 'pro' });

    expect((await client.users.lock(user.id)).locked).toBe(true);
    await expect(client.testSessionTokens.create({ userId: user.id })).rejects.toMatchObject({
      status: 403,
      code: 'user_locked',
    });
    expect((await client.users.unlock(user.id)).locked).toBe(false);
    expect((await client.testSessionTokens.create({ userId: user.id })).status).toBe('pending');
  });

  it('create, get, list, count, update, ban, unban, delete', async () => {
    const ada = await client.users.create({
      emailAddress: ['ada@example.com'],
      username: 'ada',
      firstName: 'Ada',
      externalId: 'ext-ada',
      publicMetadata: { camelKey: { nested_key: 1 } },
    });
    expect(ada).toMatchObject({ object: 'user', username: 'ada', firstName: 'Ada', externalId: 'ext-ada' });
    expect(ada.publicMetadata).toEqual({ camelKey: { nested_key: 1 } });
    expect(ada.emailAddresses.map((email) => email.emailAddress)).toEqual(['ada@example.com']);
    expect(ada.primaryEmailAddressId).toBe(ada.emailAddresses[0]?.id);

    await client.users.create({ emailAddress: ['grace@example.com'], username: 'grace' });
    expect(await client.users.get(ada.id)).toEqual(ada);

    const both = await client.users.list({ emailAddress: ['ada@example.com', 'grace@example.com'] });
    expect(both.totalCount).toBe(2);
    expect(both.data.map((user) => user.username).sort()).toEqual(['ada', 'grace']);
    const page = await client.users.list({ username: ['ada', 'grace'], limit: 1, orderBy: '+created_at' });
    expect(page).toMatchObject({ totalCount: 2, data: [{ username: 'ada' }] });
    expect(await client.users.count({ query: 'grace' })).toBe(1);
    expect(await client.users.count()).toBeGreaterThanOrEqual(2);

    const updated = await client.users.update(ada.id, { lastName: 'Lovelace', firstName: null });
    expect(updated).toMatchObject({ lastName: 'Lovelace', firstName: null });

    expect((await client.users.ban(ada.id)).banned).toBe(true);
    expect((await client.users.unban(ada.id)).banned).toBe(false);

    expect(await client.users.delete(ada.id)).toEqual({ object: 'user', id: ada.id, deleted: true });
    expect((await apiError(client.users.get(ada.id))).code).toBe('resource_not_found');
  });

  it('creates are idempotent with the same key and body', async () => {
    const first = await client.users.create({ username: 'idem' }, { idempotencyKey: 'users-idem-1' });
    const again = await client.users.create({ username: 'idem' }, { idempotencyKey: 'users-idem-1' });
    expect(again.id).toBe(first.id);
  });

  it('wire errors arrive as ApiResponseError with their code, status and trace id', async () => {
    const taken = await apiError(client.users.create({ username: 'idem' }));
    expect(taken).toMatchObject({ status: 422, code: 'form_identifier_exists' });
    expect(taken.traceId).toEqual(expect.any(String));

    const invalid = await apiError(client.users.create({ emailAddress: ['not-an-email'] }));
    expect(invalid).toMatchObject({ status: 422, code: 'form_param_value_invalid' });
    expect(invalid.errors[0]?.meta).toMatchObject({ param_name: expect.stringContaining('email_address') });

    const wrongKey = createBackendApiClient({ secretKey: `sk_test_${'x'.repeat(43)}`, apiUrl: tessera.url });
    const unauthorized = await apiError(wrongKey.users.count());
    expect(unauthorized).toMatchObject({ status: 401, code: 'clerk_key_invalid' });
    expect(unauthorized.message).not.toContain('x'.repeat(43));
  });
});

describe('sessions', () => {
  it('get, list, getToken, revoke', async () => {
    const user = await client.users.create({ username: 'sessions_user' });
    const { token } = await client.testSessionTokens.create({ userId: user.id });
    const { session } = await client.testSessionTokens.accept(token!);

    expect(await client.sessions.get(session.id)).toMatchObject({ id: session.id, userId: user.id });
    const list = await client.sessions.list({ userId: user.id, status: 'active' });
    expect(list.totalCount).toBe(1);
    expect(list.data[0]?.id).toBe(session.id);

    const { jwt } = await client.sessions.getToken(session.id);
    expect((await verifyToken(jwt, { secretKey, apiUrl: tessera.url })).sid).toBe(session.id);
    const short = await client.sessions.getToken(session.id, { expiresInSeconds: 30 });
    const claims = await verifyToken(short.jwt, { secretKey, apiUrl: tessera.url });
    expect(claims.exp - claims.iat).toBe(30);

    expect((await client.sessions.revoke(session.id)).status).toBe('revoked');
    expect((await apiError(client.sessions.revoke(session.id))).code).toBe('session_cannot_be_revoked');
    expect((await apiError(client.sessions.getToken(session.id))).code).toBe('session_not_active');
    expect((await client.sessions.list({ userId: user.id, status: 'active' })).totalCount).toBe(0);
  });
});

describe('sessions: handoff, refresh, end', () => {
  it('a handoff is redeemed once; its refresh token renews the JWT until the session ends', async () => {
    const user = await client.users.create({ username: 'handoff_user' });
    const token = await client.testSessionTokens.create({
      userId: user.id,
      redirectUrl: 'http://localhost:3000/app',
    });
    const accepted = await submitTicketUrl(token.url!);
    const handoff = new URL(accepted.headers.get('location')!).searchParams.get(HANDOFF_PARAM)!;

    const handed = await client.sessions.redeemHandoff(handoff);
    expect(handed).toMatchObject({
      object: 'session_handoff',
      session: { userId: user.id, status: 'active' },
    });
    const verify = { secretKey, apiUrl: tessera.url };
    expect((await verifyToken(handed.jwt, verify)).sid).toBe(handed.session.id);
    expect((await apiError(client.sessions.redeemHandoff(handoff))).code).toBe('session_handoff_invalid');

    const refreshed = await client.sessions.refresh(handed.refreshToken);
    expect(refreshed).toMatchObject({ object: 'session_refresh', session: { id: handed.session.id } });
    expect((await verifyToken(refreshed.jwt, verify)).sid).toBe(handed.session.id);
    expect(await apiError(client.sessions.refresh('x'.repeat(43)))).toMatchObject({
      status: 401,
      code: 'refresh_token_invalid',
    });

    expect((await client.sessions.end(handed.session.id)).status).toBe('ended');
    expect((await apiError(client.sessions.end(handed.session.id))).code).toBe('session_cannot_be_revoked');
    expect((await apiError(client.sessions.refresh(handed.refreshToken))).code).toBe('session_not_active');
  });
});

describe('testSessionTokens', () => {
  it('create (every option), get, list, revoke', async () => {
    const user = await client.users.create({ emailAddress: ['tokens@example.com'] });
    const created = await client.testSessionTokens.create({
      identifier: 'tokens@example.com',
      sessionMaxDurationInSeconds: 600,
      expiresInSeconds: 120,
    });
    expect(created).toMatchObject({ userId: user.id, sessionMaxDurationInSeconds: 600, status: 'pending' });
    expect(created.expiresAt - created.createdAt).toBe(120_000);

    expect(await client.testSessionTokens.get(created.id)).toMatchObject({ id: created.id, token: null });
    const pending = await client.testSessionTokens.list({ userId: user.id, status: 'pending' });
    expect(pending).toMatchObject({ totalCount: 1, data: [{ id: created.id }] });

    expect((await client.testSessionTokens.revoke(created.id)).status).toBe('revoked');
    const again = await apiError(client.testSessionTokens.revoke(created.id));
    expect(again).toMatchObject({ status: 400, code: 'test_session_token_cannot_be_revoked' });
    expect((await apiError(client.testSessionTokens.accept(created.token!))).code).toBe('ticket_revoked');
  });

  it('a redirect outside the allowed origins is refused', async () => {
    const user = await client.users.create({ username: 'redirect_user' });
    const error = await apiError(
      client.testSessionTokens.create({ userId: user.id, redirectUrl: 'https://evil.example.com/' }),
    );
    expect(error.code).toBe('redirect_url_not_allowed');
  });

  it('an idempotent create returns the same token', async () => {
    const user = await client.users.create({ username: 'idem_tokens' });
    const first = await client.testSessionTokens.create(
      { userId: user.id },
      { idempotencyKey: 'tst-idem-1' },
    );
    const again = await client.testSessionTokens.create(
      { userId: user.id },
      { idempotencyKey: 'tst-idem-1' },
    );
    expect(again.id).toBe(first.id);
  });
});

describe('time, with the server and the verifier on one clock', () => {
  it('an expired ticket is refused; a JWT expires on the second', async () => {
    let now = Date.UTC(2030, 0, 1);
    const clock = { now: () => now };
    const timed = await startTessera({ databaseUrl: ':memory:', port: 0, clock, log: () => {} });
    try {
      const timedClient = createBackendApiClient({ secretKey: timed.secretKey, apiUrl: timed.url });
      const user = await timedClient.users.create({ username: 'clocked' });
      const stale = await timedClient.testSessionTokens.create({ userId: user.id, expiresInSeconds: 60 });
      const fresh = await timedClient.testSessionTokens.create({ userId: user.id, expiresInSeconds: 600 });
      now += 61_000;
      expect((await apiError(timedClient.testSessionTokens.accept(stale.token!))).code).toBe(
        'ticket_expired',
      );

      const { jwt } = await timedClient.testSessionTokens.accept(fresh.token!);
      const options = { jwksUrl: `${timed.url}/.well-known/jwks.json`, clock, clockSkewInMs: 0 };
      const claims = await verifyToken(jwt, options);
      now = claims.exp * 1000 - 1;
      await expect(verifyToken(jwt, options)).resolves.toBeDefined();
      now = claims.exp * 1000;
      const error = await verifyToken(jwt, options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenVerificationError);
      expect((error as TokenVerificationError).reason).toBe('token-expired');
    } finally {
      await timed.close();
    }
  });
});
