import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthenticateRequestOptions, AuthState } from '@tessera/backend';
import type { SignOutOptions } from '@tessera/backend/express';
import * as expressAdapter from '@tessera/backend/express';
import * as fastifyAdapter from '@tessera/backend/fastify';
import * as honoAdapter from '@tessera/backend/hono';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';

/**
 * One app, written once per framework with the same routes, served on a real socket:
 * - `GET /page`, `POST /form`: `withAuth()`, answer `{ userId }`;
 * - `GET /raw`: `withAuth()`, answers the user id as text (a response the handler made itself);
 * - `GET /api/me`: `requireAuth()`, answers `{ userId }`;
 * - `GET /api/org`: `requireAuth()`, answers the organization (`organizationView`) of the auth state;
 * - `GET /stacked`: `withAuth()` then `requireAuth()` on one request;
 * - `GET /bare`: `getAuth()` with no middleware, answering its error's `{ code }`;
 * - every method on `/sign-out`: `signOut({ redirectTo: '/goodbye' })`.
 */
export interface AdapterUnderTest {
  readonly name: 'express' | 'fastify' | 'hono';
  serve(options: AuthenticateRequestOptions): Promise<ServedApp>;
  /** Builds the middleware and the sign-out handler, for construction errors. */
  build(options: SignOutOptions): void;
  /** The adapter's three constructors, each on its own. */
  readonly factories: Readonly<
    Record<'withAuth' | 'requireAuth' | 'signOut', (options: SignOutOptions) => unknown>
  >;
}

export interface ServedApp {
  readonly origin: string;
  readonly port: number;
  /** Requests that reached the app (counted before any tessera middleware runs). */
  arrived(): number;
  close(): Promise<void>;
}

