import { createPublicKey } from 'node:crypto';
import {
  type BackendApiClient,
  type BrowserSessionOptions,
  ConfigurationError,
  createBackendApiClient,
  handleBrowserSession,
  REFRESH_COOKIE,
  SESSION_COOKIE,
  signOutBrowserSession,
} from '@tessera/backend';
import { type RunningTessera, startTessera } from '@tessera/server';
import { HANDOFF_PARAM } from '@tessera/wire';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { withoutQueryParam } from '../src/browser/browser-session';
import { handoffLocation, parseSetCookie } from './support/browser';

// The web-platform core against the real server (in-process, over a socket). The server and the
// verifier share one clock, and JWTs live 2 seconds: time moves by assignment, never by sleeping.
const LIFETIME_MS = 2_000;
let now = Date.UTC(2031, 0, 1);
const clock = { now: () => now };
const pastOneLifetime = () => {
  now += LIFETIME_MS + 1_000;
};

let tessera: RunningTessera;
let client: BackendApiClient;
let secretKey: string;
let jwtKey: string;
/** Every request the SDK sends to tessera (network faults are injected through it). */
const sent: string[] = [];
let failNetwork = false;
const recordingFetch: typeof fetch = async (input, init) => {
  const url = new URL(String(input));
  sent.push(`${init?.method ?? 'GET'} ${url.pathname}`);
  if (failNetwork) throw new TypeError('fetch failed');
  return fetch(input, init);
};
let options: BrowserSessionOptions;

