import { afterAll, beforeAll, expect, it } from 'vitest';
import { newSecretKey, startTestServer, type TestServer } from './support/tessera';
import { submitTicketUrl } from './support/ticket-page';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

it('logs one line per request, with its shape, and never a ticket, handoff, JWT, cookie or secret key', async () => {
  const secrets: string[] = [server.secretKey];
  const requestIds: string[] = [];
  let requests = 0;
  const track = (reply: { headers: Record<string, unknown> } | Response) => {
    requests++;
    const id = reply instanceof Response ? reply.headers.get('x-request-id') : reply.headers['x-request-id'];
    requestIds.push(String(id));
  };
  const base = server.tessera.url;
  const auth = { authorization: `Bearer ${server.secretKey}`, 'content-type': 'application/json' };

  const created = await server.post('/v1/users', { email_address: ['log@example.com'] });
  track(created);
  const user = created.body;
  const browserToken = await server.post(
    '/v1/test_session_tokens',
    { user_id: user.id, redirect_url: 'http://localhost:3000/' },
    { headers: { 'idempotency-key': 'log-key' } },
  );
  track(browserToken);
  const postToken = await server.post('/v1/test_session_tokens', { identifier: 'log@example.com' });
  track(postToken);
  const unusedToken = await server.post('/v1/test_session_tokens', { user_id: user.id });
  track(unusedToken);
  const landingToken = await server.post('/v1/test_session_tokens', { user_id: user.id });
  track(landingToken);
  secrets.push(
    browserToken.body.token,
    postToken.body.token,
    unusedToken.body.token,
    landingToken.body.token,
  );

  // A browser opens a ticket URL over the socket that lands on the app (a handoff, no cookie), then
  // one that lands on tessera's signed-in page (a cookie), and that page with the cookie.
  const browser = await submitTicketUrl(browserToken.body.url, { onPage: track });
  track(browser);
  expect(browser.status).toBe(303);
  expect(browser.headers.getSetCookie()).toEqual([]);
  const landing = await submitTicketUrl(landingToken.body.url, { onPage: track });
  track(landing);
  expect(landing.status).toBe(303);
  const cookie = landing.headers.getSetCookie()[0]!.split(';')[0]!;
  expect(cookie).toMatch(/^__session=./);
  secrets.push(cookie, cookie.slice('__session='.length));
  const page = await fetch(`${base}/v1/tickets/signed-in`, { headers: { cookie } });
  track(page);

  // The app on the redirect's origin redeems the handoff and refreshes with the refresh token.
  const handoff = new URL(browser.headers.get('location')!).searchParams.get('__tessera_handoff')!;
  const redeemed = await fetch(`${base}/v1/session_handoffs/redeem`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ handoff }),
  });
  track(redeemed);
  const redemption = (await redeemed.json()) as { jwt: string; refresh_token: string };
  const refreshed = await fetch(`${base}/v1/sessions/refresh`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ refresh_token: redemption.refresh_token }),
  });
  track(refreshed);
  secrets.push(
    handoff,
    redemption.jwt,
    redemption.refresh_token,
    ((await refreshed.json()) as { jwt: string }).jwt,
  );

  const accepted = await fetch(`${base}/v1/tickets/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ticket: postToken.body.token }),
  });
  track(accepted);
  const acceptance = (await accepted.json()) as { jwt: string; session: { id: string } };
  secrets.push(acceptance.jwt);
  const minted = await fetch(`${base}/v1/sessions/${acceptance.session.id}/tokens`, {
    method: 'POST',
    headers: auth,
  });
  track(minted);
  secrets.push(((await minted.json()) as { jwt: string }).jwt);

  // Failures, each carrying a secret somewhere in the request.
  const wrongKey = newSecretKey();
  secrets.push(wrongKey);
  track(await fetch(`${base}/v1/users`, { headers: { authorization: `Bearer ${wrongKey}` } }));
  track(await submitTicketUrl(`${base}/v1/tickets/accept?ticket=${postToken.body.token}`, { onPage: track }));
  track(
    await fetch(`${base}/v1/tickets/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticket: postToken.body.token }),
    }),
  );
  track(
    await fetch(`${base}/v1/tickets/accept`, {
      method: 'POST',
      body: `{"ticket":"${unusedToken.body.token}", "extra": "${server.secretKey}"}`,
    }),
  );
  track(await fetch(`${base}/v1/users`, { method: 'POST', headers: auth, body: `{"${server.secretKey}` }));
  track(
    await fetch(`${base}/v1/session_handoffs/redeem`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ handoff }),
    }),
  );
  track(
    await fetch(`${base}/v1/sessions/refresh`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ refresh_token: `${redemption.refresh_token}x` }),
    }),
  );
  track(await fetch(`${base}/v1/${unusedToken.body.token}`, { headers: auth }));
  track(
    await fetch(`${base}/v1/users`, {
      method: 'POST',
      headers: auth,
      body: `{"public_metadata":{"pad":"${unusedToken.body.token}${'a'.repeat(1024 * 1024)}"}}`,
    }),
  );

  expect(server.logs).toHaveLength(requests);
  expect(server.logs.map((entry) => entry.request_id)).toEqual(requestIds);
  for (const entry of server.logs) {
    expect(entry.request_id).toMatch(/^req_[0-9a-f]{24}$/);
    expect(['GET', 'POST', 'PATCH', 'DELETE']).toContain(entry.method);
    expect(entry.route === 'unmatched' || entry.route.startsWith('/')).toBe(true);
    expect(entry.route).not.toContain('?');
    expect(Number.isInteger(entry.status)).toBe(true);
    expect(typeof entry.duration_ms).toBe('number');
    expect(entry.duration_ms).toBeGreaterThanOrEqual(0);
    expect(entry.level).toBe('info');
    const line = JSON.stringify(entry);
    for (const secret of secrets) expect(line.includes(secret), `${line} holds a secret`).toBe(false);
    // No user data either.
    expect(line).not.toContain('log@example.com');
  }
  expect(server.logs.map((entry) => [entry.method, entry.route, entry.status])).toEqual([
    ['POST', '/v1/users', 200],
    ['POST', '/v1/test_session_tokens', 200],
    ['POST', '/v1/test_session_tokens', 200],
    ['POST', '/v1/test_session_tokens', 200],
    ['POST', '/v1/test_session_tokens', 200],
    ['GET', '/v1/tickets/accept', 200],
    ['POST', '/v1/tickets/accept/browser', 303],
    ['GET', '/v1/tickets/accept', 200],
    ['POST', '/v1/tickets/accept/browser', 303],
    ['GET', '/v1/tickets/signed-in', 200],
    ['POST', '/v1/session_handoffs/redeem', 200],
    ['POST', '/v1/sessions/refresh', 200],
    ['POST', '/v1/tickets/accept', 200],
    ['POST', '/v1/sessions/{id}/tokens', 200],
    ['GET', '/v1/users', 401],
    ['GET', '/v1/tickets/accept', 200],
    ['POST', '/v1/tickets/accept/browser', 409],
    ['POST', '/v1/tickets/accept', 409],
    ['POST', '/v1/tickets/accept', 422],
    ['POST', '/v1/users', 400],
    ['POST', '/v1/session_handoffs/redeem', 400],
    ['POST', '/v1/sessions/refresh', 401],
    ['GET', 'unmatched', 404],
    ['POST', '/v1/users', 413],
  ]);
});

it('serves without a request log (log: false), replies still carrying their request id', async () => {
  const { startTessera } = await import('../src/index');
  const quiet = await startTessera({ databaseUrl: ':memory:', log: false });
  try {
    const reply = await fetch(`${quiet.url}/v1/health`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24}$/);
  } finally {
    await quiet.close();
  }
});

it("stamps each line with the server's clock, not the machine's", async () => {
  const before = server.logs.length;
  server.clock.t = Date.UTC(2031, 5, 1, 8, 30, 0);
  await server.get('/v1/users');
  expect(server.logs.slice(before).map((entry) => entry.time)).toEqual(['2031-06-01T08:30:00.000Z']);
});
