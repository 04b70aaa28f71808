import { createPublicKey } from 'node:crypto';
import {
  type BackendApiClient,
  type BrowserSessionOptions,
  ConfigurationError,
  createBackendApiClient,
  REFRESH_COOKIE,
  SESSION_COOKIE,
} from '@tessera/backend';
import { signOut, tesseraMiddleware } from '@tessera/backend/next';
import { type RunningTessera, startTessera } from '@tessera/server';
import { HANDOFF_PARAM } from '@tessera/wire';
import { type NextFetchEvent, NextRequest, NextResponse } from 'next/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authFromHeaders } from '../src/adapters/next/server-auth';
import { handoffLocation, parseSetCookie, submitTicketUrl } from './support/browser';

// The Next.js middleware and auth() against the real server, outside Next: the middleware is called
// with a NextRequest as Next calls it, and the request headers Next would hand to server code are
// read off its response (`x-middleware-override-headers`), as Next's router does. The server and
// the verifier share a frozen clock; JWTs live 2 seconds.
const LIFETIME_MS = 2_000;
let now = Date.UTC(2031, 0, 1);
const clock = { now: () => now };

let tessera: RunningTessera;
let client: BackendApiClient;
let options: BrowserSessionOptions;
const event = { waitUntil() {} } as unknown as NextFetchEvent;

