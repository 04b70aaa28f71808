import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectError,
  ID,
  type Json,
  newSecretKey,
  startTestServer,
  type TestServer,
  unknownId,
} from './support/tessera';

const TOKENS = '/v1/test_session_tokens';
const DAY = 24 * 3600;

let server: TestServer;
let user: Json;

beforeAll(async () => {
  server = await startTestServer({ allowedRedirectOrigins: ['https://app.example.com'] });
  user = await server.createUser({ email_address: ['tina@example.com'], username: 'tina' });
});

afterAll(async () => {
  await server.close();
});

async function tokenCount(query = ''): Promise<number> {
  const reply = await server.get(`${TOKENS}?paginated=true${query}`);
  expect(reply.status).toBe(200);
  return reply.body.total_count;
}

describe('POST /v1/test_session_tokens', () => {
  it('creates a pending token with its value and URL, and the default lifetimes', async () => {
    const reply = await server.post(TOKENS, { user_id: user.id });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    const token = reply.body;
    expect(token).toEqual({
      object: 'test_session_token',
      id: expect.stringMatching(ID.testSessionToken),
      user_id: user.id,
      status: 'pending',
      // The token's own id, a dot, 256 random bits in base64url.
      token: expect.stringMatching(/^tst_[A-Za-z0-9]{27}\.[A-Za-z0-9_-]{43}$/),
      url: `${server.tessera.publicUrl}/v1/tickets/accept?ticket=${token.token}`,
      redirect_url: null,
      session_id: null,
      organization_id: null,
      expires_at: server.clock.t + 600_000,
      session_max_duration_in_seconds: 1800,
      created_at: server.clock.t,
      updated_at: server.clock.t,
    });
  });

  it('gives every token a different value', async () => {
    const values = new Set<string>();
    for (let i = 0; i < 20; i++) values.add((await server.createToken({ user_id: user.id })).token);
    expect(values.size).toBe(20);
  });

  it('finds the user by identifier: an email address (any case) or a username', async () => {
    const byEmail = await server.createToken({ identifier: 'TINA@Example.COM' });
    expect(byEmail.user_id).toBe(user.id);
    const byUsername = await server.createToken({ identifier: 'tina' });
    expect(byUsername.user_id).toBe(user.id);
  });

  it('refuses an identifier, or a user_id, that names no user, and writes nothing', async () => {
    const before = await tokenCount();
    expectError(
      await server.post(TOKENS, { identifier: 'nobody@example.com' }),
      404,
      'resource_not_found',
      'identifier',
    );
    expectError(await server.post(TOKENS, { identifier: 'nobody' }), 404, 'resource_not_found', 'identifier');
    expectError(
      await server.post(TOKENS, { user_id: unknownId('user') }),
      404,
      'resource_not_found',
      'user_id',
    );
    expect(await tokenCount()).toBe(before);
  });

  it('needs exactly one of user_id and identifier', async () => {
    expectError(await server.post(TOKENS, {}), 422, 'form_param_missing', 'user_id');
    expectError(await server.post(TOKENS), 422, 'form_param_missing', 'user_id');
    expectError(
      await server.post(TOKENS, { user_id: user.id, identifier: 'tina' }),
      422,
      'form_param_value_invalid',
      'identifier',
    );
  });

  it('takes lifetimes at their bounds', async () => {
    const shortest = await server.createToken({
      user_id: user.id,
      expires_in_seconds: 1,
      session_max_duration_in_seconds: 60,
    });
    expect(shortest.expires_at).toBe(server.clock.t + 1000);
    expect(shortest.session_max_duration_in_seconds).toBe(60);
    const longest = await server.createToken({
      user_id: user.id,
      expires_in_seconds: 30 * DAY,
      session_max_duration_in_seconds: 604_800,
    });
    expect(longest.expires_at).toBe(server.clock.t + 30 * DAY * 1000);
    expect(longest.session_max_duration_in_seconds).toBe(604_800);
  });

  it.each([
    ['expires_in_seconds', 0],
    ['expires_in_seconds', -5],
    ['expires_in_seconds', 30 * DAY + 1],
    ['expires_in_seconds', 1.5],
    ['expires_in_seconds', '600'],
    ['expires_in_seconds', 1e300],
    ['session_max_duration_in_seconds', 59],
    ['session_max_duration_in_seconds', 604_801],
    ['session_max_duration_in_seconds', null],
    ['user_id', 'usr_123'],
    ['user_id', 'user_1-2'],
    ['user_id', 42],
    ['identifier', ''],
    ['identifier', 'x'.repeat(321)],
    ['redirect_url', ''],
    ['redirect_url', 7],
  ])('refuses %s = %j with 422 form_param_value_invalid and writes nothing', async (param, value) => {
    const before = await tokenCount();
    const body =
      param === 'user_id' || param === 'identifier'
        ? { [param]: value }
        : { user_id: user.id, [param]: value };
    expectError(await server.post(TOKENS, body), 422, 'form_param_value_invalid', param);
    expect(await tokenCount()).toBe(before);
  });

  it('refuses unknown parameters', async () => {
    expectError(await server.post(TOKENS, { user_id: user.id, ttl: 60 }), 422, 'form_param_unknown', 'ttl');
  });

  it('starts sessions that last session_max_duration_in_seconds from acceptance', async () => {
    const token = await server.createToken({ user_id: user.id, session_max_duration_in_seconds: 120 });
    server.clock.advance(7000);
    const { session } = await server.accept(token.token);
    expect(session.created_at).toBe(server.clock.t);
    expect(session.expire_at).toBe(server.clock.t + 120_000);
  });
});

