import { createClerkClient } from '@clerk/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, type Json, newSecretKey, startTestServer, type TestServer } from './support/tessera';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('POST /v1/sessions', () => {
  it('gives @clerk/backend’s createSession an active session whose JWT can be minted, and records it', async () => {
    const user = await server.createUser({ username: 'direct' });
    const clerk = createClerkClient({ secretKey: server.secretKey, apiUrl: server.tessera.url });
    const session = await clerk.sessions.createSession({ userId: user.id });
    expect(session).toMatchObject({ userId: user.id, status: 'active', actor: null });
    expect(session.expireAt).toBe(server.clock.t + 1800 * 1000);
    const token = await clerk.sessions.getToken(session.id);
    expect(token.jwt.split('.')).toHaveLength(3);
    const events = await server.get(`/v1/audit_events?session_id=${session.id}`);
    expect(events.body.map((event: Json) => [event.type, event.actor.type])).toEqual([
      ['session.started', 'secret_key'],
    ]);
    expect((await server.get(`/v1/users/${user.id}`)).body.last_sign_in_at).toBe(server.clock.t);
  });

  it('takes a lifetime, and refuses a banned, a locked or an unknown user, starting nothing', async () => {
    const user = await server.createUser({ username: 'direct-refused' });
    const long = await server.post('/v1/sessions', {
      user_id: user.id,
      session_max_duration_in_seconds: 3600,
    });
    expect(long.body.expire_at).toBe(server.clock.t + 3_600_000);
    await server.post(`/v1/users/${user.id}/lock`);
    expectError(await server.post('/v1/sessions', { user_id: user.id }), 403, 'user_locked', 'user_id');
    await server.post(`/v1/users/${user.id}/unlock`);
    await server.post(`/v1/users/${user.id}/ban`);
    expectError(await server.post('/v1/sessions', { user_id: user.id }), 403, 'user_banned', 'user_id');
    expectError(
      await server.post('/v1/sessions', { user_id: `user_${'0'.repeat(25)}zz` }),
      404,
      'resource_not_found',
      'user_id',
    );
    expectError(await server.post('/v1/sessions', {}), 422, 'form_param_missing', 'user_id');
    expect((await server.get(`/v1/sessions?paginated=true&user_id=${user.id}`)).body.total_count).toBe(1);
  });

  it('is refused on a production instance unless test session tokens are enabled, naming the setting', async () => {
    for (const enabled of [false, true]) {
      const production = await startTestServer({
        secretKey: newSecretKey('live'),
        enableTestSessionTokens: enabled,
      });
      try {
        const user = await production.createUser({ username: 'prod' });
        const reply = await production.post('/v1/sessions', { user_id: user.id });
        if (enabled) expect(reply.status, reply.text).toBe(200);
        else
          expect(expectError(reply, 403, 'test_session_tokens_disabled').long_message).toContain(
            'TESSERA_ENABLE_TEST_SESSION_TOKENS',
          );
      } finally {
        await production.close();
      }
    }
  });
});