beforeAll(async () => {
  tessera = await startTessera({
    databaseUrl: ':memory:',
    port: 0,
    log: () => {},
    sessionTokenLifetimeSeconds: LIFETIME_MS / 1000,
    clock,
  });
  const secretKey = tessera.secretKey!;
  client = createBackendApiClient({ secretKey, apiUrl: tessera.url });
  const { keys } = await client.jwks.get();
  const jwtKey = createPublicKey({ key: { ...keys[0]! }, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  options = { jwtKey, secretKey, apiUrl: tessera.url, clock, clockSkewInMs: 0 };
});

afterAll(async () => {
  await tessera?.close();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function appRequest(
  path: string,
  cookies: Record<string, string> = {},
  init: { method?: string; headers?: Record<string, string> } = {},
) {
  const headers = new Headers(init.headers);
  const cookie = Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
  if (cookie !== '') headers.set('cookie', cookie);
  return new NextRequest(new URL(path, 'http://localhost:3000'), { method: init.method ?? 'GET', headers });
}

/** The request headers Next hands to the page once the middleware answered `response`. */
function forwarded(request: Request, response: Response): Headers {
  const names = response.headers.get('x-middleware-override-headers');
  if (names === null) return new Headers(request.headers);
  const headers = new Headers();
  for (const name of names.split(',')) {
    const value = response.headers.get(`x-middleware-request-${name}`);
    if (value !== null) headers.set(name, value);
  }
  return headers;
}

const cookiesOf = (response: Response) =>
  Object.fromEntries(
    response.headers
      .getSetCookie()
      .map(parseSetCookie)
      .map((cookie) => [cookie.name, cookie]),
  );

let users = 0;
/** A browser signed in through the middleware's handoff (optionally in an organization): its cookies. */
async function signedIn(organizationId?: string, userId?: string) {
  const id = userId ?? (await client.users.create({ username: `next_${++users}` })).id;
  const token = await client.testSessionTokens.create({
    userId: id,
    redirectUrl: 'http://localhost:3000/dashboard',
    ...(organizationId && { organizationId }),
  });
  const accepted = await submitTicketUrl(token.url!);
  const response = await tesseraMiddleware(options)(appRequest(accepted.headers.get('location')!), event);
  const cookies = cookiesOf(response);
  return {
    userId: id,
    sessionId: (await client.testSessionTokens.get(token.id)).sessionId!,
    cookies: {
      [SESSION_COOKIE]: cookies[SESSION_COOKIE]!.value,
      [REFRESH_COOKIE]: cookies[REFRESH_COOKIE]!.value,
    },
  };
}

describe('tesseraMiddleware', () => {
  it('redeems a handoff: 303 to the same URL without it, both cookies set, the handler not run', async () => {
    const handler = vi.fn();
    const user = await client.users.create({ username: `next_${++users}` });
    const { location } = await handoffLocation(client, user.id, 'http://localhost:3000/dashboard?tab=1');
    expect(location).toContain(HANDOFF_PARAM);
    const response = await tesseraMiddleware(handler, options)(appRequest(location), event);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('http://localhost:3000/dashboard?tab=1');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(cookiesOf(response)).sort()).toEqual([SESSION_COOKIE, REFRESH_COOKIE].sort());
    expect(handler).not.toHaveBeenCalled();
  });

  it('passes a signed-in request on with its verdict; auth() verifies the JWT itself', async () => {
    const { userId, sessionId, cookies } = await signedIn();
    const request = appRequest('/dashboard', cookies, { headers: { 'x-custom': '1' } });
    let seen: unknown;
    const response = await tesseraMiddleware(async (auth) => {
      seen = (await auth()).userId;
    }, options)(request, event);
    expect(seen).toBe(userId);
    expect(response.headers.get('x-middleware-next')).toBe('1');
    expect(response.headers.getSetCookie()).toEqual([]);
    const headers = forwarded(request, response);
    expect(headers.get('x-tessera-auth')).toBe('signed-in');
    expect(headers.get('x-custom')).toBe('1');
    const state = await authFromHeaders(headers, options);
    expect(state).toMatchObject({ isSignedIn: true, userId, sessionId, orgId: null, reason: null });
    expect(state.sessionClaims).toBe(state.claims);
    expect(await state.getToken()).toBe(cookies[SESSION_COOKIE]);
  });

  it('replaces a verdict the client sent, so only the middleware’s reaches auth()', async () => {
    const request = appRequest('/', {}, { headers: { 'x-tessera-auth': 'signed-in' } });
    const response = await tesseraMiddleware(options)(request, event);
    const headers = forwarded(request, response);
    expect(headers.get('x-tessera-auth')).toBe('signed-out:token-missing');
    expect(await authFromHeaders(headers, options)).toMatchObject({
      isSignedIn: false,
      reason: 'token-missing',
    });
  });

  it('renews an expired JWT: the new cookie is set, and server code sees it in the same request', async () => {
    const { userId, cookies } = await signedIn();
    now += LIFETIME_MS + 1_000;
    const request = appRequest('/dashboard', { ...cookies, theme: 'dark' });
    const response = await tesseraMiddleware(options)(request, event);
    const renewed = cookiesOf(response)[SESSION_COOKIE]!.value;
    expect(renewed).not.toBe(cookies[SESSION_COOKIE]);
    const headers = forwarded(request, response);
    expect(headers.get('cookie')).toBe(
      `${SESSION_COOKIE}=${renewed}; ${REFRESH_COOKIE}=${cookies[REFRESH_COOKIE]}; theme=dark`,
    );
    const state = await authFromHeaders(headers, options);
    expect(state).toMatchObject({ isSignedIn: true, userId });
    expect(await state.getToken()).toBe(renewed);
  });

  it('clears both cookies once the session is revoked, and server code sees neither', async () => {
    const { sessionId, cookies } = await signedIn();
    await client.sessions.revoke(sessionId);
    now += LIFETIME_MS + 1_000;
    const request = appRequest('/', { ...cookies, theme: 'dark' });
    const response = await tesseraMiddleware(options)(request, event);
    expect(Object.values(cookiesOf(response)).map((cookie) => cookie.attributes['max-age'])).toEqual([
      '0',
      '0',
    ]);
    const headers = forwarded(request, response);
    expect(headers.get('cookie')).toBe('theme=dark');
    expect(await authFromHeaders(headers, options)).toMatchObject({
      isSignedIn: false,
      reason: 'token-expired',
    });
  });

  it('auth.protect(): 401 signed out, a redirect with unauthenticatedUrl, 404 without the role', async () => {
    const guarded = tesseraMiddleware(async (auth, request) => {
      if (request.nextUrl.pathname === '/admin') await auth.protect({ role: 'org:admin' });
      else if (request.nextUrl.pathname === '/go') await auth.protect({ unauthenticatedUrl: '/welcome' });
      else await auth.protect();
    }, options);

    const refused = await guarded(appRequest('/private'), event);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await refused.json()).toMatchObject({
      errors: [{ code: 'authentication_invalid', meta: { reason: 'token-missing' } }],
    });

    const redirected = await guarded(appRequest('/go'), event);
    expect(redirected.status).toBe(307);
    expect(redirected.headers.get('location')).toBe('http://localhost:3000/welcome');

    const { cookies } = await signedIn();
    expect((await guarded(appRequest('/private', cookies), event)).headers.get('x-middleware-next')).toBe(
      '1',
    );
    const notAdmin = await guarded(appRequest('/admin', cookies), event);
    expect(notAdmin.status).toBe(404);
    expect(await notAdmin.json()).toMatchObject({ errors: [{ code: 'resource_not_found' }] });
  });

  it('auth.protect() with a role admits an organization admin, and a predicate sees has()', async () => {
    const owner = await client.users.create({ username: `next_owner_${++users}` });
    const org = await client.organizations.create({ name: 'Acme', createdBy: owner.id });
    const { cookies } = await signedIn(org.id, owner.id);
    let checked: boolean | undefined;
    const response = await tesseraMiddleware(async (auth) => {
      const state = await auth.protect({ role: 'admin' });
      expect(state.orgId).toBe(org.id);
      await auth.protect((has) => {
        checked = has({ role: 'org:admin' });
        return checked;
      });
    }, options)(appRequest('/admin', cookies), event);
    expect(response.headers.get('x-middleware-next')).toBe('1');
    expect(checked).toBe(true);
  });

  it('adds renewed cookies to what the handler returns, and forwards through its next() or rewrite', async () => {
    const { cookies } = await signedIn();
    now += LIFETIME_MS + 1_000;
    const redirect = await tesseraMiddleware(
      () => NextResponse.redirect('http://localhost:3000/elsewhere'),
      options,
    )(appRequest('/', cookies), event);
    expect(redirect.status).toBe(307);
    expect(Object.keys(cookiesOf(redirect))).toEqual([SESSION_COOKIE]);
    expect(redirect.headers.has('x-middleware-override-headers')).toBe(false);

    const request = appRequest('/', {
      ...cookies,
      [SESSION_COOKIE]: cookiesOf(redirect)[SESSION_COOKIE]!.value,
    });
    const own = new Headers(request.headers);
    own.set('x-tenant', 'acme');
    const next = await tesseraMiddleware(() => NextResponse.next({ request: { headers: own } }), options)(
      request,
      event,
    );
    const headers = forwarded(request, next);
    expect(headers.get('x-tenant')).toBe('acme');
    expect(headers.get('x-tessera-auth')).toBe('signed-in');

    const rewrite = await tesseraMiddleware(
      () => NextResponse.rewrite(new URL('/other', request.url)),
      options,
    )(request, event);
    expect(forwarded(request, rewrite).get('x-tessera-auth')).toBe('signed-in');
  });

  it('leaves a cookie the handler set itself alone', async () => {
    const { cookies } = await signedIn();
    now += LIFETIME_MS + 1_000;
    const response = await tesseraMiddleware(() => {
      const reply = NextResponse.next();
      reply.headers.append('Set-Cookie', `${SESSION_COOKIE}=; Path=/; Max-Age=0`);
      return reply;
    }, options)(appRequest('/', cookies), event);
    expect(response.headers.getSetCookie()).toEqual([`${SESSION_COOKIE}=; Path=/; Max-Age=0`]);
  });

  it('throws a ConfigurationError for a bad option at once, and for no key at all at the first request', async () => {
    expect(() => tesseraMiddleware({ jwtKey: 'not a key' })).toThrow(ConfigurationError);
    vi.stubEnv('TESSERA_JWT_KEY', '');
    vi.stubEnv('TESSERA_SECRET_KEY', '');
    const unconfigured = tesseraMiddleware();
    await expect(unconfigured(appRequest('/'), event)).rejects.toThrow(ConfigurationError);
    expect(() => signOut()).not.toThrow();
    expect(() => signOut({ redirectTo: '' })).toThrow(ConfigurationError);
  });

  it('reads options per request from a function of the request', async () => {
    const perRequest = vi.fn(() => options);
    const response = await tesseraMiddleware(() => undefined, perRequest)(appRequest('/'), event);
    expect(perRequest).toHaveBeenCalledOnce();
    expect(response.headers.get('x-middleware-next')).toBe('1');
  });
});

describe('auth() in server code', () => {
  it('throws a ConfigurationError where the middleware did not run', async () => {
    await expect(authFromHeaders(new Headers(), options)).rejects.toThrow(ConfigurationError);
  });

  it('answers signed out when the verdict says so, even for a valid JWT; anything unknown is signed out', async () => {
    const { cookies } = await signedIn();
    const cookie = `${SESSION_COOKIE}=${cookies[SESSION_COOKIE]}`;
    for (const [verdict, reason] of [
      ['signed-out:token-invalid-authorized-party', 'token-invalid-authorized-party'],
      ['signed-out:made-up', 'token-missing'],
      ['yes', 'token-missing'],
    ]) {
      const state = await authFromHeaders(new Headers({ cookie, 'x-tessera-auth': verdict! }), options);
      expect(state).toMatchObject({ isSignedIn: false, reason, sessionClaims: null });
      expect(await state.getToken()).toBeNull();
    }
  });

  it('verifies the JWT even when the verdict is signed-in: a forged one signs no one in', async () => {
    const state = await authFromHeaders(
      new Headers({ authorization: 'Bearer a.b.c', 'x-tessera-auth': 'signed-in' }),
      options,
    );
    expect(state).toMatchObject({ isSignedIn: false, reason: 'token-malformed' });
  });

  it('getToken({ template }) asks tessera for a JWT made from that template', async () => {
    await client.jwtTemplates.create({ name: 'backend', claims: { aud: 'backend' } });
    const { cookies } = await signedIn();
    const headers = new Headers({
      cookie: `${SESSION_COOKIE}=${cookies[SESSION_COOKIE]}`,
      'x-tessera-auth': 'signed-in',
    });
    const jwt = await (await authFromHeaders(headers, options)).getToken({ template: 'backend' });
    expect(JSON.parse(Buffer.from(jwt!.split('.')[1]!, 'base64url').toString())).toMatchObject({
      aud: 'backend',
    });
  });
});

describe('signOut', () => {
  it('ends the session, clears the cookies and answers 303 to redirectTo', async () => {
    const { sessionId, cookies } = await signedIn();
    const response = await signOut({ ...options, redirectTo: '/bye' })(
      appRequest('/sign-out', cookies, { method: 'POST', headers: { origin: 'http://localhost:3000' } }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/bye');
    expect(Object.values(cookiesOf(response)).map((cookie) => cookie.attributes['max-age'])).toEqual([
      '0',
      '0',
    ]);
    expect((await client.sessions.get(sessionId)).status).toBe('ended');
  });

  it('refuses another method (405) and another origin (403) without ending anything', async () => {
    const { sessionId, cookies } = await signedIn();
    const handler = signOut(options);
    const get = await handler(appRequest('/sign-out', cookies));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const cross = await handler(
      appRequest('/sign-out', cookies, { method: 'POST', headers: { origin: 'https://evil.example' } }),
    );
    expect(cross.status).toBe(403);
    expect(await cross.json()).toMatchObject({ errors: [{ code: 'origin_invalid' }] });
    expect((await client.sessions.get(sessionId)).status).toBe('active');
  });
});
