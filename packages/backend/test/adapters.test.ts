import type { AddressInfo } from 'node:net';
import {
  getAuth as expressGetAuth,
  requireAuth as expressRequireAuth,
  withAuth as expressWithAuth,
} from '@tessera/backend/express';
import { requireAuth as fastifyRequireAuth, withAuth as fastifyWithAuth } from '@tessera/backend/fastify';
import {
  getAuth as honoGetAuth,
  requireAuth as honoRequireAuth,
  withAuth as honoWithAuth,
} from '@tessera/backend/hono';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { claimsAt, makeKey, signJwt, type TestKey } from './support/jwt';

let key: TestKey;
let jwt: string;
const USER = 'user_2x0000000000000000000000000';

beforeAll(() => {
  key = makeKey('kid_a');
  jwt = signJwt(key, claimsAt(Date.now()));
});

afterEach(() => {
  vi.unstubAllEnvs();
});

const refused = (reason: string) => ({
  errors: [expect.objectContaining({ code: 'authentication_invalid', meta: { reason } })],
});

describe('express', () => {
  async function serve(app: express.Express) {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('requireAuth() admits a valid JWT and sets req.auth; refuses without one (401 + reason)', async () => {
    vi.stubEnv('TESSERA_JWT_KEY', key.publicPem.replace(/\n/g, '\\n'));
    const app = express();
    app.get('/me', expressRequireAuth(), (req, res) => {
      res.json({ userId: req.auth?.userId, viaGetAuth: expressGetAuth(req).userId });
    });
    const server = await serve(app);
    try {
      const ok = await fetch(`${server.url}/me`, { headers: { Authorization: `Bearer ${jwt}` } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ userId: USER, viaGetAuth: USER });

      const missing = await fetch(`${server.url}/me`);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toContain('Bearer');
      expect(await missing.json()).toEqual(refused('token-missing'));

      const forged = await fetch(`${server.url}/me`, { headers: { Cookie: `__session=${jwt}x` } });
      expect(await forged.json()).toEqual(refused('token-invalid-signature'));
    } finally {
      await server.close();
    }
  });

  it('withAuth() never refuses; getAuth() without a middleware is a configuration error', async () => {
    const app = express();
    app.get('/open', expressWithAuth({ jwtKey: key.publicPem }), (req, res) => {
      res.json(expressGetAuth(req));
    });
    app.get('/bare', (req, res) => {
      try {
        expressGetAuth(req);
      } catch (error) {
        res.status(500).json({ code: (error as { code: string }).code });
      }
    });
    const server = await serve(app);
    try {
      expect(await (await fetch(`${server.url}/open`)).json()).toMatchObject({
        isSignedIn: false,
        reason: 'token-missing',
      });
      expect(await (await fetch(`${server.url}/bare`)).json()).toEqual({ code: 'configuration_invalid' });
    } finally {
      await server.close();
    }
  });

  it('a bad option throws when the middleware is created, not on a request', () => {
    vi.stubEnv('TESSERA_JWT_KEY', '');
    vi.stubEnv('TESSERA_SECRET_KEY', '');
    expect(() => expressRequireAuth()).toThrow(/jwtKey/);
    expect(() => expressRequireAuth({ jwtKey: 'nope' })).toThrow(/jwtKey/);
  });
});

describe('hono', () => {
  it('requireAuth() admits a valid JWT and refuses without one', async () => {
    const app = new Hono();
    app.get('/me', honoRequireAuth({ jwtKey: key.publicPem }), (c) =>
      c.json({ userId: c.get('auth').userId }),
    );
    const ok = await app.request('/me', { headers: { Authorization: `Bearer ${jwt}` } });
    expect(await ok.json()).toEqual({ userId: USER });
    const missing = await app.request('/me');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual(refused('token-missing'));
  });

  it('withAuth() with options from the context; getAuth()', async () => {
    const app = new Hono<{ Bindings: { JWT_KEY: string } }>();
    app.use(
      '*',
      honoWithAuth((c) => ({ jwtKey: (c.env as { JWT_KEY: string }).JWT_KEY })),
    );
    app.get('/me', (c) => c.json({ signedIn: honoGetAuth(c).isSignedIn }));
    const env = { JWT_KEY: key.publicPem };
    expect(await (await app.request('/me', { headers: { Cookie: `__session=${jwt}` } }, env)).json()).toEqual(
      {
        signedIn: true,
      },
    );
    expect(await (await app.request('/me', {}, env)).json()).toEqual({ signedIn: false });
  });
});

describe('fastify', () => {
  it('requireAuth() as a route hook admits a valid JWT and refuses without one', async () => {
    const app = Fastify();
    app.get('/me', { onRequest: fastifyRequireAuth({ jwtKey: key.publicPem }) }, async (request) => ({
      userId: request.auth?.userId,
    }));
    const ok = await app.inject({ url: '/me', headers: { authorization: `Bearer ${jwt}` } });
    expect(ok.json()).toEqual({ userId: USER });
    const missing = await app.inject({ url: '/me' });
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toEqual(refused('token-missing'));
    await app.close();
  });

  it('withAuth() as an app hook never refuses', async () => {
    const app = Fastify();
    app.addHook('onRequest', fastifyWithAuth({ jwtKey: key.publicPem }));
    app.get('/me', async (request) => ({ reason: request.auth?.reason }));
    expect((await app.inject({ url: '/me', headers: { authorization: 'Bearer x' } })).json()).toEqual({
      reason: 'token-malformed',
    });
    await app.close();
  });
});
