import type { AddressInfo } from 'node:net';
import {
  type AuthenticateRequestOptions,
  type BackendApiClient,
  createBackendApiClient,
  REFRESH_COOKIE,
  SESSION_COOKIE,
} from '@tessera/backend';
import * as expressAdapter from '@tessera/backend/express';
import * as fastifyAdapter from '@tessera/backend/fastify';
import * as honoAdapter from '@tessera/backend/hono';
import { type RunningTessera, startTessera } from '@tessera/server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { handoffLocation, parseSetCookie, testBrowser } from './support/browser';

// Each adapter with the real server (in-process, over a socket), the app on another origin
// (the handoff's redirect URL is on localhost, tessera on 127.0.0.1). One clock for the server and
// the apps' verifiers; JWTs live 2 seconds.
const LIFETIME_MS = 2_000;
let now = Date.UTC(2032, 0, 1);
const clock = { now: () => now };
const pastOneLifetime = () => {
  now += LIFETIME_MS + 1_000;
};

let tessera: RunningTessera;
let client: BackendApiClient;
let options: AuthenticateRequestOptions;

beforeAll(async () => {
  tessera = await startTessera({
    databaseUrl: ':memory:',
    port: 0,
    log: () => {},
    sessionTokenLifetimeSeconds: LIFETIME_MS / 1000,
    clock,
  });
  client = createBackendApiClient({ secretKey: tessera.secretKey, apiUrl: tessera.url });
  // Verification through the JWKS (secretKey + apiUrl); the same key redeems and refreshes.
  options = { secretKey: tessera.secretKey, apiUrl: tessera.url, clock, clockSkewInMs: 0 };
});

