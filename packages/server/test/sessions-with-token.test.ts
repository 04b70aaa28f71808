import { createBackendApiClient, verifyToken } from '@tessera/backend';
import { ApiError } from '@tessera/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onEveryDatabase, type StartServer } from './support/every-database';
import {
  expectError,
  FakeClock,
  type Json,
  jwtKeyOf,
  newSecretKey,
  type TestServer,
  unknownId,
} from './support/tessera';

// One call from a user id to a JWT an app accepts: over HTTP (`POST /v1/sessions/with_token`, the
// SDK's `sessions.createWithToken`) and in the test's own process (`createSessionWithToken`).

function suite(database: string, start: StartServer) {
  describe(`a session and its first JWT in one call, on ${database}`, () => {
    let server: TestServer;
    let jwtKey: string;

    beforeAll(async () => {
      // verifyToken checks exp against the real time: the server's clock starts now.
      server = await start({ clock: new FakeClock(Date.now()) });
      jwtKey = await jwtKeyOf(server);
    });
    afterAll(() => server.close());

    const sessionsOf = async (userId: string) =>
      (await server.get(`/v1/sessions?paginated=true&user_id=${userId}`)).body.total_count as number;

    it('POST /v1/sessions/with_token answers an active session and a JWT an app accepts for it, audited', async () => {
      const user = await server.createUser({ username: 'with-token' });
      const reply = await server.post('/v1/sessions/with_token', {
        user_id: user.id,
        session_max_duration_in_seconds: 600,
      });
      expect(reply.status, reply.text).toBe(200);
      const { object, session, jwt } = reply.body as Json;
      expect(object).toBe('session_with_token');
      expect(session).toMatchObject({ object: 'session', user_id: user.id, status: 'active', actor: null });
      expect(session.expire_at).toBe(server.clock.t + 600_000);
      const claims = await verifyToken(jwt, { jwtKey });
      expect({ sub: claims.sub, sid: claims.sid }).toEqual({ sub: user.id, sid: session.id });
      expect(claims.exp - claims.iat).toBe(60);
      const events = await server.get(`/v1/audit_events?session_id=${session.id}`);
      expect(events.body.map((event: Json) => [event.type, event.actor.type])).toEqual([
        ['session.started', 'secret_key'],
      ]);
      expect((await server.get(`/v1/sessions/${session.id}`)).body.status).toBe('active');
    });

    it('is refused as POST /v1/sessions is (locked, banned, unknown, missing), starting nothing', async () => {
      const user = await server.createUser({ username: 'with-token-refused' });
      await server.post(`/v1/users/${user.id}/lock`);
      expectError(
        await server.post('/v1/sessions/with_token', { user_id: user.id }),
        403,
        'user_locked',
        'user_id',
      );
      await server.post(`/v1/users/${user.id}/unlock`);
      await server.post(`/v1/users/${user.id}/ban`);
      expectError(
        await server.post('/v1/sessions/with_token', { user_id: user.id }),
        403,
        'user_banned',
        'user_id',
      );
      expectError(
        await server.post('/v1/sessions/with_token', { user_id: unknownId('user') }),
        404,
        'resource_not_found',
        'user_id',
      );
      expectError(await server.post('/v1/sessions/with_token', {}), 422, 'form_param_missing', 'user_id');
      expectError(
        await server.post('/v1/sessions/with_token', {
          user_id: user.id,
          session_max_duration_in_seconds: 5,
        }),
        422,
        'form_param_value_invalid',
        'session_max_duration_in_seconds',
      );
      expect(await sessionsOf(user.id)).toBe(0);
    });

    it("is the SDK's sessions.createWithToken, which a retry with the same Idempotency-Key answers again without a second session", async () => {
      const user = await server.createUser({ username: 'with-token-sdk' });
      const client = createBackendApiClient({ apiUrl: server.tessera.url, secretKey: server.secretKey });
      const first = await client.sessions.createWithToken({ userId: user.id }, { idempotencyKey: 'once-1' });
      expect(first.session).toMatchObject({ userId: user.id, status: 'active' });
      expect((await verifyToken(first.jwt, { jwtKey })).sid).toBe(first.session.id);
      const again = await client.sessions.createWithToken({ userId: user.id }, { idempotencyKey: 'once-1' });
      expect([again.session.id, again.jwt]).toEqual([first.session.id, first.jwt]);
      expect(await sessionsOf(user.id)).toBe(1);
    });

    it("in the test's own process: tessera.createSessionWithToken gives the same, and rejects with the API's error", async () => {
      const user = await server.createUser({ username: 'with-token-in-process' });
      const { object, session, jwt } = await server.tessera.createSessionWithToken({ userId: user.id });
      expect(object).toBe('session_with_token');
      expect(session).toMatchObject({ user_id: user.id, status: 'active' });
      expect(session.expire_at).toBe(server.clock.t + 1_800_000);
      expect((await verifyToken(jwt, { jwtKey })).sub).toBe(user.id);
      const events = await server.get(`/v1/audit_events?session_id=${session.id}`);
      expect(events.body.map((event: Json) => [event.type, event.actor.type])).toEqual([
        ['session.started', 'secret_key'],
      ]);

      await server.post(`/v1/users/${user.id}/ban`);
      const refusals = [
        [{ userId: user.id }, 'user_banned', 'user_id'],
        [{ userId: unknownId('user') }, 'resource_not_found', 'user_id'],
        [{ userId: 'not-an-id' }, 'form_param_value_invalid', 'user_id'],
        [{} as { userId: string }, 'form_param_missing', 'user_id'],
        [
          { userId: user.id, sessionMaxDurationInSeconds: 604_801 },
          'form_param_value_invalid',
          'session_max_duration_in_seconds',
        ],
      ] as const;
      for (const [params, code, paramName] of refusals) {
        const error = await server.tessera.createSessionWithToken(params).then(
          () => undefined,
          (failure: unknown) => failure,
        );
        expect(error, code).toBeInstanceOf(ApiError);
        expect([(error as ApiError).code, (error as ApiError).meta?.param_name]).toEqual([code, paramName]);
      }
      expect(await sessionsOf(user.id)).toBe(1);
    });

    it('is refused on a production instance unless test session tokens are enabled, in and out of process', async () => {
      for (const enabled of [false, true]) {
        const production = await start({ secretKey: newSecretKey('live'), enableTestSessionTokens: enabled });
        try {
          const user = await production.createUser({ username: 'prod-with-token' });
          const reply = await production.post('/v1/sessions/with_token', { user_id: user.id });
          const inProcess = await production.tessera.createSessionWithToken({ userId: user.id }).then(
            (made) => made.object,
            (failure: ApiError) => failure.code,
          );
          if (enabled) {
            expect(reply.status, reply.text).toBe(200);
            expect(inProcess).toBe('session_with_token');
          } else {
            expectError(reply, 403, 'test_session_tokens_disabled');
            expect(inProcess).toBe('test_session_tokens_disabled');
          }
        } finally {
          await production.close();
        }
      }
    });
  });
}

onEveryDatabase('sessions with a token', suite);
