import { createBackendApiClient } from '@tessera/backend';
import { describe, expect, it } from 'vitest';
import { fakeFetch, jsonReply, wireError } from './support/fake-fetch';
import { API, type Client, clientWith, expectRequest } from './support/requests';
import {
  paginatedJSON,
  SECRET_KEY,
  SESSION_ID,
  sessionJSON,
  TOKEN_ID,
  testSessionTokenJSON,
  USER_ID,
  userJSON,
} from './support/wire-fixtures';

describe('testSessionTokens', () => {
  it('create sends snake_case params with an idempotency key', async () => {
    const { client, fake } = clientWith(testSessionTokenJSON());
    const token = await client.testSessionTokens.create({
      userId: USER_ID,
      sessionMaxDurationInSeconds: 1800,
      redirectUrl: 'https://app.test/home',
      expiresInSeconds: 300,
    });
    expectRequest(fake, {
      method: 'POST',
      path: '/v1/test_session_tokens',
      body: {
        user_id: USER_ID,
        session_max_duration_in_seconds: 1800,
        redirect_url: 'https://app.test/home',
        expires_in_seconds: 300,
      },
      idempotent: true,
    });
    expect(token).toMatchObject({
      object: 'test_session_token',
      id: TOKEN_ID,
      status: 'pending',
      token: 'ticket-value',
    });
  });

  it('create by identifier, with a caller-chosen idempotency key', async () => {
    const { client, fake } = clientWith(testSessionTokenJSON());
    await client.testSessionTokens.create({ identifier: 'ada@example.com' }, { idempotencyKey: 'fixture-1' });
    expectRequest(fake, {
      method: 'POST',
      path: '/v1/test_session_tokens',
      body: { identifier: 'ada@example.com' },
      idempotent: 'fixture-1',
    });
  });

  it('get, revoke', async () => {
    const get = clientWith(testSessionTokenJSON({ token: null, url: null }));
    expect((await get.client.testSessionTokens.get(TOKEN_ID)).token).toBeNull();
    expectRequest(get.fake, { method: 'GET', path: `/v1/test_session_tokens/${TOKEN_ID}` });

    const revoke = clientWith(testSessionTokenJSON({ status: 'revoked' }));
    expect((await revoke.client.testSessionTokens.revoke(TOKEN_ID)).status).toBe('revoked');
    expectRequest(revoke.fake, { method: 'POST', path: `/v1/test_session_tokens/${TOKEN_ID}/revoke` });
  });

  it('list asks for the paginated form and maps it', async () => {
    const { client, fake } = clientWith(paginatedJSON([testSessionTokenJSON()], 7));
    const page = await client.testSessionTokens.list({
      userId: USER_ID,
      status: 'pending',
      limit: 5,
      offset: 0,
    });
    expectRequest(fake, {
      method: 'GET',
      path: '/v1/test_session_tokens',
      query: [
        ['user_id', USER_ID],
        ['status', 'pending'],
        ['limit', '5'],
        ['offset', '0'],
        ['paginated', 'true'],
      ],
    });
    expect(page.totalCount).toBe(7);
    expect(page.data[0]?.id).toBe(TOKEN_ID);
  });

  it('accept posts the ticket without the secret key', async () => {
    const fake = fakeFetch(jsonReply({ object: 'ticket_acceptance', session: sessionJSON(), jwt: 'a.b.c' }));
    const client = createBackendApiClient({ secretKey: SECRET_KEY, apiUrl: API, fetch: fake.fetch });
    const { session, jwt } = await client.testSessionTokens.accept('ticket-value');
    const call = fake.only();
    expect(call.method).toBe('POST');
    expect(call.url.href).toBe(`${API}/v1/tickets/accept`);
    expect(call.body).toEqual({ ticket: 'ticket-value' });
    expect(call.headers.Authorization).toBeUndefined();
    expect(session.id).toBe(SESSION_ID);
    expect(jwt).toBe('a.b.c');
  });
});