afterAll(async () => {
  await tessera?.close();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

let users = 0;
async function handoffTo(appPort: number | string, path = '/dashboard?tab=1') {
  const user = await client.users.create({ username: `adapter_${++users}` });
  return { user, ...(await handoffLocation(client, user.id, `http://localhost:${appPort}${path}`)) };
}

async function listen(server: import('node:http').Server) {
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, port };
}

const setCookieNames = (response: Response) =>
  response.headers.getSetCookie().map((header) => parseSetCookie(header).name);

describe('express', () => {
  const { getAuth, requireAuth, signOut, withAuth } = expressAdapter;

  function app(appOptions: AuthenticateRequestOptions = options) {
    const app = express();
    app.get('/dashboard', withAuth(appOptions), (req, res) => {
      res.json({ userId: getAuth(req).userId });
    });
    app.post('/form', withAuth(appOptions), (req, res) => {
      res.json({ userId: getAuth(req).userId });
    });
    app.get('/api/me', requireAuth(appOptions), (req, res) => {
      res.json({ userId: req.auth?.userId });
    });
    // Stacked (a global withAuth() and a route's requireAuth()): one refresh, one cookie.
    app.get('/stacked', withAuth(appOptions), requireAuth(appOptions), (req, res) => {
      res.json({ userId: req.auth?.userId });
    });
    app.post('/sign-out', signOut({ ...appOptions, redirectTo: '/goodbye' }));
    return app;
  }

  async function serve(appOptions?: AuthenticateRequestOptions) {
    const server = app(appOptions).listen(0, '127.0.0.1');
    return { ...(await listen(server)), close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('handoff, replay in a second browser, refresh across lifetimes, revoke', async () => {
    const server = await serve();
    try {
      const { user, location, sessionId } = await handoffTo(server.port);
      const browser = testBrowser(server.origin);

      const landing = await browser.request(location);
      expect(landing.status).toBe(303);
      expect(landing.headers.get('location')).toBe('/dashboard?tab=1');
      expect(landing.headers.get('cache-control')).toBe('no-store');
      const cookies = landing.headers.getSetCookie().map(parseSetCookie);
      expect(cookies.map((cookie) => [cookie.name, cookie.attributes])).toEqual([
        [SESSION_COOKIE, { path: '/', httponly: true, samesite: 'Lax', 'max-age': '1800' }],
        [REFRESH_COOKIE, { path: '/', httponly: true, samesite: 'Lax', 'max-age': '1800' }],
      ]);
      const page = await browser.request(landing.headers.get('location')!);
      expect(await page.json()).toEqual({ userId: user.id });

      const secondBrowser = testBrowser(server.origin);
      const replay = await secondBrowser.request(location);
      expect(replay.status).toBe(303);
      expect(replay.headers.getSetCookie()).toEqual([]);
      expect(await (await secondBrowser.request(replay.headers.get('location')!)).json()).toEqual({
        userId: null,
      });

      for (const path of ['/api/me', '/stacked', '/api/me', '/stacked']) {
        pastOneLifetime();
        const me = await browser.request(path);
        expect(me.status).toBe(200);
        expect(await me.json()).toEqual({ userId: user.id });
        expect(setCookieNames(me)).toEqual([SESSION_COOKIE]);
      }

      await client.sessions.revoke(sessionId);
      pastOneLifetime();
      const refused = await browser.request('/api/me');
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ errors: [{ meta: { reason: 'token-expired' } }] });
      expect(setCookieNames(refused)).toEqual([SESSION_COOKIE, REFRESH_COOKIE]);
      expect(browser.jar.size).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('signOut() ends the session, clears the cookies and redirects', async () => {
    const server = await serve();
    try {
      const { location, sessionId } = await handoffTo(server.port);
      const browser = testBrowser(server.origin);
      await browser.request(location);
      expect([...browser.jar.keys()]).toEqual([SESSION_COOKIE, REFRESH_COOKIE]);

      const out = await browser.request('/sign-out', { method: 'POST' });
      expect(out.status).toBe(303);
      expect(out.headers.get('location')).toBe('/goodbye');
      expect(browser.jar.size).toBe(0);
      expect((await client.sessions.get(sessionId)).status).toBe('ended');
      // Signing out again, with nothing, still answers the redirect.
      expect((await browser.request('/sign-out', { method: 'POST' })).status).toBe(303);
    } finally {
      await server.close();
    }
  });

  it('a handoff on another method is not redeemed: the request goes on, signed out', async () => {
    const server = await serve();
    try {
      const { location } = await handoffTo(server.port, '/form');
      const browser = testBrowser(server.origin);
      const posted = await browser.request(location, { method: 'POST' });
      expect(posted.status).toBe(200);
      expect(await posted.json()).toEqual({ userId: null });
      expect(browser.jar.size).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('with only jwtKey, a handoff is ignored exactly as before', async () => {
    vi.stubEnv('TESSERA_SECRET_KEY', '');
    const { keys } = await client.jwks.get();
    const { createPublicKey } = await import('node:crypto');
    const jwtKey = createPublicKey({ key: { ...keys[0]! }, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const server = await serve({ jwtKey, clock });
    try {
      const { location } = await handoffTo(server.port);
      const response = await testBrowser(server.origin).request(location);
      expect(response.status).toBe(200);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(await response.json()).toEqual({ userId: null });
    } finally {
      await server.close();
    }
  });

  it('signOut() hands an unexpected error to next(), as Express 4 will not catch a rejected handler', async () => {
    const broken = {
      method: 'POST',
      protocol: 'http',
      originalUrl: '/sign-out',
      get headers(): never {
        throw new Error('headers unreadable');
      },
    };
    const errors: unknown[] = [];
    const response = { append: () => response, status: () => response, set: () => response, end: () => {} };
    await signOut(options)(broken as never, response as never, (error) => errors.push(error));
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/headers unreadable/);
  });

  it('bad options throw when the middleware or handler is created', () => {
    expect(() => withAuth({ ...options, secretKey: 'sk_test_short' })).toThrow(/secretKey/);
    expect(() => signOut({ ...options, redirectTo: '' })).toThrow(/redirectTo/);
  });
});

describe('hono', () => {
  const { getAuth, requireAuth, signOut, withAuth } = honoAdapter;
  const ORIGIN = 'http://localhost:8787';

  function app() {
    const app = new Hono();
    app.use('*', withAuth(options));
    app.get('/', (c) => c.json({ userId: getAuth(c).userId }));
    app.get('/raw', (c) => new Response(getAuth(c).userId ?? 'signed out'));
    app.get('/api/me', requireAuth(options), (c) => c.json({ userId: c.get('auth').userId }));
    app.post(
      '/sign-out',
      signOut((c) => ({ ...options, redirectTo: new URL('/bye', c.req.url).href })),
    );
    return app;
  }

  it('handoff, refresh (on any kind of response), expired JWT alone, sign-out', async () => {
    const hono = app();
    const browser = testBrowser(ORIGIN, async (url, init) => hono.request(url, init));
    const { user, location, sessionId } = await handoffTo(8787, '/?from=tessera');

    const landing = await browser.request(location);
    expect(landing.status).toBe(303);
    expect(landing.headers.get('location')).toBe('/?from=tessera');
    expect(setCookieNames(landing)).toEqual([SESSION_COOKIE, REFRESH_COOKIE]);
    expect(await (await browser.request('/')).json()).toEqual({ userId: user.id });

    pastOneLifetime();
    const raw = await browser.request('/raw');
    expect(await raw.text()).toBe(user.id);
    expect(setCookieNames(raw)).toEqual([SESSION_COOKIE]);
    pastOneLifetime();
    const json = await browser.request('/api/me');
    expect(await json.json()).toEqual({ userId: user.id });
    expect(setCookieNames(json)).toEqual([SESSION_COOKIE]);

    // The JWT cookie alone, once expired, is not enough.
    pastOneLifetime();
    const jwtOnly = await hono.request(`${ORIGIN}/api/me`, {
      headers: { cookie: `${SESSION_COOKIE}=${browser.jar.get(SESSION_COOKIE)}` },
    });
    expect(jwtOnly.status).toBe(401);
    expect(await jwtOnly.json()).toMatchObject({ errors: [{ meta: { reason: 'token-expired' } }] });

    const out = await browser.request('/sign-out', { method: 'POST' });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe(`${ORIGIN}/bye`);
    expect(browser.jar.size).toBe(0);
    expect((await client.sessions.get(sessionId)).status).toBe('ended');
    expect(await (await browser.request('/')).json()).toEqual({ userId: null });
  });
});

describe('fastify', () => {
  const { getAuth, requireAuth, signOut, withAuth } = fastifyAdapter;

  it('handoff, requireAuth after a revoke (401, cookies cleared), sign-out', async () => {
    const app = Fastify();
    app.get('/home', { onRequest: withAuth(options) }, async (request) => ({
      userId: getAuth(request).userId,
    }));
    app.get('/api/me', { onRequest: requireAuth(options) }, async (request) => ({
      userId: request.auth?.userId,
    }));
    app.post('/sign-out', signOut(options));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const origin = `http://127.0.0.1:${port}`;
    try {
      const first = await handoffTo(port, '/home');
      const browser = testBrowser(origin);
      const landing = await browser.request(first.location);
      expect(landing.status).toBe(303);
      expect(landing.headers.get('location')).toBe('/home');
      expect(setCookieNames(landing)).toEqual([SESSION_COOKIE, REFRESH_COOKIE]);
      expect(await (await browser.request('/home')).json()).toEqual({ userId: first.user.id });
      pastOneLifetime();
      expect(await (await browser.request('/api/me')).json()).toEqual({ userId: first.user.id });

      await client.sessions.revoke(first.sessionId);
      pastOneLifetime();
      const refused = await browser.request('/api/me');
      expect(refused.status).toBe(401);
      expect(setCookieNames(refused)).toEqual([SESSION_COOKIE, REFRESH_COOKIE]);
      expect(browser.jar.size).toBe(0);

      const second = await handoffTo(port, '/home');
      await browser.request(second.location);
      const out = await browser.request('/sign-out', { method: 'POST' });
      expect(out.status).toBe(303);
      expect(out.headers.get('location')).toBe('/');
      expect(browser.jar.size).toBe(0);
      expect((await client.sessions.get(second.sessionId)).status).toBe('ended');
    } finally {
      await app.close();
    }
  });
});
