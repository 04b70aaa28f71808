import { createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, ID, type Json, startTestServer, type TestServer, unknownId } from './support/tessera';

let server: TestServer;
let user: Json;

beforeAll(async () => {
  server = await startTestServer();
  user = await server.createUser({ email_address: ['sam@example.com'], username: 'sam' });
});

afterAll(async () => {
  await server.close();
});

/** A new session of `user` started through a test session token; returns it and its token. */
async function newSession(
  params: Record<string, unknown> = {},
): Promise<{ session: Json; token: Json; jwt: string }> {
  const token = await server.createToken({ user_id: user.id, ...params });
  const { session, jwt } = await server.accept(token.token);
  return { session, token, jwt };
}

async function mint(sessionId: string, body?: unknown): Promise<string> {
  const reply = await server.post(`/v1/sessions/${sessionId}/tokens`, body);
  expect(reply.status, reply.text).toBe(200);
  expect(Object.keys(reply.body).sort()).toEqual(['jwt', 'object']);
  expect(reply.body.object).toBe('token');
  return reply.body.jwt;
}

async function verify(target: TestServer, jwt: string, at = target.clock.date()) {
  const jwks = (await target.get('/.well-known/jwks.json', { auth: false })).body;
  return jwtVerify(jwt, createLocalJWKSet(jwks), { currentDate: at, algorithms: ['RS256'] });
}

