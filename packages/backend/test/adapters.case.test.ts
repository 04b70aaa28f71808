import { createPublicKey } from 'node:crypto';
import {
  type AuthenticateRequestOptions,
  type BackendApiClient,
  createBackendApiClient,
  REFRESH_COOKIE,
  SESSION_COOKIE,
} from '@tessera/backend';
import { type RunningTessera, startTessera } from '@tessera/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADAPTERS, type AdapterUnderTest, type ServedApp } from './support/adapter-apps';
import { handoffLocation, parseSetCookie, testBrowser } from './support/browser';

// One list of cases, run against a real app of every framework on a real socket, with the real
// tessera server (the handoff's redirect URL is on localhost, tessera on 127.0.0.1). One clock for
// the server and the apps' verifiers; JWTs live 2 seconds, and time moves by assignment.
const LIFETIME_MS = 2_000;
let now = Date.UTC(2032, 0, 1);
const clock = { now: () => now };
const pastOneLifetime = () => {
  now += LIFETIME_MS + 1_000;
};

let tessera: RunningTessera;
let client: BackendApiClient;
/** Every request an app's SDK sends to tessera. */
const sent: string[] = [];
/** When set, a refresh waits for it before reaching tessera. */
let beforeRefresh: (() => Promise<void>) | null = null;
const recordingFetch: typeof fetch = async (input, init) => {
  const path = new URL(String(input)).pathname;
  sent.push(`${init?.method ?? 'GET'} ${path}`);
  if (path === '/v1/sessions/refresh' && beforeRefresh) await beforeRefresh();
  return fetch(input, init);
};

/** Resolves once `condition` holds (a generous bound: a condition, not a time window). */
function until(condition: () => boolean): Promise<void> {
  return vi.waitFor(
    () => {
      if (!condition()) throw new Error('condition not met yet');
    },
    { timeout: 15_000, interval: 1 },
  );
}
/** A JWT template of the instance: its JWTs verify, but carry no `sid` and are no session. */
const TEMPLATE = 'warehouse';
/** Verification through the JWKS; the same secret key redeems, refreshes and ends sessions. */
let options: AuthenticateRequestOptions;
let jwtKey: string;

