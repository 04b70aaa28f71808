import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, ID, type Json, type Reply, startTestServer, type TestServer } from './support/tessera';
import { submitTicketUrl } from './support/ticket-page';

const ACCEPT = '/v1/tickets/accept';

let server: TestServer;
let user: Json;

beforeAll(async () => {
  server = await startTestServer({ allowedRedirectOrigins: ['https://app.example.com'] });
  user = await server.createUser({ email_address: ['tom@example.com'], username: 'tom' });
});

afterAll(async () => {
  await server.close();
});

async function sessionCount(userId = user.id): Promise<number> {
  return (await server.get(`/v1/sessions?paginated=true&user_id=${userId}`)).body.total_count;
}

/** The ticket page's form POST in-process, as a browser sends it (no secret key, no JSON). */
function browserAccept(target: TestServer, ticket: string): Promise<Reply> {
  return target.post(`${ACCEPT}/browser`, `ticket=${encodeURIComponent(ticket)}`, {
    auth: false,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
  });
}

function parseCookie(header: string) {
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
  const eq = pair.indexOf('=');
  return {
    name: pair.slice(0, eq),
    value: pair.slice(eq + 1),
    attributes: attributes.map((attribute) => attribute.toLowerCase()),
  };
}

describe('GET /v1/tickets/accept, over a socket as a browser', () => {
  it('starts a session and redirects (303) to redirect_url with a handoff, setting no cookie for an app elsewhere', async () => {
    const token = await server.createToken({
      user_id: user.id,
      redirect_url: 'https://app.example.com/dashboard?tab=1',
    });
    const before = await sessionCount();

    const response = await submitTicketUrl(token.url);
    expect(response.status).toBe(303);
    // The app is on another origin, so the redirect carries a one-time handoff beside its own query.
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('__tessera_handoff')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const landing = new URL(location);
    landing.searchParams.delete('__tessera_handoff');
    expect(landing.href).toBe('https://app.example.com/dashboard?tab=1');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');

    // The app takes the session from the handoff: tessera's own cookie is for its own page only.
    expect(response.headers.getSetCookie()).toEqual([]);

    const handoff = location.searchParams.get('__tessera_handoff') ?? '';
    const redeemed = await server.post('/v1/session_handoffs/redeem', { handoff });
    expect(redeemed.status, redeemed.text).toBe(200);
    const jwks = await (await fetch(`${server.tessera.url}/.well-known/jwks.json`)).json();
    const { payload, protectedHeader } = await jwtVerify(redeemed.body.jwt, createLocalJWKSet(jwks), {
      currentDate: server.clock.date(),
      issuer: server.tessera.publicUrl,
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      sub: user.id,
      azp: 'https://app.example.com',
      act: { sub: token.id, type: 'test_session_token' },
      v: 2,
      sts: 'active',
    });

    expect(await sessionCount()).toBe(before + 1);
    const accepted = (await server.get(`/v1/test_session_tokens/${token.id}`)).body;
    expect(accepted.status).toBe('accepted');
    expect(accepted.session_id).toBe(payload.sid);
    const session = (await server.get(`/v1/sessions/${payload.sid}`)).body;
    expect(session).toMatchObject({ user_id: user.id, status: 'active', actor: { sub: token.id } });
    expect((await server.get(`/v1/users/${user.id}`)).body.last_sign_in_at).toBe(server.clock.t);
  });

  it('without redirect_url, lands on the built-in signed-in page, which names the user, with an HttpOnly __session cookie for /v1/tickets', async () => {
    const token = await server.createToken({ user_id: user.id });
    const response = await submitTicketUrl(token.url);
    expect(response.status).toBe(303);
    const location = response.headers.get('location');
    expect(location).toBe(`${server.tessera.publicUrl}/v1/tickets/signed-in`);
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const cookie = parseCookie(cookies[0]!);
    expect(cookie.name).toBe('__session');
    // Scoped to tessera's ticket pages: an app on the same host (cookies ignore ports) never gets it.
    expect(cookie.attributes).toEqual(
      expect.arrayContaining(['httponly', 'samesite=lax', 'path=/v1/tickets', 'max-age=1800']),
    );
    expect(cookie.attributes).not.toContain('path=/');
    // An http public URL cannot carry a Secure cookie.
    expect(cookie.attributes).not.toContain('secure');
    const { session_id: sessionId } = (await server.get(`/v1/test_session_tokens/${token.id}`)).body;
    const jwks = await (await fetch(`${server.tessera.url}/.well-known/jwks.json`)).json();
    const { payload } = await jwtVerify(cookie.value, createLocalJWKSet(jwks), {
      currentDate: server.clock.date(),
      issuer: server.tessera.publicUrl,
    });
    expect(payload).toMatchObject({ sub: user.id, sid: sessionId });

    const page = await fetch(location!, { headers: { cookie: `theme=dark; __session=${cookie.value}` } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('tom@example.com');
    expect(html).toContain(user.id);
    expect(html).not.toContain(cookie.value);

    const anonymous = await fetch(location!);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).not.toContain('tom@example.com');
    const forged = await fetch(location!, {
      headers: { cookie: `__session=${cookie.value.slice(0, -4)}AAAA` },
    });
    expect(await forged.text()).not.toContain('tom@example.com');
  });

  it('a redirect_url on tessera’s own origin lands there without a handoff, with the /v1/tickets cookie', async () => {
    const redirectUrl = `${server.tessera.publicUrl}/v1/tickets/signed-in?from=mail`;
    const token = await server.createToken({ user_id: user.id, redirect_url: redirectUrl });
    const response = await submitTicketUrl(token.url);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(redirectUrl);
    const cookies = response.headers.getSetCookie().map(parseCookie);
    expect(cookies.map((cookie) => cookie.name)).toEqual(['__session']);
    expect(cookies[0]!.attributes).toContain('path=/v1/tickets');
  });

  it('stops saying "signed in" once the session is revoked or expired', async () => {
    const page = (jwt: string) =>
      server.get('/v1/tickets/signed-in', { auth: false, headers: { cookie: `__session=${jwt}` } });
    const cookieOf = async (params: Record<string, unknown>) => {
      const token = await server.createToken({ user_id: user.id, ...params });
      const accepted = await browserAccept(server, token.token);
      const jwt = parseCookie(accepted.headers['set-cookie'] as string).value;
      const { session_id } = (await server.get(`/v1/test_session_tokens/${token.id}`)).body;
      return { jwt, sessionId: session_id as string };
    };

    const revoked = await cookieOf({});
    expect((await page(revoked.jwt)).text).toContain('tom@example.com');
    await server.post(`/v1/sessions/${revoked.sessionId}/revoke`);
    expect((await page(revoked.jwt)).text).not.toContain('tom@example.com');

    const expiring = await cookieOf({ session_max_duration_in_seconds: 60 });
    expect((await page(expiring.jwt)).text).toContain('tom@example.com');
    server.clock.advance(60_000);
    expect((await page(expiring.jwt)).text).not.toContain('tom@example.com');
  });

  it('escapes what the signed-in page shows', async () => {
    const odd = await server.createUser({ email_address: ['<b>odd</b>@example.com'] });
    const token = await server.createToken({ user_id: odd.id });
    const accepted = await browserAccept(server, token.token);
    const jwt = parseCookie(accepted.headers['set-cookie'] as string).value;
    const page = await server.get('/v1/tickets/signed-in', {
      auth: false,
      headers: { cookie: `__session=${jwt}` },
    });
    expect(page.text).toContain('&lt;b&gt;odd&lt;/b&gt;@example.com');
    expect(page.text).not.toContain('<b>odd</b>');
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const secure = await startTestServer({ publicUrl: 'https://tessera.example.com' });
    try {
      const someone = await secure.createUser();
      const token = await secure.createToken({ user_id: someone.id });
      expect(token.url).toBe(`https://tessera.example.com/v1/tickets/accept?ticket=${token.token}`);
      const reply = await browserAccept(secure, token.token);
      expect(reply.status).toBe(303);
      expect(reply.headers.location).toBe('https://tessera.example.com/v1/tickets/signed-in');
      expect(parseCookie(reply.headers['set-cookie'] as string).attributes).toContain('secure');
    } finally {
      await secure.close();
    }
  });
});

describe('GET /v1/tickets/accept refusals', () => {
  async function expectPage(reply: Reply, status: number, ticket?: string) {
    expect(reply.status, reply.text).toBe(status);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
    expect(reply.headers['set-cookie']).toBeUndefined();
    expect(reply.headers.location).toBeUndefined();
    expect(reply.text).toMatch(/^<!doctype html>/);
    expect(reply.text).toContain(reply.headers['x-request-id']);
    // The page never echoes the ticket it was given.
    if (ticket) expect(reply.text).not.toContain(ticket);
  }

  it('answers 404 for an unknown ticket', async () => {
    const before = await sessionCount();
    const ticket = 'A'.repeat(43);
    await expectPage(await browserAccept(server, ticket), 404, ticket);
    expect(await sessionCount()).toBe(before);
  });

  it('answers 409 for a used ticket, and starts no second session', async () => {
    const token = await server.createToken({ user_id: user.id });
    expect((await browserAccept(server, token.token)).status).toBe(303);
    const before = await sessionCount();
    await expectPage(await browserAccept(server, token.token), 409, token.token);
    expect(await sessionCount()).toBe(before);
  });

  it('answers 410 for a revoked ticket', async () => {
    const token = await server.createToken({ user_id: user.id });
    await server.post(`/v1/test_session_tokens/${token.id}/revoke`);
    const before = await sessionCount();
    await expectPage(await browserAccept(server, token.token), 410, token.token);
    expect(await sessionCount()).toBe(before);
  });

  it('answers 410 for an expired ticket, exactly from expires_at on', async () => {
    const token = await server.createToken({ user_id: user.id, expires_in_seconds: 60 });
    const spare = await server.createToken({ user_id: user.id, expires_in_seconds: 60 });
    server.clock.advance(59_999);
    expect((await browserAccept(server, spare.token)).status).toBe(303);
    server.clock.advance(1);
    const before = await sessionCount();
    await expectPage(await browserAccept(server, token.token), 410, token.token);
    expect(await sessionCount()).toBe(before);
    expect((await server.get(`/v1/test_session_tokens/${token.id}`)).body.status).toBe('pending');
  });

  it('answers 403 for a banned user', async () => {
    const banned = await server.createUser({ username: 'banned-browser' });
    const token = await server.createToken({ user_id: banned.id });
    await server.post(`/v1/users/${banned.id}/ban`);
    await expectPage(await browserAccept(server, token.token), 403, token.token);
    expect(await sessionCount(banned.id)).toBe(0);
  });

  it('opens a ticket link that a mail or chat tool added its own parameters to', async () => {
    const token = await server.createToken({ user_id: user.id });
    const page = await server.get(
      `${new URL(token.url).pathname}${new URL(token.url).search}&utm_source=mail&fbclid=x`,
      {
        auth: false,
      },
    );
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain('<form method="post"');
    // The Backend API, on the other hand, refuses a parameter it does not know.
    expectError(
      await server.get('/v1/test_session_tokens?utm_source=mail'),
      422,
      'form_param_unknown',
      'utm_source',
    );
  });

  it('answers 422 as a page when the ticket parameter is missing or too long', async () => {
    await expectPage(await server.get(ACCEPT, { auth: false }), 422);
    await expectPage(await browserAccept(server, 'x'.repeat(513)), 422);
  });
});

describe('POST /v1/tickets/accept', () => {
  it('answers a ticket_acceptance with the session and its first JWT, without a secret key', async () => {
    const token = await server.createToken({ user_id: user.id, session_max_duration_in_seconds: 600 });
    const reply = await server.post(ACCEPT, { ticket: token.token }, { auth: false });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.headers['set-cookie']).toBeUndefined();
    expect(Object.keys(reply.body).sort()).toEqual(['jwt', 'object', 'session']);
    expect(reply.body.object).toBe('ticket_acceptance');
    const { session, jwt } = reply.body;
    expect(session).toMatchObject({
      object: 'session',
      id: expect.stringMatching(ID.session),
      user_id: user.id,
      status: 'active',
      actor: { sub: token.id, type: 'test_session_token' },
      expire_at: server.clock.t + 600_000,
    });
    expect((await server.get(`/v1/sessions/${session.id}`)).body).toEqual(session);
    const jwks = (await server.get('/.well-known/jwks.json', { auth: false })).body;
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), { currentDate: server.clock.date() });
    expect(payload).toMatchObject({ sub: user.id, sid: session.id });
    expect(payload).not.toHaveProperty('azp');
  });

  it('takes azp from the Origin of the request, or else from redirect_url', async () => {
    const jwks = createLocalJWKSet((await server.get('/.well-known/jwks.json', { auth: false })).body);
    const plain = await server.createToken({ user_id: user.id });
    const withOrigin = await server.post(
      ACCEPT,
      { ticket: plain.token },
      { auth: false, headers: { origin: 'http://localhost:5173' } },
    );
    const fromOrigin = await jwtVerify(withOrigin.body.jwt, jwks, { currentDate: server.clock.date() });
    expect(fromOrigin.payload.azp).toBe('http://localhost:5173');

    const redirecting = await server.createToken({
      user_id: user.id,
      redirect_url: 'https://app.example.com/x',
    });
    const accepted = await server.accept(redirecting.token);
    const fromRedirect = await jwtVerify(accepted.jwt, jwks, { currentDate: server.clock.date() });
    expect(fromRedirect.payload.azp).toBe('https://app.example.com');
  });

  it('ignores an Origin that is not an http(s) origin, such as the opaque "null"', async () => {
    const jwks = createLocalJWKSet((await server.get('/.well-known/jwks.json', { auth: false })).body);
    for (const origin of ['null', 'file://', 'https://app.example.com/path', 'not a url']) {
      const token = await server.createToken({ user_id: user.id });
      const accepted = await server.post(
        ACCEPT,
        { ticket: token.token },
        { auth: false, headers: { origin } },
      );
      const { payload } = await jwtVerify(accepted.body.jwt, jwks, { currentDate: server.clock.date() });
      expect(payload, origin).not.toHaveProperty('azp');
    }
  });

  it('refuses unknown, used, revoked, expired tickets and banned users in JSON, starting no session', async () => {
    const used = await server.createToken({ user_id: user.id });
    await server.accept(used.token);
    const revoked = await server.createToken({ user_id: user.id });
    await server.post(`/v1/test_session_tokens/${revoked.id}/revoke`);
    const expired = await server.createToken({ user_id: user.id, expires_in_seconds: 1 });
    const outcast = await server.createUser({ username: 'outcast' });
    const banned = await server.createToken({ user_id: outcast.id });
    await server.post(`/v1/users/${outcast.id}/ban`);
    server.clock.advance(1000);
    const before = await sessionCount();

    const post = (ticket: string) => server.post(ACCEPT, { ticket }, { auth: false });
    expectError(await post('B'.repeat(43)), 404, 'ticket_not_found');
    expectError(await post(used.token), 409, 'ticket_already_used');
    expectError(await post(revoked.token), 410, 'ticket_revoked');
    expectError(await post(expired.token), 410, 'ticket_expired');
    expectError(await post(banned.token), 403, 'user_banned');
    expect(await sessionCount()).toBe(before);
    expect(await sessionCount(outcast.id)).toBe(0);
  });

  it('finds a ticket by the id its value carries, but accepts only the whole value', async () => {
    const token = await server.createToken({ user_id: user.id });
    expect(token.token.startsWith(`${token.id}.`)).toBe(true);
    const secret = token.token.slice(token.id.length + 1);
    const other = await server.createToken({ user_id: user.id });
    const flipped = `${secret[0] === 'A' ? 'B' : 'A'}${secret.slice(1)}`;
    const before = await sessionCount();
    const post = (ticket: string) => server.post(ACCEPT, { ticket }, { auth: false });
    for (const forged of [
      `${token.id}.${flipped}`, // the right id, a wrong secret
      `${token.id}.`, // the id alone
      `${token.id}.${other.token.slice(other.id.length + 1)}`, // another ticket's secret
      `${other.id}.${secret}`, // this secret under another id
      `tst_${'0'.repeat(27)}.${secret}`, // an id that does not exist
      `.${secret}`,
      secret, // the secret alone reads as a value from before ids were carried
    ]) {
      expectError(await post(forged), 404, 'ticket_not_found');
    }
    expect(await sessionCount()).toBe(before);
    // None of that used the tickets up.
    expect((await post(token.token)).status).toBe(200);
    expect((await post(other.token)).status).toBe(200);
  });

  it('refuses a malformed body', async () => {
    expectError(await server.post(ACCEPT, {}, { auth: false }), 422, 'form_param_missing', 'ticket');
    expectError(await server.post(ACCEPT, undefined, { auth: false }), 422, 'form_param_missing', 'ticket');
    expectError(
      await server.post(ACCEPT, { ticket: 42 }, { auth: false }),
      422,
      'form_param_value_invalid',
      'ticket',
    );
    expectError(
      await server.post(ACCEPT, { ticket: '' }, { auth: false }),
      422,
      'form_param_value_invalid',
      'ticket',
    );
    expectError(
      await server.post(ACCEPT, { ticket: 'x'.repeat(513) }, { auth: false }),
      422,
      'form_param_value_invalid',
      'ticket',
    );
    expectError(
      await server.post(ACCEPT, { ticket: 'x', user_id: user.id }, { auth: false }),
      422,
      'form_param_unknown',
      'user_id',
    );
    expectError(await server.post(ACCEPT, '{"ticket":', { auth: false }), 400, 'request_body_invalid');
    expectError(await server.post(ACCEPT, '["x"]', { auth: false }), 400, 'request_body_invalid');
  });
});

describe('50 concurrent accepts of one ticket, over a socket', () => {
  it('give exactly one session: one 200 and 49 × 409 ticket_already_used', async () => {
    const racer = await server.createUser({ username: 'racer' });
    const token = await server.createToken({ user_id: racer.id });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${server.tessera.url}${ACCEPT}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ticket: token.token }),
        }).then(async (response) => ({ status: response.status, body: (await response.json()) as Json })),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    for (const response of responses) {
      if (response.status === 409) expect(response.body.errors[0].code).toBe('ticket_already_used');
    }
    const winner = responses.find((response) => response.status === 200)!;
    const sessions = (await server.get(`/v1/sessions?user_id=${racer.id}`)).body;
    expect(sessions).toHaveLength(1);
    expect(sessions[0].id).toBe(winner.body.session.id);
    expect((await server.get(`/v1/test_session_tokens/${token.id}`)).body.session_id).toBe(
      winner.body.session.id,
    );
  });
});