describe('GET /v1/sessions/{id}', () => {
  it('answers the session in the wire shape, marked as started by a test session token', async () => {
    const { session, token } = await newSession({ session_max_duration_in_seconds: 3600 });
    const reply = await server.get(`/v1/sessions/${session.id}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      object: 'session',
      id: expect.stringMatching(ID.session),
      client_id: expect.stringMatching(ID.client),
      user_id: user.id,
      status: 'active',
      actor: { sub: token.id, type: 'test_session_token' },
      last_active_organization_id: null,
      last_active_at: server.clock.t,
      expire_at: server.clock.t + 3_600_000,
      abandon_at: server.clock.t + 3_600_000,
      created_at: server.clock.t,
      updated_at: server.clock.t,
    });
    expect(reply.body).toEqual(session);
  });

  it('reports an active session past expire_at as expired', async () => {
    const { session } = await newSession({ session_max_duration_in_seconds: 60 });
    server.clock.advance(59_999);
    expect((await server.get(`/v1/sessions/${session.id}`)).body.status).toBe('active');
    server.clock.advance(1);
    expect((await server.get(`/v1/sessions/${session.id}`)).body.status).toBe('expired');
  });

  it('answers 404 for an unknown id, and for a malformed one', async () => {
    expectError(await server.get(`/v1/sessions/${unknownId('sess')}`), 404, 'resource_not_found');
    expectError(await server.get('/v1/sessions/not-an-id'), 404, 'resource_not_found');
  });
});

describe('GET /v1/sessions', () => {
  let listing: TestServer;
  let ann: Json;
  let ben: Json;
  let active: Json;
  let revoked: Json;
  let expiring: Json;
  let other: Json;

  beforeAll(async () => {
    listing = await startTestServer();
    ann = await listing.createUser({ username: 'ann' });
    ben = await listing.createUser({ username: 'ben' });
    const start = async (userId: string, maxDuration = 1800) => {
      listing.clock.advance(1000);
      const token = await listing.createToken({
        user_id: userId,
        session_max_duration_in_seconds: maxDuration,
      });
      return (await listing.accept(token.token)).session;
    };
    expiring = await start(ann.id, 60);
    revoked = await start(ann.id);
    active = await start(ann.id);
    other = await start(ben.id);
    expect((await listing.post(`/v1/sessions/${revoked.id}/revoke`)).status).toBe(200);
    listing.clock.advance(60_000);
  });

  afterAll(async () => {
    await listing.close();
  });

  const ids = (reply: { body: Json }) => (reply.body as Json[]).map((session) => session.id);

  it('lists newest first as a bare array', async () => {
    const reply = await listing.get('/v1/sessions');
    expect(reply.status).toBe(200);
    expect(ids(reply)).toEqual([other.id, active.id, revoked.id, expiring.id]);
  });

  it('filters by user_id, client_id and status, telling expired from active by the clock', async () => {
    expect(ids(await listing.get(`/v1/sessions?user_id=${ann.id}`))).toEqual([
      active.id,
      revoked.id,
      expiring.id,
    ]);
    expect(ids(await listing.get(`/v1/sessions?client_id=${other.client_id}`))).toEqual([other.id]);
    expect(ids(await listing.get(`/v1/sessions?user_id=${ann.id}&status=active`))).toEqual([active.id]);
    expect(ids(await listing.get('/v1/sessions?status=revoked'))).toEqual([revoked.id]);
    const expired = await listing.get('/v1/sessions?status=expired');
    expect(ids(expired)).toEqual([expiring.id]);
    expect(expired.body[0].status).toBe('expired');
    expect(ids(await listing.get('/v1/sessions?status=ended'))).toEqual([]);
  });

  it('answers { data, total_count } with paginated=true, and pages', async () => {
    const reply = await listing.get(`/v1/sessions?paginated=true&user_id=${ann.id}&limit=2`);
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(['data', 'total_count']);
    expect(reply.body.total_count).toBe(3);
    expect(reply.body.data.map((session: Json) => session.id)).toEqual([active.id, revoked.id]);
    expect(ids(await listing.get(`/v1/sessions?user_id=${ann.id}&limit=2&offset=2`))).toEqual([expiring.id]);
    expect(ids(await listing.get('/v1/sessions?order_by=%2Bcreated_at&limit=1'))).toEqual([expiring.id]);
    expect((await listing.get('/v1/sessions?paginated=true&status=expired')).body.total_count).toBe(1);
  });

  it.each([
    ['status', 'status=pending'],
    ['user_id', 'user_id=ann'],
    ['client_id', 'client_id=sess_x'],
    ['limit', 'limit=501'],
    ['offset', 'offset=x'],
    ['order_by', 'order_by=user_id'],
  ])('refuses a bad %s with 422', async (param, query) => {
    expectError(await listing.get(`/v1/sessions?${query}`), 422, 'form_param_value_invalid', param);
  });
});

describe('POST /v1/sessions/{id}/revoke', () => {
  it('revokes an active session once', async () => {
    const { session } = await newSession();
    server.clock.advance(2000);
    const reply = await server.post(`/v1/sessions/${session.id}/revoke`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: session.id, status: 'revoked', updated_at: server.clock.t });
    expect((await server.get(`/v1/sessions/${session.id}`)).body.status).toBe('revoked');
    expectError(await server.post(`/v1/sessions/${session.id}/revoke`), 400, 'session_cannot_be_revoked');
  });

  it('revokes once when ten revokes race', async () => {
    const { session } = await newSession();
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => server.post(`/v1/sessions/${session.id}/revoke`)),
    );
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(1);
    for (const reply of replies.filter((r) => r.status !== 200))
      expectError(reply, 400, 'session_cannot_be_revoked');
  });

  it('refuses to revoke an expired session', async () => {
    const { session } = await newSession({ session_max_duration_in_seconds: 60 });
    server.clock.advance(60_000);
    expectError(await server.post(`/v1/sessions/${session.id}/revoke`), 400, 'session_cannot_be_revoked');
    expect((await server.get(`/v1/sessions/${session.id}`)).body.status).toBe('expired');
  });

  it('answers 404 for an unknown id', async () => {
    expectError(await server.post(`/v1/sessions/${unknownId('sess')}/revoke`), 404, 'resource_not_found');
  });
});

describe('POST /v1/sessions/{id}/tokens', () => {
  it('issues a fresh RS256 JWT that verifies against the JWKS, with every claim', async () => {
    const { session, token } = await newSession({ redirect_url: 'http://localhost:3000/app' });
    server.clock.advance(10_500);
    const jwt = await mint(session.id);

    const header = decodeProtectedHeader(jwt);
    const jwks = (await server.get('/v1/jwks')).body;
    expect(header).toEqual({ alg: 'RS256', kid: jwks.keys[0].kid, typ: 'JWT' });

    const { payload } = await verify(server, jwt);
    const iat = Math.floor(server.clock.t / 1000);
    expect(payload).toEqual({
      iss: server.tessera.publicUrl,
      sub: user.id,
      sid: session.id,
      iat,
      nbf: iat,
      exp: iat + 60,
      azp: 'http://localhost:3000',
      v: 2,
      sts: 'active',
      fva: [0, -1],
      act: { sub: token.id, type: 'test_session_token' },
    });
    // Minting marks the session as active just now.
    expect((await server.get(`/v1/sessions/${session.id}`)).body.last_active_at).toBe(server.clock.t);
  });

  it('leaves azp out when the session was handed to no known origin', async () => {
    const { session, jwt: first } = await newSession();
    const { payload } = await verify(server, await mint(session.id));
    expect(payload).not.toHaveProperty('azp');
    expect((await verify(server, first)).payload).not.toHaveProperty('azp');
  });

  it('honours expires_in_seconds within 1..3600', async () => {
    const { session } = await newSession({ session_max_duration_in_seconds: 7200 });
    const { payload } = await verify(server, await mint(session.id, { expires_in_seconds: 3600 }));
    expect(payload.exp! - payload.iat!).toBe(3600);
    const short = await verify(server, await mint(session.id, { expires_in_seconds: 1 }));
    expect(short.payload.exp! - short.payload.iat!).toBe(1);
    for (const bad of [0, 3601, 1.5, '60']) {
      expectError(
        await server.post(`/v1/sessions/${session.id}/tokens`, { expires_in_seconds: bad }),
        422,
        'form_param_value_invalid',
        'expires_in_seconds',
      );
    }
    expectError(
      await server.post(`/v1/sessions/${session.id}/tokens`, { template: 'x' }),
      422,
      'form_param_unknown',
      'template',
    );
  });

  it('never lets a JWT outlive its session', async () => {
    const { session } = await newSession({ session_max_duration_in_seconds: 60 });
    server.clock.advance(45_250);
    const { payload } = await verify(server, await mint(session.id, { expires_in_seconds: 3600 }));
    expect(payload.exp! * 1000).toBeLessThanOrEqual(session.expire_at);
    expect(payload.exp).toBe(Math.floor(session.expire_at / 1000));
    const defaults = await verify(server, await mint(session.id));
    expect(defaults.payload.exp! * 1000).toBeLessThanOrEqual(session.expire_at);
  });

  it('gives a JWT that jose refuses once it has expired', async () => {
    const { session } = await newSession();
    const jwt = await mint(session.id);
    await expect(verify(server, jwt, new Date(server.clock.t + 61_000))).rejects.toBeInstanceOf(
      joseErrors.JWTExpired,
    );
  });

  it('refuses with 400 session_not_active once the session is revoked or expired', async () => {
    const revoked = await newSession();
    await server.post(`/v1/sessions/${revoked.session.id}/revoke`);
    expectError(await server.post(`/v1/sessions/${revoked.session.id}/tokens`), 400, 'session_not_active');

    const expiring = await newSession({ session_max_duration_in_seconds: 60 });
    server.clock.advance(60_000);
    expectError(await server.post(`/v1/sessions/${expiring.session.id}/tokens`), 400, 'session_not_active');
  });

  it('answers 404 for an unknown session', async () => {
    expectError(await server.post(`/v1/sessions/${unknownId('sess')}/tokens`), 404, 'resource_not_found');
  });

  it('uses the instance’s session token lifetime', async () => {
    const custom = await startTestServer({ sessionTokenLifetimeSeconds: 300 });
    try {
      const someone = await custom.createUser();
      const token = await custom.createToken({ user_id: someone.id });
      const { session, jwt } = await custom.accept(token.token);
      expect((await verify(custom, jwt)).payload.exp).toBe(Math.floor(custom.clock.t / 1000) + 300);
      const reply = await custom.post(`/v1/sessions/${session.id}/tokens`);
      const { payload } = await verify(custom, reply.body.jwt);
      expect(payload.exp! - payload.iat!).toBe(300);
    } finally {
      await custom.close();
    }
  });
});

describe('JWKS', () => {
  it('serves the same RSA-2048 keys at /v1/jwks (secret key) and /.well-known/jwks.json (public)', async () => {
    const backend = await server.get('/v1/jwks');
    const wellKnown = await server.get('/.well-known/jwks.json', { auth: false });
    expect(backend.status).toBe(200);
    expect(wellKnown.status).toBe(200);
    expect(backend.headers['content-type']).toBe('application/json');
    expect(wellKnown.headers['content-type']).toBe('application/json');
    expect(wellKnown.body).toEqual(backend.body);
    expect(backend.body.keys).toHaveLength(1);
    const [key] = backend.body.keys;
    expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB' });
    // 2048 bits: 256 bytes, 342 characters of base64url.
    expect(Buffer.from(key.n, 'base64url')).toHaveLength(256);
    expect(key.n).toHaveLength(342);
  });

  it('needs the secret key on /v1/jwks only', async () => {
    expectError(await server.get('/v1/jwks', { auth: false }), 401, 'authentication_invalid');
    expect(
      (await server.get('/.well-known/jwks.json', { auth: false, headers: { 'content-type': undefined } }))
        .status,
    ).toBe(200);
  });

  it('rotates: a new key signs, the old one stays published until its last JWT has expired', async () => {
    const rotating = await startTestServer();
    try {
      const someone = await rotating.createUser();
      const token = await rotating.createToken({
        user_id: someone.id,
        session_max_duration_in_seconds: 604_800,
      });
      const { session, jwt: before } = await rotating.accept(token.token);
      const [oldKey] = (await rotating.get('/v1/jwks')).body.keys;

      expectError(
        await rotating.post('/v1/jwks/rotate', undefined, { auth: false }),
        401,
        'authentication_invalid',
      );
      const reply = await rotating.post('/v1/jwks/rotate');
      expect(reply.status).toBe(200);
      const [newKey, ...rest] = reply.body.keys;
      expect(newKey.kid).not.toBe(oldKey.kid);
      expect(rest).toEqual([oldKey]);
      expect((await rotating.get('/.well-known/jwks.json', { auth: false })).body).toEqual(reply.body);

      const after = (await rotating.post(`/v1/sessions/${session.id}/tokens`)).body.jwt;
      expect(decodeProtectedHeader(after).kid).toBe(newKey.kid);
      expect((await verify(rotating, after)).payload.sid).toBe(session.id);
      expect((await verify(rotating, before)).payload.sid).toBe(session.id);

      // Past the longest JWT lifetime (3600 s) and the refresh margin, the old key leaves the JWKS.
      rotating.clock.advance(3600_000 + 2_000 + 1);
      expect((await rotating.get('/v1/jwks')).body.keys.map((key: Json) => key.kid)).toEqual([newKey.kid]);
    } finally {
      await rotating.close();
    }
  });

  it('does not verify a JWT signed by another instance', async () => {
    const stranger = await startTestServer();
    try {
      const someone = await stranger.createUser();
      const token = await stranger.createToken({ user_id: someone.id });
      const { jwt } = await stranger.accept(token.token);
      await expect(verify(server, jwt)).rejects.toBeInstanceOf(Error);
      await expect(verify(stranger, jwt)).resolves.toBeDefined();
    } finally {
      await stranger.close();
    }
  });
});
