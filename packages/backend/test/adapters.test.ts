import { generateKeyPairSync } from 'node:crypto';
import * as expressAdapter from '@tessera/backend/express';
import * as fastifyAdapter from '@tessera/backend/fastify';
import * as honoAdapter from '@tessera/backend/hono';
import { SESSION_COOKIE_NAME } from '@tessera/wire';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { requestUrl } from '../src/auth/adapter-support';
import { claimsAt, makeKey, signJwt, type TestKey } from './support/jwt';

// What one framework has and the others do not. Every behaviour the three share is a case of
// adapters.case.test.ts, run against all three.
let key: TestKey;
let jwt: string;

beforeAll(() => {
  key = makeKey('kid_a');
  jwt = signJwt(key, claimsAt(Date.now()));
});

describe('express', () => {
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
    await expressAdapter.signOut({ jwtKey: key.publicPem })(broken as never, response as never, (error) =>
      errors.push(error),
    );
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/headers unreadable/);
  });
});

describe('the Cookie header', () => {
  // A Bearer request is verified without reading it (the adapters' hot path), a browser's from it.
  function countingRequest(authorization: string | undefined, cookie: string | undefined) {
    const reads = { cookie: 0 };
    const headers = {
      authorization,
      get cookie() {
        reads.cookie += 1;
        return cookie;
      },
    };
    return { reads, req: { method: 'GET', protocol: 'http', originalUrl: '/me', headers } };
  }

  it('is not read for a request with a Bearer JWT, and is for one without', async () => {
    const middleware = expressAdapter.requireAuth({ jwtKey: key.publicPem });
    const run = async (req: unknown) => {
      const res = { append: () => res, status: () => res, set: () => res, json: () => res, end: () => {} };
      let passed = false;
      await middleware(req as never, res as never, () => {
        passed = true;
      });
      return passed;
    };
    const bearer = countingRequest(`Bearer ${jwt}`, `${SESSION_COOKIE_NAME}=not-a-jwt`);
    expect(await run(bearer.req)).toBe(true);
    expect(bearer.reads.cookie).toBe(0);
    const browser = countingRequest(undefined, `${SESSION_COOKIE_NAME}=${jwt}`);
    expect(await run(browser.req)).toBe(true);
    expect(browser.reads.cookie).toBe(1);
  });
});

describe('hono', () => {
  it('withAuth() takes its options from the request context (c.env)', async () => {
    const app = new Hono<{ Bindings: { JWT_KEY: string } }>();
    app.use(
      '*',
      honoAdapter.withAuth((c) => ({ jwtKey: (c.env as { JWT_KEY: string }).JWT_KEY })),
    );
    app.get('/me', (c) => c.json({ signedIn: honoAdapter.getAuth(c).isSignedIn }));
    const env = { JWT_KEY: key.publicPem };
    const cookie = { headers: { Cookie: `${SESSION_COOKIE_NAME}=${jwt}` } };
    expect(await (await app.request('/me', cookie, env)).json()).toEqual({ signedIn: true });
    expect(await (await app.request('/me', {}, env)).json()).toEqual({ signedIn: false });
  });

  it('a function form that returns other options for another request uses them (the last ones are reused only while equal)', async () => {
    const app = new Hono<{ Bindings: { JWT_KEY: string } }>();
    app.use(
      '*',
      honoAdapter.requireAuth((c) => ({ jwtKey: (c.env as { JWT_KEY: string }).JWT_KEY })),
    );
    app.get('/me', (c) => c.json({ userId: honoAdapter.getAuth(c).userId }));
    const cookie = { headers: { Cookie: `${SESSION_COOKIE_NAME}=${jwt}` } };
    const right = { JWT_KEY: key.publicPem };
    const wrong = {
      JWT_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString(),
    };
    for (let round = 0; round < 2; round++) {
      expect((await app.request('/me', cookie, right)).status).toBe(200);
      expect((await app.request('/me', cookie, { ...right })).status).toBe(200);
      expect((await app.request('/me', cookie, wrong)).status).toBe(401);
    }
  });
});

describe('hono signOut', () => {
  it('takes its options from the request context, and judges the origin by c.req.url', async () => {
    const app = new Hono();
    app.all(
      '/sign-out',
      honoAdapter.signOut((c) => ({ jwtKey: key.publicPem, redirectTo: new URL('/bye', c.req.url).href })),
    );
    const own = { method: 'POST', headers: { Origin: 'http://localhost:8787' } };
    const out = await app.request('http://localhost:8787/sign-out', own);
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('http://localhost:8787/bye');
    const other = { method: 'POST', headers: { Origin: 'http://localhost:8788' } };
    expect((await app.request('http://localhost:8787/sign-out', other)).status).toBe(403);
  });
});

describe('fastify', () => {
  it('withAuth() as an app-wide hook sets request.auth on every route', async () => {
    const app = Fastify();
    app.addHook('onRequest', fastifyAdapter.withAuth({ jwtKey: key.publicPem }));
    app.get('/me', async (request) => ({ reason: request.auth?.reason }));
    expect((await app.inject({ url: '/me', headers: { authorization: 'Bearer x' } })).json()).toEqual({
      reason: 'token-malformed',
    });
    await app.close();
  });
});

describe('requestUrl (Express and Fastify)', () => {
  it("is the request's own origin from the scheme and Host; a malformed Host matches no Origin", () => {
    expect(requestUrl('https', 'app.example.com:8443', '/p?q=1').href).toBe(
      'https://app.example.com:8443/p?q=1',
    );
    expect(requestUrl('http', '[::1]:3000', 'http://elsewhere.example/x').href).toBe('http://[::1]:3000/x');
    for (const host of [undefined, '', 'evil.example/x', 'user@evil.example', 'a.example b.example']) {
      expect(requestUrl('http', host, '/p').origin).toBe('http://app.invalid');
    }
  });
});