describe('redirect_url on a development instance', () => {
  it.each([
    'https://app.example.com/after/login?x=1',
    'http://localhost:3000/',
    'https://localhost/home',
    'http://127.0.0.1:5173/cb',
    'http://[::1]:8080/',
  ])('allows %s', async (redirectUrl) => {
    const token = await server.createToken({ user_id: user.id, redirect_url: redirectUrl });
    expect(token.redirect_url).toBe(new URL(redirectUrl).href);
    expect((await server.get(`${TOKENS}/${token.id}`)).body.redirect_url).toBe(new URL(redirectUrl).href);
  });

  it('allows the instance’s own origin', async () => {
    const own = `${server.tessera.publicUrl}/v1/health`;
    expect((await server.createToken({ user_id: user.id, redirect_url: own })).redirect_url).toBe(own);
  });

  it.each([
    'https://evil.example.com/',
    'http://app.example.com/',
    'https://app.example.com.evil.io/',
    'http://localhost.evil.io/',
    'http://127.0.0.2/',
    'javascript:alert(1)',
    'ftp://localhost/file',
    '/relative/path',
    'not a url',
    'http://user:password@localhost:3000/',
  ])('refuses %s with 422 redirect_url_not_allowed and writes nothing', async (redirectUrl) => {
    const before = await tokenCount();
    expectError(
      await server.post(TOKENS, { user_id: user.id, redirect_url: redirectUrl }),
      422,
      'redirect_url_not_allowed',
      'redirect_url',
    );
    expect(await tokenCount()).toBe(before);
  });
});

describe('allowedRedirectOrigins given to startTessera', () => {
  it('are normalised as the CLI normalises them, and a path is refused', async () => {
    const normalised = await startTestServer({ allowedRedirectOrigins: ['HTTPS://App.Example.com:443/'] });
    try {
      const someone = await normalised.createUser({ username: 'norm' });
      const token = await normalised.createToken({
        user_id: someone.id,
        redirect_url: 'https://app.example.com/x',
      });
      expect(token.redirect_url).toBe('https://app.example.com/x');
    } finally {
      await normalised.close();
    }
    await expect(
      startTestServer({ allowedRedirectOrigins: ['https://app.example.com/dashboard'] }),
    ).rejects.toThrow('allowedRedirectOrigins entries must be origins like https://app.example.com');
  });
});