beforeAll(async () => {
  tessera = await startTessera({
    databaseUrl: ':memory:',
    port: 0,
    log: () => {},
    sessionTokenLifetimeSeconds: LIFETIME_MS / 1000,
    clock,
  });
  client = createBackendApiClient({ secretKey: tessera.secretKey, apiUrl: tessera.url });
  options = {
    secretKey: tessera.secretKey,
    apiUrl: tessera.url,
    clock,
    clockSkewInMs: 0,
    fetch: recordingFetch,
  };
  await client.jwtTemplates.create({ name: TEMPLATE, claims: { email: '{{user.primary_email_address}}' } });
  const { keys } = await client.jwks.get();
  jwtKey = createPublicKey({ key: { ...keys[0]! }, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
});

afterAll(async () => {
  await tessera?.close();
});

afterEach(() => {
  sent.length = 0;
  beforeRefresh = null;
  vi.unstubAllEnvs();
});

let users = 0;
async function handoffTo(app: ServedApp, path = '/page?tab=1') {
  const user = await client.users.create({ username: `case_${++users}` });
  return { user, ...(await handoffLocation(client, user.id, `http://localhost:${app.port}${path}`)) };
}

/** A browser signed in on `app` through a handoff. */
async function signedIn(app: ServedApp) {
  const handed = await handoffTo(app);
  const browser = testBrowser(app.origin);
  await browser.request(handed.location);
  expect([...browser.jar.keys()]).toEqual([SESSION_COOKIE, REFRESH_COOKIE]);
  sent.length = 0;
  return { ...handed, browser };
}

const setCookieNames = (response: Response) =>
  response.headers.getSetCookie().map((header) => parseSetCookie(header).name);
const reasonOf = async (response: Response) =>
  ((await response.json()) as { errors: { code: string; meta: { reason: string } }[] }).errors[0];

interface Case {
  readonly name: string;
  /** The app's options; the default verifies through the JWKS with the secret key. */
  readonly options?: () => AuthenticateRequestOptions;
  run(app: ServedApp, adapter: AdapterUnderTest): Promise<void>;
}

const CASES: Case[] = [
  {
    name: 'requireAuth() admits a valid Bearer JWT and refuses without one (401, the reason)',
    async run(app) {
      const { browser, user } = await signedIn(app);
      const jwt = browser.jar.get(SESSION_COOKIE)!;
      const ok = await fetch(`${app.origin}/api/me`, { headers: { Authorization: `Bearer ${jwt}` } });
      expect(await ok.json()).toEqual({ userId: user.id });
      const missing = await fetch(`${app.origin}/api/me`);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toContain('Bearer');
      expect(await reasonOf(missing)).toMatchObject({
        code: 'authentication_invalid',
        meta: { reason: 'token-missing' },
      });
      // A well-formed RS256 signature (256 bytes), just not this token's.
      const [header, payload] = jwt.split('.');
      const forged = await fetch(`${app.origin}/api/me`, {
        headers: { Cookie: `${SESSION_COOKIE}=${header}.${payload}.${'A'.repeat(342)}` },
      });
      expect(await reasonOf(forged)).toMatchObject({ meta: { reason: 'token-invalid-signature' } });
    },
  },
  {
    name: 'a JWT made from a JWT template is no session: 401 token-invalid-claims, signed out',
    async run(app) {
      const { browser, sessionId, user } = await signedIn(app);
      const { jwt } = await client.sessions.getToken(sessionId, TEMPLATE);
      const bearer = { Authorization: `Bearer ${jwt}` };
      const refused = await fetch(`${app.origin}/api/me`, { headers: bearer });
      expect(refused.status).toBe(401);
      expect(await reasonOf(refused)).toMatchObject({ meta: { reason: 'token-invalid-claims' } });
      expect(await (await fetch(`${app.origin}/page`, { headers: bearer })).json()).toEqual({ userId: null });
      // The session's own JWT, in the same browser's cookie, still signs in.
      expect(await (await browser.request('/api/me')).json()).toEqual({ userId: user.id });
      expect(sent).toEqual([]);
    },
  },
  {
    name: 'withAuth() never refuses; getAuth() without a middleware is a configuration error',
    async run(app) {
      expect(await (await fetch(`${app.origin}/page`)).json()).toEqual({ userId: null });
      const bare = await fetch(`${app.origin}/bare`);
      expect(await bare.json()).toEqual({ code: 'configuration_invalid' });
    },
  },
  {
    name: 'a handoff is redeemed: 303 to the URL without it, both cookies set, then signed in',
    async run(app) {
      const { user, location } = await handoffTo(app, '/page?tab=1');
      const browser = testBrowser(app.origin);
      const landing = await browser.request(location);
      expect(landing.status).toBe(303);
      expect(landing.headers.get('location')).toBe('/page?tab=1');
      expect(landing.headers.get('cache-control')).toBe('no-store');
      const cookies = landing.headers.getSetCookie().map(parseSetCookie);
      expect(cookies.map((cookie) => [cookie.name, cookie.attributes])).toEqual([
        [SESSION_COOKIE, { path: '/', httponly: true, samesite: 'Lax', 'max-age': '1800' }],
        [REFRESH_COOKIE, { path: '/', httponly: true, samesite: 'Lax', 'max-age': '1800' }],
      ]);
      expect(await (await browser.request('/page?tab=1')).json()).toEqual({ userId: user.id });
    },
  },
  {
    name: 'a replayed handoff (a second browser) is signed out, with no cookies',
    async run(app) {
      const { location } = await handoffTo(app);
      await testBrowser(app.origin).request(location);
      const second = testBrowser(app.origin);
      const replay = await second.request(location);
      expect(replay.status).toBe(303);
      expect(replay.headers.getSetCookie()).toEqual([]);
      expect(await (await second.request(replay.headers.get('location')!)).json()).toEqual({ userId: null });
    },
  },
  {
    name: 'a handoff on another method is not redeemed: the request goes on, signed out',
    async run(app) {
      const { location } = await handoffTo(app, '/form');
      const browser = testBrowser(app.origin);
      const posted = await browser.request(location, { method: 'POST' });
      expect(posted.status).toBe(200);
      expect(await posted.json()).toEqual({ userId: null });
      expect(browser.jar.size).toBe(0);
    },
  },
  {
    name: 'with only jwtKey, a handoff is ignored',
    options: () => ({ jwtKey, clock }),
    async run(app) {
      vi.stubEnv('TESSERA_SECRET_KEY', '');
      const { location } = await handoffTo(app);
      const response = await testBrowser(app.origin).request(location);
      expect(response.status).toBe(200);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(await response.json()).toEqual({ userId: null });
    },
  },
  {
    name: 'an expired JWT is renewed with the refresh cookie on every kind of route, once per request',
    async run(app, adapter) {
      const { browser, user } = await signedIn(app);
      for (const path of ['/api/me', '/stacked', '/page', '/stacked']) {
        pastOneLifetime();
        const response = await browser.request(path);
        expect([adapter.name, path, response.status]).toEqual([adapter.name, path, 200]);
        expect(await response.json()).toEqual({ userId: user.id });
        expect(setCookieNames(response)).toEqual([SESSION_COOKIE]);
      }
      pastOneLifetime();
      const raw = await browser.request('/raw');
      expect(await raw.text()).toBe(user.id);
      expect(setCookieNames(raw)).toEqual([SESSION_COOKIE]);
      expect(sent).toEqual(Array(5).fill('POST /v1/sessions/refresh'));
    },
  },
  {
    name: 'concurrent requests of one browser needing a refresh make one refresh call',
    async run(app) {
      const { browser, user } = await signedIn(app);
      pastOneLifetime();
      const paths = ['/api/me', '/page', '/stacked', '/api/me', '/page'];
      // The refresh is held until every request has reached the app: all of them need it at once.
      // Between arriving and asking for the refresh a request does no I/O (its JWT was verified
      // before and is cached), so a check on a later turn of the event loop sees all of them waiting.
      const before = app.arrived();
      beforeRefresh = () => until(() => app.arrived() - before === paths.length);
      const responses = await Promise.all(paths.map((path) => browser.request(path)));
      const bodies = await Promise.all(responses.map((response) => response.json()));
      expect(bodies).toEqual(Array(5).fill({ userId: user.id }));
      expect(sent).toEqual(['POST /v1/sessions/refresh']);
    },
  },
  {
    name: 'after a revoke, past the JWT lifetime: 401 token-expired and both cookies cleared',
    async run(app) {
      const { browser, sessionId } = await signedIn(app);
      await client.sessions.revoke(sessionId);
      pastOneLifetime();
      const refused = await browser.request('/api/me');
      expect(refused.status).toBe(401);
      expect(await reasonOf(refused)).toMatchObject({ meta: { reason: 'token-expired' } });
      expect(setCookieNames(refused)).toEqual([SESSION_COOKIE, REFRESH_COOKIE]);
      expect(browser.jar.size).toBe(0);
    },
  },
  {
    name: 'an expired JWT cookie alone (no refresh cookie) is refused, never renewed',
    async run(app) {
      const { browser } = await signedIn(app);
      pastOneLifetime();
      const jwtOnly = await fetch(`${app.origin}/api/me`, {
        headers: { cookie: `${SESSION_COOKIE}=${browser.jar.get(SESSION_COOKIE)}` },
      });
      expect(jwtOnly.status).toBe(401);
      expect(await reasonOf(jwtOnly)).toMatchObject({ meta: { reason: 'token-expired' } });
      expect(sent).toEqual([]);
    },
  },
  {
    name: 'signOut() ends the session, clears the cookies and redirects; again, with nothing, too',
    async run(app) {
      const { browser, sessionId } = await signedIn(app);
      // No Origin, no Sec-Fetch-Site (curl, an old browser): allowed.
      const out = await browser.request('/sign-out', { method: 'POST' });
      expect(out.status).toBe(303);
      expect(out.headers.get('location')).toBe('/goodbye');
      expect(browser.jar.size).toBe(0);
      expect((await client.sessions.get(sessionId)).status).toBe('ended');
      expect((await browser.request('/sign-out', { method: 'POST' })).status).toBe(303);
    },
  },
  {
    name: 'signOut() with an expired JWT ends the session its refresh cookie is bound to',
    async run(app) {
      const { browser, sessionId } = await signedIn(app);
      pastOneLifetime();
      const out = await browser.request('/sign-out', { method: 'POST', headers: { Origin: app.origin } });
      expect(out.status).toBe(303);
      expect((await client.sessions.get(sessionId)).status).toBe('ended');
    },
  },
  {
    name: 'signOut() refuses another method: 405, Allow: POST, nothing ended',
    async run(app) {
      const { browser, sessionId } = await signedIn(app);
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const response = await browser.request('/sign-out', { method, headers: { Origin: app.origin } });
        expect([method, response.status, response.headers.get('allow')]).toEqual([method, 405, 'POST']);
        expect(response.headers.getSetCookie()).toEqual([]);
        expect(await reasonOf(response)).toMatchObject({ code: 'method_not_allowed' });
      }
      expect(browser.jar.size).toBe(2);
      expect((await client.sessions.get(sessionId)).status).toBe('active');
    },
  },
  {
    name: 'signOut() refuses another origin (Origin or Sec-Fetch-Site): 403, nothing ended',
    async run(app) {
      const { browser, sessionId } = await signedIn(app);
      const refusedHeaders: Record<string, string>[] = [
        { Origin: 'https://evil.example' },
        { Origin: 'null' },
        { Origin: app.origin.replace('http:', 'https:') },
        { Origin: `http://localhost:${app.port}` },
        { 'Sec-Fetch-Site': 'cross-site' },
        { 'Sec-Fetch-Site': 'same-site' },
        { Origin: app.origin, 'Sec-Fetch-Site': 'cross-site' },
      ];
      for (const headers of refusedHeaders) {
        const response = await browser.request('/sign-out', { method: 'POST', headers });
        expect([headers, response.status]).toEqual([headers, 403]);
        expect(response.headers.getSetCookie()).toEqual([]);
        expect(await reasonOf(response)).toMatchObject({ code: 'origin_invalid' });
      }
      expect(sent).toEqual([]);
      expect((await client.sessions.get(sessionId)).status).toBe('active');

      const own = { Origin: app.origin, 'Sec-Fetch-Site': 'same-origin' };
      const out = await browser.request('/sign-out', { method: 'POST', headers: own });
      expect(out.status).toBe(303);
      expect((await client.sessions.get(sessionId)).status).toBe('ended');
    },
  },
];

describe.each(ADAPTERS)('$name', (adapter) => {
  it.each(CASES)('$name', async (testCase) => {
    const app = await adapter.serve(testCase.options?.() ?? options);
    try {
      await testCase.run(app, adapter);
    } finally {
      await app.close();
    }
  });

  it('bad options throw when the middleware or handler is created', () => {
    vi.stubEnv('TESSERA_JWT_KEY', '');
    vi.stubEnv('TESSERA_SECRET_KEY', '');
    expect(() => adapter.build({})).toThrow(/jwtKey/);
    expect(() => adapter.build({ jwtKey: 'nope' })).toThrow(/jwtKey/);
    expect(() => adapter.build({ ...options, secretKey: 'sk_test_short' })).toThrow(/secretKey/);
    expect(() => adapter.build({ ...options, redirectTo: '' })).toThrow(/redirectTo/);
  });

  it.each(['withAuth', 'requireAuth', 'signOut'] as const)(
    '%s() without any key throws naming every option and variable it reads',
    (factory) => {
      vi.stubEnv('TESSERA_JWT_KEY', '');
      vi.stubEnv('TESSERA_SECRET_KEY', '');
      let thrown: unknown;
      try {
        adapter.factories[factory]({});
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'configuration_invalid', option: 'jwtKey' });
      const { message } = thrown as Error;
      for (const name of ['jwtKey', 'jwksUrl', 'secretKey', 'TESSERA_JWT_KEY', 'TESSERA_SECRET_KEY'])
        expect(message).toContain(name);
    },
  );
});