async function listening(server: Server, arrived: () => number): Promise<ServedApp> {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    arrived,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function counter() {
  let count = 0;
  return { count: () => count, arrive: () => void count++ };
}

/** What `GET /api/org` answers: the active organization and two `has()` questions. */
export function organizationView(auth: AuthState) {
  return {
    orgId: auth.orgId,
    orgRole: auth.orgRole,
    orgSlug: auth.orgSlug,
    orgPermissions: auth.orgPermissions,
    factorVerificationAge: auth.factorVerificationAge,
    canPay: auth.has({ permission: 'org:invoices:pay' }),
    isAdmin: auth.has({ role: 'org:admin' }),
  };
}

const signOutOptions = (options: AuthenticateRequestOptions) => ({ ...options, redirectTo: '/goodbye' });
const codeOf = (error: unknown) => ({ code: (error as { code?: string }).code });

const expressApp: AdapterUnderTest = {
  name: 'express',
  build(options) {
    expressAdapter.withAuth(options);
    expressAdapter.signOut(options);
  },
  factories: {
    withAuth: expressAdapter.withAuth,
    requireAuth: expressAdapter.requireAuth,
    signOut: expressAdapter.signOut,
  },
  async serve(options) {
    const { getAuth, requireAuth, signOut, withAuth } = expressAdapter;
    const app = express();
    const arrivals = counter();
    app.use((_req, _res, next) => {
      arrivals.arrive();
      next();
    });
    app.get('/page', withAuth(options), (req, res) => {
      res.json({ userId: getAuth(req).userId });
    });
    app.post('/form', withAuth(options), (req, res) => {
      res.json({ userId: getAuth(req).userId });
    });
    app.get('/raw', withAuth(options), (req, res) => {
      res.type('text/plain').send(getAuth(req).userId ?? 'signed out');
    });
    app.get('/api/me', requireAuth(options), (req, res) => {
      res.json({ userId: req.auth?.userId });
    });
    app.get('/api/org', requireAuth(options), (req, res) => {
      res.json(organizationView(getAuth(req)));
    });
    app.get('/stacked', withAuth(options), requireAuth(options), (req, res) => {
      res.json({ userId: req.auth?.userId });
    });
    app.get('/bare', (req, res) => {
      try {
        getAuth(req);
        res.json({ code: null });
      } catch (error) {
        res.status(500).json(codeOf(error));
      }
    });
    app.all('/sign-out', signOut(signOutOptions(options)));
    return listening(app.listen(0, '127.0.0.1'), arrivals.count);
  },
};

const fastifyApp: AdapterUnderTest = {
  name: 'fastify',
  build(options) {
    fastifyAdapter.withAuth(options);
    fastifyAdapter.signOut(options);
  },
  factories: {
    withAuth: fastifyAdapter.withAuth,
    requireAuth: fastifyAdapter.requireAuth,
    signOut: fastifyAdapter.signOut,
  },
  async serve(options) {
    const { getAuth, requireAuth, signOut, withAuth } = fastifyAdapter;
    const app = Fastify();
    const arrivals = counter();
    app.addHook('onRequest', async () => arrivals.arrive());
    app.get('/page', { onRequest: withAuth(options) }, async (request) => ({
      userId: getAuth(request).userId,
    }));
    app.post('/form', { onRequest: withAuth(options) }, async (request) => ({
      userId: getAuth(request).userId,
    }));
    app.get('/raw', { onRequest: withAuth(options) }, async (request, reply) =>
      reply.type('text/plain').send(getAuth(request).userId ?? 'signed out'),
    );
    app.get('/api/me', { onRequest: requireAuth(options) }, async (request) => ({
      userId: request.auth?.userId,
    }));
    app.get('/api/org', { onRequest: requireAuth(options) }, async (request) =>
      organizationView(getAuth(request)),
    );
    app.get('/stacked', { onRequest: [withAuth(options), requireAuth(options)] }, async (request) => ({
      userId: request.auth?.userId,
    }));
    app.get('/bare', async (request, reply) => {
      try {
        getAuth(request);
        return { code: null };
      } catch (error) {
        return reply.code(500).send(codeOf(error));
      }
    });
    app.all('/sign-out', signOut(signOutOptions(options)));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const served = await listening(app.server, arrivals.count);
    return { ...served, close: () => app.close() };
  },
};

/** A Node socket in front of a fetch handler (hono ships none of its own). */
function serveFetch(handle: (request: Request) => Response | Promise<Response>): Server {
  return createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const method = req.method ?? 'GET';
    const body = method === 'GET' || method === 'HEAD' ? null : Buffer.concat(chunks);
    const response = await handle(
      new Request(`http://${req.headers.host}${req.url}`, { method, headers, body }),
    );
    const outgoing: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') outgoing[name] = value;
    });
    const setCookies = response.headers.getSetCookie();
    if (setCookies.length > 0) outgoing['set-cookie'] = setCookies;
    res.writeHead(response.status, outgoing);
    res.end(Buffer.from(await response.arrayBuffer()));
  }).listen(0, '127.0.0.1');
}

const honoApp: AdapterUnderTest = {
  name: 'hono',
  build(options) {
    honoAdapter.withAuth(options);
    honoAdapter.signOut(options);
  },
  factories: {
    withAuth: honoAdapter.withAuth,
    requireAuth: honoAdapter.requireAuth,
    signOut: honoAdapter.signOut,
  },
  async serve(options) {
    const { getAuth, requireAuth, signOut, withAuth } = honoAdapter;
    const app = new Hono();
    const arrivals = counter();
    app.use('*', async (_c, next) => {
      arrivals.arrive();
      await next();
    });
    app.get('/page', withAuth(options), (c) => c.json({ userId: getAuth(c).userId }));
    app.post('/form', withAuth(options), (c) => c.json({ userId: getAuth(c).userId }));
    app.get('/raw', withAuth(options), (c) => new Response(getAuth(c).userId ?? 'signed out'));
    app.get('/api/me', requireAuth(options), (c) => c.json({ userId: c.get('auth').userId }));
    app.get('/api/org', requireAuth(options), (c) => c.json(organizationView(c.get('auth'))));
    app.get('/stacked', withAuth(options), requireAuth(options), (c) =>
      c.json({ userId: c.get('auth').userId }),
    );
    app.get('/bare', (c) => {
      try {
        getAuth(c);
        return c.json({ code: null });
      } catch (error) {
        return c.json(codeOf(error), 500);
      }
    });
    app.all('/sign-out', signOut(signOutOptions(options)));
    return listening(
      serveFetch((request) => app.fetch(request)),
      arrivals.count,
    );
  },
};

export const ADAPTERS: readonly AdapterUnderTest[] = [expressApp, fastifyApp, honoApp];