describe('users', () => {
  it('create keeps metadata keys as given', async () => {
    const { client, fake } = clientWith(userJSON());
    await client.users.create({
      emailAddress: ['ada@example.com'],
      username: 'ada',
      firstName: 'Ada',
      lastName: 'Lovelace',
      externalId: 'ext-1',
      publicMetadata: { someKey: { innerKey: 1 } },
      privateMetadata: { camelCase: true },
      unsafeMetadata: {},
    });
    expectRequest(fake, {
      method: 'POST',
      path: '/v1/users',
      body: {
        email_address: ['ada@example.com'],
        username: 'ada',
        first_name: 'Ada',
        last_name: 'Lovelace',
        external_id: 'ext-1',
        public_metadata: { someKey: { innerKey: 1 } },
        private_metadata: { camelCase: true },
        unsafe_metadata: {},
      },
      idempotent: true,
    });
  });

  it('get, update, delete, ban, unban', async () => {
    const cases = [
      {
        call: (c: Client) => c.users.get(USER_ID),
        method: 'GET',
        path: `/v1/users/${USER_ID}`,
        reply: userJSON(),
      },
      {
        call: (c: Client) => c.users.update(USER_ID, { firstName: 'Augusta', lastName: null }),
        method: 'PATCH',
        path: `/v1/users/${USER_ID}`,
        body: { first_name: 'Augusta', last_name: null },
        reply: userJSON(),
      },
      {
        call: (c: Client) => c.users.delete(USER_ID),
        method: 'DELETE',
        path: `/v1/users/${USER_ID}`,
        reply: { object: 'user', id: USER_ID, deleted: true },
      },
      {
        call: (c: Client) => c.users.ban(USER_ID),
        method: 'POST',
        path: `/v1/users/${USER_ID}/ban`,
        reply: userJSON({ banned: true }),
      },
      {
        call: (c: Client) => c.users.unban(USER_ID),
        method: 'POST',
        path: `/v1/users/${USER_ID}/unban`,
        reply: userJSON(),
      },
    ];
    for (const { call, reply, ...expected } of cases) {
      const { client, fake } = clientWith(reply);
      await call(client);
      expectRequest(fake, expected);
    }
  });

  it('list sends arrays as repeated keys and asks for the paginated form', async () => {
    const { client, fake } = clientWith(paginatedJSON([userJSON()], 1));
    const page = await client.users.list({
      emailAddress: ['a@x.io', 'b@x.io'],
      userId: [USER_ID],
      query: 'ad',
      orderBy: '-created_at',
      limit: 20,
    });
    expectRequest(fake, {
      method: 'GET',
      path: '/v1/users',
      query: [
        ['email_address', 'a@x.io'],
        ['email_address', 'b@x.io'],
        ['user_id', USER_ID],
        ['query', 'ad'],
        ['order_by', '-created_at'],
        ['limit', '20'],
        ['paginated', 'true'],
      ],
    });
    expect(page).toMatchObject({ totalCount: 1, data: [{ id: USER_ID }] });
  });

  it('count returns the number', async () => {
    const { client, fake } = clientWith({ object: 'total_count', total_count: 42 });
    expect(await client.users.count({ username: ['ada'] })).toBe(42);
    expectRequest(fake, { method: 'GET', path: '/v1/users/count', query: [['username', 'ada']] });
  });
});

