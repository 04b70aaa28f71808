import { Context } from 'hono';
import { loadTesseraSdk } from './sdk.mjs';

/**
 * The SDK's ways of checking a session, written as `packages/backend/README.md` writes them:
 *
 * - `verifyToken(jwt, { jwtKey: process.env.TESSERA_JWT_KEY })`: a new options object per call;
 * - `authenticateRequest(request, { jwtKey: env.TESSERA_JWT_KEY })` on a web `Request` (`env`: a
 *   worker's bindings);
 * - each adapter's `requireAuth()`, created once with no options (it reads `TESSERA_JWT_KEY`), and for
 *   Hono the README's first form, `requireAuth((c) => ({ jwtKey: c.env.TESSERA_JWT_KEY }))`.
 *
 * An adapter is called as its framework calls it (Express `(req, res, next)`, Fastify's
 * `onRequest(request, reply)`, Hono `(c, next)` with a real `Context`), without the framework's
 * routing or HTTP around it: what is measured is what the middleware adds to a request. Every
 * request (a `Request`, an Express or Fastify request, a Hono `Context`) is built beforehand by
 * `prepare`, as the runtime or the framework would have built it; `call` is what is timed, `sub`
 * answers the user id or throws for a refused token.
 *
 * `process.env.TESSERA_JWT_KEY` is set (and `TESSERA_SECRET_KEY` unset) until `restore()`.
 *
 * With `ownCaches`, each call is given the key in a spelling of its own (the same PEM followed by
 * one to five newlines, which no verifier reads): the SDK shares a verifier, with its cache of
 * verified tokens, between calls naming the same key text, so a token one of them verified would
 * be a cache hit for the next. Scenario 1 wants each to meet every token for the first time.
 */
export async function documentedCalls(publicPem, { ownCaches = false } = {}) {
  const spelling = (n) => (ownCaches ? `${publicPem.trimEnd()}${'\n'.repeat(n)}` : publicPem);
  const saved = { jwt: process.env.TESSERA_JWT_KEY, secret: process.env.TESSERA_SECRET_KEY };
  delete process.env.TESSERA_SECRET_KEY;
  const restore = () => {
    for (const [name, value] of [
      ['TESSERA_JWT_KEY', saved.jwt],
      ['TESSERA_SECRET_KEY', saved.secret],
    ]) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };

  const sdk = await loadTesseraSdk();
  const express = await import('@tessera/backend/express');
  const fastify = await import('@tessera/backend/fastify');
  const hono = await import('@tessera/backend/hono');
  // Created once, as an app creates them: each reads TESSERA_JWT_KEY as it is at that moment.
  process.env.TESSERA_JWT_KEY = spelling(2);
  const expressRequireAuth = express.requireAuth();
  process.env.TESSERA_JWT_KEY = spelling(3);
  const fastifyRequireAuth = fastify.requireAuth();
  const honoRequireAuth = hono.requireAuth((c) => ({ jwtKey: c.env.TESSERA_JWT_KEY }));
  const honoEnv = { TESSERA_JWT_KEY: spelling(4) };
  // A worker's bindings, as the README's authenticateRequest example reads them.
  const env = { TESSERA_JWT_KEY: spelling(5) };
  process.env.TESSERA_JWT_KEY = spelling(1);

  // Each request gets its own header string, flat as a parser makes it (a template literal makes a
  // rope, which the first string comparison would flatten at the call's expense).
  const bearer = (token) => Buffer.from(`Bearer ${token}`, 'latin1').toString('latin1');
  const refused = (status) => Object.assign(new Error(`refused with ${status}`), { status });
  const noop = () => {};
  const asyncNoop = async () => {};
  /** Express's response as the middleware uses it, recording a refusal. */
  const expressResponse = () => ({
    statusCode: 200,
    status(code) {
      this.statusCode = code;
      return this;
    },
    set() {
      return this;
    },
    append() {
      return this;
    },
    json() {},
    end() {},
  });
  const sharedExpressResponse = expressResponse();
  const fastifyReply = {
    header() {
      return this;
    },
    code() {
      return this;
    },
    headers() {
      return this;
    },
    send() {
      return this;
    },
  };

  const calls = {
    verifyToken: {
      label: 'verifyToken(jwt, { jwtKey })',
      prepare: (token) => token,
      call: (token) => sdk.verifyToken(token, { jwtKey: process.env.TESSERA_JWT_KEY }),
      sub: async (token) => (await sdk.verifyToken(token, { jwtKey: process.env.TESSERA_JWT_KEY })).sub,
    },
    authenticateRequest: {
      label: 'authenticateRequest(request, { jwtKey })',
      prepare: (token) =>
        new Request('http://127.0.0.1:3000/api/me', { headers: { authorization: bearer(token) } }),
      call: (request) => sdk.authenticateRequest(request, { jwtKey: env.TESSERA_JWT_KEY }),
      sub: async (request) => {
        const auth = await sdk.authenticateRequest(request, { jwtKey: env.TESSERA_JWT_KEY });
        if (!auth.isSignedIn) throw refused(auth.reason);
        return auth.userId;
      },
    },
    express: {
      label: 'Express requireAuth()',
      prepare: (token) => ({
        method: 'GET',
        protocol: 'http',
        originalUrl: '/api/me',
        headers: { host: '127.0.0.1:3000', authorization: bearer(token) },
      }),
      call: (req) => expressRequireAuth(req, sharedExpressResponse, noop),
      sub: async (req) => {
        const res = expressResponse();
        let passed = false;
        await expressRequireAuth(req, res, () => {
          passed = true;
        });
        if (!passed) throw refused(res.statusCode);
        return req.auth.userId;
      },
    },
    fastify: {
      label: 'Fastify requireAuth()',
      prepare: (token) => ({
        method: 'GET',
        protocol: 'http',
        host: '127.0.0.1:3000',
        hostname: '127.0.0.1:3000',
        url: '/api/me',
        headers: { host: '127.0.0.1:3000', authorization: bearer(token) },
      }),
      call: (request) => fastifyRequireAuth(request, fastifyReply),
      sub: async (request) => {
        const reply = await fastifyRequireAuth(request, fastifyReply);
        if (reply !== undefined) throw refused(401);
        return request.auth.userId;
      },
    },
    hono: {
      label: 'Hono requireAuth((c) => options)',
      prepare: (token) =>
        new Context(
          new Request('http://127.0.0.1:3000/api/me', { headers: { authorization: bearer(token) } }),
          { env: honoEnv },
        ),
      call: (c) => honoRequireAuth(c, asyncNoop),
      sub: async (c) => {
        const response = await honoRequireAuth(c, asyncNoop);
        if (response !== undefined) throw refused(response.status);
        return c.get('auth').userId;
      },
    },
  };
  return { sdk, calls, restore };
}