beforeAll(async () => {
  tessera = await startTessera({
    databaseUrl: ':memory:',
    port: 0,
    log: () => {},
    sessionTokenLifetimeSeconds: LIFETIME_MS / 1000,
    clock,
  });
  secretKey = tessera.secretKey!;
  client = createBackendApiClient({ secretKey, apiUrl: tessera.url });
  const { keys } = await client.jwks.get();
  jwtKey = createPublicKey({ key: { ...keys[0]! }, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  // Networkless verification, so every recorded request is a handoff, refresh or end.
  options = { jwtKey, secretKey, apiUrl: tessera.url, clock, clockSkewInMs: 0, fetch: recordingFetch };
});

afterAll(async () => {
  await tessera?.close();
});

afterEach(() => {
  sent.length = 0;
  failNetwork = false;
  vi.unstubAllEnvs();
});

let users = 0;
async function signedInBrowser(path = '/dashboard?tab=1') {
  const user = await client.users.create({ username: `browser_${++users}` });
  const handed = await handoffLocation(client, user.id, `http://localhost:3000${path}`);
  return { user, ...handed };
}

/** A browser request to the app on localhost:3000 with the given cookies. */
function appRequest(
  path: string,
  cookies: Record<string, string> = {},
  init: RequestInit & { origin?: string } = {},
) {
  const cookie = Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
  const headers = new Headers(init.headers);
  if (cookie !== '') headers.set('cookie', cookie);
  return new Request(new URL(path, init.origin ?? 'http://localhost:3000'), { ...init, headers });
}

const cookiesOf = (setCookies: readonly string[]) =>
  Object.fromEntries(setCookies.map(parseSetCookie).map((cookie) => [cookie.name, cookie]));

/** Signs a browser in through a handoff; returns its cookies. */
async function handOff() {
  const handed = await signedInBrowser();
  const { setCookies } = await handleBrowserSession(appRequest(handed.location), options);
  const cookies = cookiesOf(setCookies);
  sent.length = 0;
  return {
    ...handed,
    cookies: {
      [SESSION_COOKIE]: cookies[SESSION_COOKIE]!.value,
      [REFRESH_COOKIE]: cookies[REFRESH_COOKIE]!.value,
    },
  };
}

describe('handleBrowserSession: the handoff', () => {
  it('redeems it: both cookies on the app origin, a redirect to the URL without it', async () => {
    const { user, location, sessionId } = await signedInBrowser('/dashboard?tab=1&q=a+b');
    expect(new URL(location).origin).toBe('http://localhost:3000');
    const result = await handleBrowserSession(appRequest(location), options);

    expect(result.redirectTo).toBe('/dashboard?tab=1&q=a+b');
    expect(result.auth).toMatchObject({ isSignedIn: true, userId: user.id, sessionId });
    expect(result.setCookies).toHaveLength(2);
    const cookies = cookiesOf(result.setCookies);
    for (const name of [SESSION_COOKIE, REFRESH_COOKIE]) {
      // 1800 s: the session's whole life (the server's default), on a frozen clock.
      expect(cookies[name]?.attributes).toEqual({
        path: '/',
        httponly: true,
        samesite: 'Lax',
        'max-age': '1800',
      });
    }
    const jwt = cookies[SESSION_COOKIE]!.value;
    const refreshToken = cookies[REFRESH_COOKIE]!.value;
    expect(jwt.split('.')).toHaveLength(3);
    expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The credentials are only in Set-Cookie.
    const elsewhere = JSON.stringify({ auth: result.auth, redirectTo: result.redirectTo });
    expect(elsewhere).not.toContain(jwt);
    expect(elsewhere).not.toContain(refreshToken);
    expect(sent).toEqual(['POST /v1/session_handoffs/redeem']);

    // The browser comes back with its cookies: signed in, nothing to set.
    const next = await handleBrowserSession(
      appRequest(result.redirectTo!, { [SESSION_COOKIE]: jwt }),
      options,
    );
    expect(next).toMatchObject({
      auth: { isSignedIn: true, userId: user.id },
      setCookies: [],
      redirectTo: null,
    });
  });

  it('sets Secure cookies on https', async () => {
    const { location } = await signedInBrowser();
    const path = new URL(location);
    const result = await handleBrowserSession(
      appRequest(`${path.pathname}${path.search}`, {}, { origin: 'https://app.example.com' }),
      options,
    );
    expect(result.setCookies.map((header) => parseSetCookie(header).attributes.secure)).toEqual([true, true]);
  });

  it('a replayed handoff (a second browser) is signed out, with no cookies', async () => {
    const { location } = await signedInBrowser();
    expect((await handleBrowserSession(appRequest(location), options)).auth.isSignedIn).toBe(true);
    const replay = await handleBrowserSession(appRequest(location), options);
    expect(replay).toEqual({
      auth: expect.objectContaining({ isSignedIn: false, userId: null }),
      setCookies: [],
      redirectTo: '/dashboard?tab=1',
    });
  });

  it('an expired, unknown or malformed handoff is signed out, and the parameter still leaves the URL', async () => {
    const { location } = await signedInBrowser('/');
    now += 61_000;
    for (const url of [location, `/?${HANDOFF_PARAM}=not-a-handoff`, `/p?a=1&${HANDOFF_PARAM}=&b=2`]) {
      const result = await handleBrowserSession(appRequest(url), options);
      expect(result.auth.isSignedIn).toBe(false);
      expect(result.setCookies).toEqual([]);
      expect(result.redirectTo).not.toContain(HANDOFF_PARAM);
    }
    // The empty value is refused without asking tessera.
    expect(sent).toEqual(['POST /v1/session_handoffs/redeem', 'POST /v1/session_handoffs/redeem']);
  });

  it('is redeemed on GET and HEAD only: another method leaves it alone', async () => {
    const { location } = await signedInBrowser();
    const post = await handleBrowserSession(appRequest(location, {}, { method: 'POST' }), options);
    expect(post).toMatchObject({ auth: { isSignedIn: false, reason: 'token-missing' }, redirectTo: null });
    expect(sent).toEqual([]);
    const head = await handleBrowserSession(appRequest(location, {}, { method: 'HEAD' }), options);
    expect(head.auth.isSignedIn).toBe(true);
  });

  it('tessera unreachable: signed out, no cookies, the parameter removed', async () => {
    const { location } = await signedInBrowser();
    failNetwork = true;
    const result = await handleBrowserSession(appRequest(location), options);
    expect(result).toMatchObject({
      auth: { isSignedIn: false },
      setCookies: [],
      redirectTo: '/dashboard?tab=1',
    });
  });

  it('without a secret key (only jwtKey) it behaves exactly like authenticateRequest', async () => {
    vi.stubEnv('TESSERA_SECRET_KEY', '');
    const { location, handoff } = await signedInBrowser();
    const result = await handleBrowserSession(appRequest(location), { jwtKey, clock, fetch: recordingFetch });
    expect(result).toEqual({
      auth: expect.objectContaining({ isSignedIn: false, reason: 'token-missing' }),
      setCookies: [],
      redirectTo: null,
    });
    expect(sent).toEqual([]);
    // The handoff was not spent.
    expect((await client.sessions.redeemHandoff(handoff)).object).toBe('session_handoff');
  });
});

describe('handleBrowserSession: staying signed in', () => {
  it('refreshes an expired cookie JWT with the refresh cookie, across several lifetimes', async () => {
    const { user, sessionId, cookies } = await handOff();
    const jwts = new Set([cookies[SESSION_COOKIE]]);
    for (let lifetime = 0; lifetime < 4; lifetime++) {
      pastOneLifetime();
      const result = await handleBrowserSession(appRequest('/page', cookies), options);
      expect(result.auth).toMatchObject({ isSignedIn: true, userId: user.id, sessionId });
      expect(result.redirectTo).toBeNull();
      expect(result.setCookies).toHaveLength(1);
      const renewed = parseSetCookie(result.setCookies[0]!);
      expect(renewed).toMatchObject({
        name: SESSION_COOKIE,
        attributes: { httponly: true, samesite: 'Lax' },
      });
      expect(Number(renewed.attributes['max-age'])).toBeLessThan(1800);
      cookies[SESSION_COOKIE] = renewed.value;
      jwts.add(renewed.value);
      // Within the new JWT's lifetime: no call to tessera.
      sent.length = 0;
      expect((await handleBrowserSession(appRequest('/page', cookies), options)).setCookies).toEqual([]);
      expect(sent).toEqual([]);
    }
    expect(jwts.size).toBe(5);
  });

  it('a missing __session with a refresh cookie is refreshed too', async () => {
    const { user, cookies } = await handOff();
    const result = await handleBrowserSession(
      appRequest('/', { [REFRESH_COOKIE]: cookies[REFRESH_COOKIE]! }),
      options,
    );
    expect(result.auth).toMatchObject({ isSignedIn: true, userId: user.id });
  });

  it('concurrent requests of one browser share one refresh, each call with its own options object', async () => {
    const { cookies, user } = await handOff();
    pastOneLifetime();
    // Options built anew per request (as an app does inline): equal values, the same fetch.
    const results = await Promise.all(
      Array.from({ length: 6 }, () => handleBrowserSession(appRequest('/', cookies), { ...options })),
    );
    expect(results.map((result) => result.auth.userId)).toEqual(Array(6).fill(user.id));
    expect(sent).toEqual(['POST /v1/sessions/refresh']);
    expect(new Set(results.map((result) => result.setCookies[0])).size).toBe(1);
  });

  it('calls with another configuration do not share a refresh', async () => {
    const { cookies } = await handOff();
    pastOneLifetime();
    await Promise.all([
      handleBrowserSession(appRequest('/', cookies), options),
      handleBrowserSession(appRequest('/', cookies), {
        ...options,
        authorizedParties: ['http://localhost:3000'],
      }),
    ]);
    expect(sent).toEqual(['POST /v1/sessions/refresh', 'POST /v1/sessions/refresh']);
  });

  it('after a revoke, the next request past the JWT lifetime is signed out and both cookies cleared', async () => {
    const { sessionId, cookies } = await handOff();
    await client.sessions.revoke(sessionId);
    // The JWT already issued is still admitted until it expires (networkless verification)...
    expect((await handleBrowserSession(appRequest('/', cookies), options)).auth.isSignedIn).toBe(true);
    pastOneLifetime();
    const result = await handleBrowserSession(appRequest('/', cookies), options);
    expect(result.auth).toMatchObject({ isSignedIn: false, reason: 'token-expired' });
    expect(result.setCookies.map(parseSetCookie)).toEqual([
      {
        name: SESSION_COOKIE,
        value: '',
        attributes: { path: '/', httponly: true, samesite: 'Lax', 'max-age': '0' },
      },
      {
        name: REFRESH_COOKIE,
        value: '',
        attributes: { path: '/', httponly: true, samesite: 'Lax', 'max-age': '0' },
      },
    ]);
  });

  it('with the default clock skew, a revoke still signs the browser out once the JWT passes exp', async () => {
    const skewed = { ...options, clockSkewInMs: 5_000 };
    const { sessionId, cookies, user } = await handOff();
    now += LIFETIME_MS + 500; // past exp, but within the 5 s skew verification tolerates
    const renewed = await handleBrowserSession(appRequest('/', cookies), skewed);
    expect(renewed.auth).toMatchObject({ isSignedIn: true, userId: user.id });
    expect(sent).toEqual(['POST /v1/sessions/refresh']);
    const fresh = { ...cookies, [SESSION_COOKIE]: cookiesOf(renewed.setCookies)[SESSION_COOKIE]!.value };

    await client.sessions.revoke(sessionId);
    now += LIFETIME_MS + 500;
    failNetwork = true;
    // tessera unreachable: within the skew the stale JWT is still admitted, and the cookies kept.
    const offline = await handleBrowserSession(appRequest('/', fresh), skewed);
    expect(offline).toMatchObject({ auth: { isSignedIn: true }, setCookies: [] });
    failNetwork = false;
    const revoked = await handleBrowserSession(appRequest('/', fresh), skewed);
    expect(revoked.auth).toMatchObject({ isSignedIn: false, reason: 'token-expired' });
    expect(revoked.setCookies.map((header) => parseSetCookie(header).attributes['max-age'])).toEqual([
      '0',
      '0',
    ]);
  });

  it('a cookie JWT refused for another reason (a rotated-out key) is renewed with the refresh cookie', async () => {
    const { cookies, user } = await handOff();
    const [header, payload] = cookies[SESSION_COOKIE]!.split('.');
    const forged = { ...cookies, [SESSION_COOKIE]: `${header}.${payload}.${'A'.repeat(342)}` };
    const result = await handleBrowserSession(appRequest('/', forged, { method: 'POST' }), options);
    expect(result.auth).toMatchObject({ isSignedIn: true, userId: user.id });
    expect(sent).toEqual(['POST /v1/sessions/refresh']);
    expect(cookiesOf(result.setCookies)[SESSION_COOKIE]!.value).not.toBe(forged[SESSION_COOKIE]);
  });

  it('an unknown or malformed refresh token clears the cookies', async () => {
    const unknown = await handleBrowserSession(
      appRequest('/', { [REFRESH_COOKIE]: 'x'.repeat(43) }),
      options,
    );
    expect(unknown.setCookies.map((header) => parseSetCookie(header).attributes['max-age'])).toEqual([
      '0',
      '0',
    ]);
    expect(sent).toEqual(['POST /v1/sessions/refresh']);
    sent.length = 0;
    const malformed = await handleBrowserSession(
      appRequest('/', { [REFRESH_COOKIE]: 'x'.repeat(600) }),
      options,
    );
    expect(malformed.setCookies).toHaveLength(2);
    expect(sent).toEqual([]);
  });

  it('tessera unreachable during a refresh: signed out, cookies kept', async () => {
    const { cookies, user } = await handOff();
    pastOneLifetime();
    failNetwork = true;
    const result = await handleBrowserSession(appRequest('/', cookies), options);
    expect(result).toMatchObject({ auth: { isSignedIn: false, reason: 'token-expired' }, setCookies: [] });
    failNetwork = false;
    const later = await handleBrowserSession(appRequest('/', cookies), options);
    expect(later.auth).toMatchObject({ isSignedIn: true, userId: user.id });
  });

  it('an expired JWT alone is never enough: no refresh cookie, no renewal', async () => {
    const { cookies } = await handOff();
    pastOneLifetime();
    const result = await handleBrowserSession(
      appRequest('/', { [SESSION_COOKIE]: cookies[SESSION_COOKIE]! }),
      options,
    );
    expect(result).toEqual({
      auth: expect.objectContaining({ isSignedIn: false, reason: 'token-expired' }),
      setCookies: [],
      redirectTo: null,
    });
    expect(sent).toEqual([]);
  });

  it('an expired Bearer token is not renewed from the cookies', async () => {
    const { cookies } = await handOff();
    pastOneLifetime();
    const result = await handleBrowserSession(
      appRequest('/api', cookies, { headers: { Authorization: `Bearer ${cookies[SESSION_COOKIE]}` } }),
      options,
    );
    expect(result).toMatchObject({ auth: { isSignedIn: false, reason: 'token-expired' }, setCookies: [] });
    expect(sent).toEqual([]);
  });
});

describe('signOutBrowserSession', () => {
  const cleared = ['0', '0'];
  const maxAges = (setCookies: readonly string[]) =>
    setCookies.map((header) => parseSetCookie(header).attributes['max-age']);

  it('ends the session of the current JWT and clears both cookies', async () => {
    const { sessionId, cookies } = await handOff();
    const { setCookies } = await signOutBrowserSession(
      appRequest('/sign-out', cookies, { method: 'POST' }),
      options,
    );
    expect(setCookies.map((header) => parseSetCookie(header).name)).toEqual([SESSION_COOKIE, REFRESH_COOKIE]);
    expect(maxAges(setCookies)).toEqual(cleared);
    expect((await client.sessions.get(sessionId)).status).toBe('ended');
  });

  it('with an expired JWT, ends the session its refresh cookie is bound to', async () => {
    const { sessionId, cookies } = await handOff();
    pastOneLifetime();
    const { setCookies } = await signOutBrowserSession(
      appRequest('/sign-out', cookies, { method: 'POST' }),
      options,
    );
    expect(maxAges(setCookies)).toEqual(cleared);
    expect((await client.sessions.get(sessionId)).status).toBe('ended');
  });

  it('never throws: a forged token, an ended session, tessera unreachable, no secret key', async () => {
    const forged = { [SESSION_COOKIE]: 'a.b.c', [REFRESH_COOKIE]: 'nope' };
    expect(
      maxAges((await signOutBrowserSession(appRequest('/', forged, { method: 'POST' }), options)).setCookies),
    ).toEqual(cleared);

    const { sessionId, cookies } = await handOff();
    await client.sessions.end(sessionId);
    expect(
      maxAges(
        (await signOutBrowserSession(appRequest('/', cookies, { method: 'POST' }), options)).setCookies,
      ),
    ).toEqual(cleared);

    failNetwork = true;
    expect(
      maxAges(
        (await signOutBrowserSession(appRequest('/', cookies, { method: 'POST' }), options)).setCookies,
      ),
    ).toEqual(cleared);

    vi.stubEnv('TESSERA_SECRET_KEY', '');
    const withoutKey = await signOutBrowserSession(appRequest('/', cookies, { method: 'POST' }), {
      jwtKey,
      clock,
    });
    expect(maxAges(withoutKey.setCookies)).toEqual(cleared);
  });
  it('refuses another method (405, Allow: POST) and another origin (403), ending nothing', async () => {
    const { sessionId, cookies } = await handOff();
    const own = 'http://localhost:3000';
    const attempts: [RequestInit, number][] = [
      [{ method: 'GET' }, 405],
      [{ method: 'PUT', headers: { Origin: own } }, 405],
      [{ method: 'POST', headers: { Origin: 'https://evil.example' } }, 403],
      [{ method: 'POST', headers: { Origin: 'null' } }, 403],
      [{ method: 'POST', headers: { Origin: 'https://localhost:3000' } }, 403],
      [{ method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site' } }, 403],
      [{ method: 'POST', headers: { Origin: own, 'Sec-Fetch-Site': 'same-site' } }, 403],
    ];
    for (const [init, status] of attempts) {
      const { setCookies, refused } = await signOutBrowserSession(
        appRequest('/sign-out', cookies, init),
        options,
      );
      expect([init, refused]).toEqual([init, expect.objectContaining({ status })]);
      expect(setCookies).toEqual([]);
    }
    expect(
      (await signOutBrowserSession(appRequest('/sign-out', cookies, { method: 'DELETE' }), options)).refused,
    ).toEqual({ status: 405, code: 'method_not_allowed', headers: { Allow: 'POST' } });
    expect(sent).toEqual([]);
    expect((await client.sessions.get(sessionId)).status).toBe('active');

    // The app's own origin, or a same-origin fetch, signs out.
    const sameOrigin = { method: 'POST', headers: { Origin: own, 'Sec-Fetch-Site': 'same-origin' } };
    const out = await signOutBrowserSession(appRequest('/sign-out', cookies, sameOrigin), options);
    expect(out.refused).toBeNull();
    expect((await client.sessions.get(sessionId)).status).toBe('ended');
  });
});

describe('options', () => {
  it('a bad option throws a ConfigurationError naming it, before any request', async () => {
    const request = appRequest('/');
    await expect(handleBrowserSession(request, { jwtKey, secretKey: 'sk_nope' })).rejects.toMatchObject({
      option: 'secretKey',
    });
    vi.stubEnv('TESSERA_SECRET_KEY', 'not-a-key');
    await expect(signOutBrowserSession(request, { jwtKey })).rejects.toMatchObject({
      option: 'TESSERA_SECRET_KEY',
    });
    vi.stubEnv('TESSERA_SECRET_KEY', '');
    vi.stubEnv('TESSERA_JWT_KEY', '');
    await expect(handleBrowserSession(request)).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('reads TESSERA_SECRET_KEY and TESSERA_API_URL from the environment', async () => {
    vi.stubEnv('TESSERA_SECRET_KEY', secretKey);
    vi.stubEnv('TESSERA_API_URL', tessera.url);
    const { location, user } = await signedInBrowser();
    const result = await handleBrowserSession(appRequest(location), { jwtKey, clock });
    expect(result.auth).toMatchObject({ isSignedIn: true, userId: user.id });
  });
});

describe('withoutQueryParam', () => {
  const strip = (url: string) => withoutQueryParam(new URL(url), HANDOFF_PARAM);

  it('removes every occurrence and keeps the other parameters byte for byte', () => {
    expect(strip(`http://a.test/p?x=1&${HANDOFF_PARAM}=h&y=%20+z&flag&${HANDOFF_PARAM}=again`)).toBe(
      '/p?x=1&y=%20+z&flag',
    );
    expect(strip(`http://a.test/?${HANDOFF_PARAM}=h`)).toBe('/');
    expect(strip(`http://a.test/p?%5F%5Ftessera_handoff=h`)).toBe('/p');
  });

  it('never answers a protocol-relative URL', () => {
    expect(strip(`http://a.test//evil.example/x?${HANDOFF_PARAM}=h`)).toBe('/evil.example/x');
  });
});