describe('sessions', () => {
  it('get, revoke, getToken, list', async () => {
    const get = clientWith(sessionJSON());
    expect((await get.client.sessions.get(SESSION_ID)).actor).toEqual({
      sub: TOKEN_ID,
      type: 'test_session_token',
    });
    expectRequest(get.fake, { method: 'GET', path: `/v1/sessions/${SESSION_ID}` });

    const revoke = clientWith(sessionJSON({ status: 'revoked' }));
    expect((await revoke.client.sessions.revoke(SESSION_ID)).status).toBe('revoked');
    expectRequest(revoke.fake, { method: 'POST', path: `/v1/sessions/${SESSION_ID}/revoke` });

    const token = clientWith({ object: 'token', jwt: 'x.y.z' });
    expect(await token.client.sessions.getToken(SESSION_ID)).toEqual({ object: 'token', jwt: 'x.y.z' });
    expectRequest(token.fake, { method: 'POST', path: `/v1/sessions/${SESSION_ID}/tokens` });

    const timed = clientWith({ object: 'token', jwt: 'x.y.z' });
    await timed.client.sessions.getToken(SESSION_ID, { expiresInSeconds: 120 });
    expectRequest(timed.fake, {
      method: 'POST',
      path: `/v1/sessions/${SESSION_ID}/tokens`,
      body: { expires_in_seconds: 120 },
    });

    const list = clientWith(paginatedJSON([sessionJSON()], 3));
    const page = await list.client.sessions.list({ userId: USER_ID, status: 'active' });
    expectRequest(list.fake, {
      method: 'GET',
      path: '/v1/sessions',
      query: [
        ['user_id', USER_ID],
        ['status', 'active'],
        ['paginated', 'true'],
      ],
    });
    expect(page.totalCount).toBe(3);
  });

  it('end', async () => {
    const end = clientWith(sessionJSON({ status: 'ended' }));
    expect((await end.client.sessions.end(SESSION_ID)).status).toBe('ended');
    expectRequest(end.fake, { method: 'POST', path: `/v1/sessions/${SESSION_ID}/end` });
  });

  it('redeemHandoff and refresh send the secret in the body, never in the URL, and are not retried', async () => {
    const redeem = fakeFetch(
      jsonReply({ object: 'session_handoff', session: sessionJSON(), jwt: 'x.y.z', refresh_token: 'rt_1' }),
    );
    const redeemClient = createBackendApiClient({ secretKey: SECRET_KEY, apiUrl: API, fetch: redeem.fetch });
    const handed = await redeemClient.sessions.redeemHandoff('handoff-value');
    expectRequest(redeem, {
      method: 'POST',
      path: '/v1/session_handoffs/redeem',
      body: { handoff: 'handoff-value' },
    });
    expect(handed).toEqual({
      object: 'session_handoff',
      session: expect.objectContaining({ object: 'session', id: SESSION_ID }),
      jwt: 'x.y.z',
      refreshToken: 'rt_1',
    });

    const refresh = clientWith({ object: 'session_refresh', session: sessionJSON(), jwt: 'a.b.c' });
    const refreshed = await refresh.client.sessions.refresh('rt_1');
    expectRequest(refresh.fake, {
      method: 'POST',
      path: '/v1/sessions/refresh',
      body: { refresh_token: 'rt_1' },
    });
    expect(refreshed).toMatchObject({ object: 'session_refresh', session: { id: SESSION_ID }, jwt: 'a.b.c' });

    const failing = fakeFetch(wireError(503, 'service_unavailable'));
    const retrying = createBackendApiClient({
      secretKey: SECRET_KEY,
      apiUrl: API,
      fetch: failing.fetch,
      sleep: async () => {},
    });
    await expect(retrying.sessions.redeemHandoff('h')).rejects.toMatchObject({ status: 503 });
    await expect(retrying.sessions.refresh('r')).rejects.toMatchObject({ status: 503 });
    expect(failing.calls).toHaveLength(2);
  });
});

describe('jwks', () => {
  it('get', async () => {
    const key = { kty: 'RSA', kid: 'kid_1', alg: 'RS256', use: 'sig', n: 'AQAB', e: 'AQAB' };
    const { client, fake } = clientWith({ keys: [key] });
    expect(await client.jwks.get()).toEqual({ keys: [key] });
    expectRequest(fake, { method: 'GET', path: '/v1/jwks' });
  });
});

describe('base URL and version', () => {
  it('honours apiUrl (trailing slash trimmed) and apiVersion', async () => {
    const fake = fakeFetch(jsonReply(userJSON()));
    const client = createBackendApiClient({
      secretKey: SECRET_KEY,
      apiUrl: 'https://auth.example.com/base/',
      apiVersion: 'v2',
      userAgent: 'my-tests/1.0',
      fetch: fake.fetch,
    });
    await client.users.get(USER_ID);
    expect(fake.only().url.href).toBe(`https://auth.example.com/base/v2/users/${USER_ID}`);
    expect(fake.only().headers['User-Agent']).toBe('my-tests/1.0');
  });

  it('refuses ids that would change the path, before any request', async () => {
    const { client, fake } = clientWith(userJSON());
    await expect(client.users.get('../users')).rejects.toMatchObject({
      code: 'configuration_invalid',
      option: 'userId',
    });
    await expect(client.sessions.revoke('')).rejects.toMatchObject({ option: 'sessionId' });
    await expect(client.testSessionTokens.accept('')).rejects.toMatchObject({ option: 'token' });
    await expect(client.sessions.end('sess_1/../x')).rejects.toMatchObject({ option: 'sessionId' });
    await expect(client.sessions.redeemHandoff('')).rejects.toMatchObject({ option: 'handoff' });
    await expect(client.sessions.refresh('')).rejects.toMatchObject({ option: 'refreshToken' });
    expect(fake.calls).toHaveLength(0);
  });
});