describe('GET /v1/test_session_tokens/{id}', () => {
  it('answers the token without its value or URL', async () => {
    const created = await server.createToken({ user_id: user.id });
    const reply = await server.get(`${TOKENS}/${created.id}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ ...created, token: null, url: null });
    expect(reply.text).not.toContain(created.token);
  });

  it('answers 404 for an unknown id', async () => {
    expectError(await server.get(`${TOKENS}/${unknownId('tst')}`), 404, 'resource_not_found');
  });
});

describe('GET /v1/test_session_tokens', () => {
  let listing: TestServer;
  let one: Json;
  let two: Json;
  let accepted: Json;
  let revoked: Json;
  let pending: Json;

  beforeAll(async () => {
    listing = await startTestServer();
    one = await listing.createUser({ username: 'one' });
    two = await listing.createUser({ username: 'two' });
    const at = async (params: Record<string, unknown>) => {
      listing.clock.advance(1000);
      return listing.createToken(params);
    };
    accepted = await at({ user_id: one.id });
    revoked = await at({ user_id: one.id });
    pending = await at({ user_id: two.id });
    await listing.accept(accepted.token);
    expect((await listing.post(`${TOKENS}/${revoked.id}/revoke`)).status).toBe(200);
  });

  afterAll(async () => {
    await listing.close();
  });

  const ids = (reply: { body: Json }) => (reply.body as Json[]).map((token) => token.id);

  it('lists newest first, without values', async () => {
    const reply = await listing.get(TOKENS);
    expect(reply.status).toBe(200);
    expect(ids(reply)).toEqual([pending.id, revoked.id, accepted.id]);
    for (const token of reply.body) {
      expect(token.token).toBeNull();
      expect(token.url).toBeNull();
    }
  });

  it('filters by user_id and by status', async () => {
    expect(ids(await listing.get(`${TOKENS}?user_id=${one.id}`))).toEqual([revoked.id, accepted.id]);
    expect(ids(await listing.get(`${TOKENS}?user_id=${two.id}`))).toEqual([pending.id]);
    expect(ids(await listing.get(`${TOKENS}?status=pending`))).toEqual([pending.id]);
    expect(ids(await listing.get(`${TOKENS}?status=revoked`))).toEqual([revoked.id]);
    const acceptedList = await listing.get(`${TOKENS}?status=accepted&user_id=${one.id}`);
    expect(ids(acceptedList)).toEqual([accepted.id]);
    expect(acceptedList.body[0].session_id).toMatch(ID.session);
    expect(ids(await listing.get(`${TOKENS}?status=pending&user_id=${one.id}`))).toEqual([]);
  });

  it('pages, and answers { data, total_count } with paginated=true', async () => {
    expect(ids(await listing.get(`${TOKENS}?limit=1&offset=1`))).toEqual([revoked.id]);
    expect(ids(await listing.get(`${TOKENS}?order_by=%2Bcreated_at`))).toEqual([
      accepted.id,
      revoked.id,
      pending.id,
    ]);
    const reply = await listing.get(`${TOKENS}?paginated=true&limit=1`);
    expect(reply.body.total_count).toBe(3);
    expect(reply.body.data.map((token: Json) => token.id)).toEqual([pending.id]);
  });

  it('keeps an unused token past expires_at as pending', async () => {
    listing.clock.advance(3600 * 1000);
    expect(ids(await listing.get(`${TOKENS}?status=pending`))).toEqual([pending.id]);
    expectError(
      await listing.post('/v1/tickets/accept', { ticket: pending.token }, { auth: false }),
      410,
      'ticket_expired',
    );
  });

  it.each([
    ['status', 'status=expired'],
    ['user_id', 'user_id=someone'],
    ['limit', 'limit=0'],
    ['order_by', 'order_by=status'],
  ])('refuses a bad %s with 422', async (param, query) => {
    expectError(await listing.get(`${TOKENS}?${query}`), 422, 'form_param_value_invalid', param);
  });
});

describe('POST /v1/test_session_tokens/{id}/revoke', () => {
  it('revokes a pending token, which then cannot be accepted', async () => {
    const token = await server.createToken({ user_id: user.id });
    server.clock.advance(1000);
    const reply = await server.post(`${TOKENS}/${token.id}/revoke`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      object: 'test_session_token',
      id: token.id,
      status: 'revoked',
      token: null,
      url: null,
      session_id: null,
      updated_at: server.clock.t,
      created_at: token.created_at,
    });
    expectError(
      await server.post('/v1/tickets/accept', { ticket: token.token }, { auth: false }),
      410,
      'ticket_revoked',
    );
  });

  it('refuses to revoke a token that is no longer pending, and changes nothing', async () => {
    const revoked = await server.createToken({ user_id: user.id });
    await server.post(`${TOKENS}/${revoked.id}/revoke`);
    expectError(
      await server.post(`${TOKENS}/${revoked.id}/revoke`),
      400,
      'test_session_token_cannot_be_revoked',
    );

    const accepted = await server.createToken({ user_id: user.id });
    const { session } = await server.accept(accepted.token);
    expectError(
      await server.post(`${TOKENS}/${accepted.id}/revoke`),
      400,
      'test_session_token_cannot_be_revoked',
    );
    const after = (await server.get(`${TOKENS}/${accepted.id}`)).body;
    expect(after.status).toBe('accepted');
    expect(after.session_id).toBe(session.id);
    expect((await server.get(`/v1/sessions/${session.id}`)).body.status).toBe('active');
  });

  it('revokes once when ten revokes race', async () => {
    const token = await server.createToken({ user_id: user.id });
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => server.post(`${TOKENS}/${token.id}/revoke`)),
    );
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(1);
    for (const reply of replies.filter((r) => r.status !== 200)) {
      expectError(reply, 400, 'test_session_token_cannot_be_revoked');
    }
  });

  it('answers 404 for an unknown id', async () => {
    expectError(await server.post(`${TOKENS}/${unknownId('tst')}/revoke`), 404, 'resource_not_found');
  });
});

describe('a production instance', () => {
  it('will not start with an http redirect origin, which it would refuse on every redirect', async () => {
    const start = (secretKey: string) =>
      startTestServer({
        secretKey,
        allowedRedirectOrigins: ['https://app.example.com', 'http://plain.example.com'],
      });
    await expect(start(newSecretKey('live'))).rejects.toThrow(
      'TESSERA_ALLOWED_REDIRECT_ORIGINS lists http://plain.example.com, but a production instance',
    );
    // A development instance lists what it likes: loopback and plain-http apps are its daily work.
    const development = await start(newSecretKey('test'));
    await development.close();
  });

  it('refuses test session tokens with 403 unless they are enabled', async () => {
    const production = await startTestServer({ secretKey: newSecretKey('live') });
    try {
      expect(production.tessera.environment).toBe('production');
      expect(production.tessera.publishableKey).toMatch(/^pk_live_/);
      const someone = await production.createUser({ email_address: ['prod@example.com'] });
      expectError(
        await production.post(TOKENS, { user_id: someone.id }),
        403,
        'test_session_tokens_disabled',
      );
      expectError(
        await production.post(TOKENS, { identifier: 'prod@example.com' }),
        403,
        'test_session_tokens_disabled',
      );
      // The refusal comes first: it does not reveal whether a user exists or a redirect is allowed.
      expectError(
        await production.post(TOKENS, { identifier: 'nobody@example.com', redirect_url: 'http://x.example' }),
        403,
        'test_session_tokens_disabled',
      );
      expect((await production.get(`${TOKENS}?paginated=true`)).body.total_count).toBe(0);
    } finally {
      await production.close();
    }
  });

  describe('with test session tokens enabled', () => {
    let production: TestServer;
    let someone: Json;

    beforeAll(async () => {
      production = await startTestServer({
        secretKey: newSecretKey('live'),
        enableTestSessionTokens: true,
        allowedRedirectOrigins: ['https://app.example.com'],
      });
      someone = await production.createUser({ username: 'prod' });
    });

    afterAll(async () => {
      await production.close();
    });

    it('issues tokens that sign in', async () => {
      const token = await production.createToken({ user_id: someone.id });
      const acceptance = await production.accept(token.token);
      expect(acceptance.session.status).toBe('active');
    });

    it('allows only https redirects to listed origins', async () => {
      const ok = await production.createToken({
        user_id: someone.id,
        redirect_url: 'https://app.example.com/x',
      });
      expect(ok.redirect_url).toBe('https://app.example.com/x');
      for (const refused of [
        'http://plain.example.com/',
        'http://app.example.com/x',
        'http://localhost:3000/',
        'https://localhost:3000/',
        'http://127.0.0.1/',
        'https://other.example.com/',
      ]) {
        expectError(
          await production.post(TOKENS, { user_id: someone.id, redirect_url: refused }),
          422,
          'redirect_url_not_allowed',
          'redirect_url',
        );
      }
    });
  });
});
