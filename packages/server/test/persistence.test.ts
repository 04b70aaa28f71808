import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTessera } from '@tessera/server';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectError,
  FakeClock,
  ID,
  newSecretKey,
  startTestServer,
  type TestServer,
} from './support/tessera';

const PUBLIC_URL = 'http://tessera.test:4000';

let dir: string;
let databaseUrl: string;
let clock: FakeClock;
const running: TestServer[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-restart-'));
  databaseUrl = `file:${join(dir, 'data', 'tessera.db')}`;
  clock = new FakeClock();
});

afterEach(async () => {
  for (const server of running.splice(0)) await server.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer({ databaseUrl, clock, publicUrl: PUBLIC_URL, ...options });
  running.push(server);
  return server;
}

async function stop(server: TestServer): Promise<void> {
  running.splice(running.indexOf(server), 1);
  await server.close();
}

describe('a restart on a file database', () => {
  it('keeps the instance, its keys, users, tokens and sessions', async () => {
    const first = await start();
    expect(first.tessera.created).toBe(true);
    expect(first.tessera.instanceId).toMatch(ID.instance);
    const secretKey = first.secretKey;
    expect(secretKey).toMatch(/^sk_test_[A-Za-z0-9_-]{43}$/);
    const jwks = (await first.get('/v1/jwks')).body;
    const user = await first.createUser({ email_address: ['persist@example.com'], username: 'persist' });
    const pending = await first.createToken({ user_id: user.id, redirect_url: 'http://localhost:3000/' });
    const revoked = await first.createToken({ user_id: user.id });
    await first.post(`/v1/test_session_tokens/${revoked.id}/revoke`);
    const used = await first.createToken({ user_id: user.id });
    const { session, jwt } = await first.accept(used.token);
    const before = {
      instanceId: first.tessera.instanceId,
      publishableKey: first.tessera.publishableKey,
      user: (await first.get(`/v1/users/${user.id}`)).body,
      tokens: (await first.get('/v1/test_session_tokens')).body,
      session: (await first.get(`/v1/sessions/${session.id}`)).body,
    };
    await stop(first);

    clock.advance(5000);
    const second = await start({ knownSecretKey: secretKey });
    expect(second.tessera.created).toBe(false);
    expect(second.tessera.secretKey).toBeUndefined();
    expect(second.tessera.environment).toBe('development');
    expect(second.tessera.instanceId).toBe(before.instanceId);
    expect(second.tessera.publishableKey).toBe(before.publishableKey);
    expect((await second.get('/v1/jwks')).body).toEqual(jwks);
    expect((await second.get('/.well-known/jwks.json', { auth: false })).body).toEqual(jwks);

    expect((await second.get(`/v1/users/${user.id}`)).body).toEqual(before.user);
    expect((await second.get('/v1/users?email_address=persist@example.com')).body).toEqual([before.user]);
    expect((await second.get('/v1/test_session_tokens')).body).toEqual(before.tokens);
    expect((await second.get(`/v1/sessions/${session.id}`)).body).toEqual(before.session);

    // A JWT minted before the restart verifies against the JWKS served after it.
    const keys = createLocalJWKSet((await second.get('/.well-known/jwks.json', { auth: false })).body);
    const { payload } = await jwtVerify(jwt, keys, { currentDate: clock.date(), issuer: PUBLIC_URL });
    expect(payload.sid).toBe(session.id);

    // Tokens and sessions keep working: the pending ticket signs in, the revoked one does not.
    const accepted = await second.accept(pending.token);
    expect(accepted.session.user_id).toBe(user.id);
    expect((await jwtVerify(accepted.jwt, keys, { currentDate: clock.date() })).payload.azp).toBe(
      'http://localhost:3000',
    );
    expectError(
      await second.post('/v1/tickets/accept', { ticket: revoked.token }, { auth: false }),
      410,
      'ticket_revoked',
    );
    expectError(
      await second.post('/v1/tickets/accept', { ticket: used.token }, { auth: false }),
      409,
      'ticket_already_used',
    );
    expect((await second.post(`/v1/sessions/${session.id}/tokens`)).status).toBe(200);
    expectError(await second.get('/v1/users', { auth: newSecretKey() }), 401, 'clerk_key_invalid');
  });

  it('keeps a pinned secret key working, and lets a newly pinned key replace it', async () => {
    const pinned = newSecretKey();
    const first = await start({ secretKey: pinned });
    expect(first.tessera.secretKey).toBe(pinned);
    const user = await first.createUser({ username: 'pinned' });
    await stop(first);

    const again = await start({ secretKey: pinned });
    expect(again.tessera.created).toBe(false);
    expect((await again.get(`/v1/users/${user.id}`)).status).toBe(200);
    await stop(again);

    const replacement = newSecretKey();
    const replaced = await start({ secretKey: replacement });
    expect((await replaced.get(`/v1/users/${user.id}`)).status).toBe(200);
    expectError(await replaced.get(`/v1/users/${user.id}`, { auth: pinned }), 401, 'clerk_key_invalid');
    await stop(replaced);

    // Unpinned, the last pinned key is the instance's key.
    const unpinned = await start({ knownSecretKey: replacement });
    expect((await unpinned.get(`/v1/users/${user.id}`)).status).toBe(200);
    expectError(await unpinned.get('/v1/users', { auth: pinned }), 401, 'clerk_key_invalid');
  });

  it('keeps a production instance production, and refuses a key of the other environment', async () => {
    const live = newSecretKey('live');
    const first = await start({ secretKey: live, enableTestSessionTokens: true });
    expect(first.tessera.environment).toBe('production');
    const publishableKey = first.tessera.publishableKey;
    expect(publishableKey).toMatch(/^pk_live_/);
    const user = await first.createUser({ username: 'live-user' });
    const issued = await first.createToken({ user_id: user.id });
    await stop(first);

    await expect(
      startTessera({
        databaseUrl,
        clock,
        publicUrl: PUBLIC_URL,
        secretKey: newSecretKey('test'),
        log: () => {},
      }),
    ).rejects.toThrow();

    const second = await start({ knownSecretKey: live });
    expect(second.tessera.environment).toBe('production');
    expect(second.tessera.publishableKey).toBe(publishableKey);
    expect((await second.get('/v1/users')).status).toBe(200);
    // Restarted without TESSERA_ENABLE_TEST_SESSION_TOKENS, it refuses the tokens issued before.
    expectError(
      await second.post('/v1/tickets/accept', { ticket: issued.token }, { auth: false }),
      403,
      'test_session_tokens_disabled',
    );
    expect((await second.get(`/v1/sessions?user_id=${user.id}`)).body).toEqual([]);
    expect((await second.get(`/v1/test_session_tokens/${issued.id}`)).body.status).toBe('pending');
  });
});
