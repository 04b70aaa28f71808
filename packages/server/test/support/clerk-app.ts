import { createClerkClient } from '@clerk/backend';
import { getCookieSuffix } from '@clerk/shared/keys';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { CookieJar } from './cookie-jar';
import type { FakeClock, Json, Reply, TestServer } from './tessera';

/** The app using Clerk's SDK, on a loopback origin, and its same-origin proxy to the Frontend API. */
export const APP = 'http://localhost:3000';
export const PROXY_URL = `${APP}/__clerk`;
export const NONCE_PARAM = '__clerk_handshake_nonce';
/** 256 random bits, base64url: a nonce, a refresh token, a handoff. */
export const SECRET_256 = /^[A-Za-z0-9_-]{43}$/;
/**
 * A dev-browser token: `<client id>.<256 bits>`, random for a client that holds a session, an HMAC of
 * the id for one that holds none (base64url either way).
 */
export const DEV_BROWSER = /^client_[0-9A-Za-z]{27}\.[A-Za-z0-9_-]{43}$/;

export const claimsOf = (jwt: string): Json =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());

export async function countRows(server: TestServer, table: 'clients' | 'handshake_nonces' | 'sessions') {
  const { rows } = await sql<{
    n: number | string;
  }>`select count(*) as n from ${sql.table(table)}`.execute(server.tessera.context.db);
  return Number(rows[0]?.n);
}

/** The rows a handshake or an acceptance may write, counted. */
export async function rowCounts(server: TestServer) {
  return {
    clients: await countRows(server, 'clients'),
    handshake_nonces: await countRows(server, 'handshake_nonces'),
    sessions: await countRows(server, 'sessions'),
  };
}

/** A handshake query as `@clerk/backend` builds it, for `redirect_url`, with extra parameters. */
export function handshakeQuery(redirectUrl: string, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    redirect_url: redirectUrl,
    __clerk_api_version: '2026-05-12',
    suffixed_cookies: 'true',
    __clerk_hs_reason: 'dev-browser-missing',
    format: 'nonce',
    ...extra,
  }).toString();
}

/** A successful handshake: 307 to `redirectUrl` plus a nonce, no cookies, not cached. Returns the Location. */
export function expectNonceRedirect(reply: Reply, redirectUrl: string): string {
  expect(reply.status, reply.text).toBe(307);
  expect(reply.headers['set-cookie']).toBeUndefined();
  expect(reply.headers['cache-control']).toBe('no-store');
  const location = new URL(String(reply.headers.location));
  expect(location.searchParams.get(NONCE_PARAM)).toMatch(SECRET_256);
  const without = new URL(location);
  without.searchParams.delete(NONCE_PARAM);
  expect(without.href).toBe(new URL(redirectUrl).href);
  return location.href;
}

/** A refusal of the Frontend API: an HTML page with `status` that says `mentions`; no cookies, no redirect. */
export function expectRefusalPage(reply: Reply, status: number, mentions: RegExp): void {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers['content-type']).toMatch(/^text\/html/);
  expect(reply.headers['set-cookie']).toBeUndefined();
  expect(reply.headers.location).toBeUndefined();
  expect(reply.text).toMatch(mentions);
}

export type AuthState = Awaited<ReturnType<ReturnType<typeof createClerkClient>['authenticateRequest']>>;

/** The signed-in auth object of a state (`toAuth()`), failing the test when it is not signed in. */
export function authOf(state: AuthState): Json {
  expect(state.status, `${state.reason} ${state.message}`).toBe('signed-in');
  return (state as Json).toAuth();
}

/**
 * An app on `APP` running the unmodified `@clerk/backend` against `server` (tessera's keys and URL, as
 * CLERK_PUBLISHABLE_KEY, CLERK_SECRET_KEY and CLERK_API_URL), and what a browser does with it. The app
 * is not served: each request is a `Request` handed to `authenticateRequest` as `clerkMiddleware`
 * does, and what its proxy (`/__clerk`) forwards is sent to tessera with the browser's cookies.
 */
export async function clerkApp(server: TestServer, clock: FakeClock) {
  const clerk = createClerkClient({
    apiUrl: server.tessera.url,
    secretKey: server.secretKey,
    publishableKey: server.tessera.publishableKey,
    // Off, as CLERK_TELEMETRY_DISABLED=1 turns it off in an app: no notice on the console, nothing sent.
    telemetry: { disabled: true },
  });
  const suffix = await getCookieSuffix(server.tessera.publishableKey);

  /** A document navigation in the app: what `clerkMiddleware` asks `@clerk/backend`. */
  const authenticate = (url: string, jar: CookieJar): Promise<AuthState> => {
    const cookie = jar.header(new URL(url).pathname);
    const request = new Request(url, {
      headers: { 'sec-fetch-dest': 'document', accept: 'text/html', ...(cookie && { cookie }) },
    });
    return clerk.authenticateRequest(request, { proxyUrl: PROXY_URL });
  };

  const getHandshake = (query: string, headers: Record<string, string> = {}) =>
    server.get(`/v1/client/handshake?${query}`, {
      auth: false,
      headers: { accept: 'text/html', ...headers },
    });

  return {
    clerk,
    /** The suffix of Clerk's cookie names, as the client computes it from the publishable key. */
    suffix,
    /** A fresh browser: no cookies. */
    newJar: () => new CookieJar(() => clock.now()),
    authenticate,
    /** `authenticate`, then the browser keeps the response's cookies. */
    async visit(url: string, jar: CookieJar): Promise<AuthState> {
      const state = await authenticate(url, jar);
      jar.apply(state.headers.getSetCookie());
      return state;
    },
    /** A GET of tessera's `/v1/client/handshake?<query>`, as a browser navigates to it. */
    getHandshake,
    /**
     * The app's proxy forwarding a handshake redirect to tessera as Clerk's proxy does: the query as
     * the client built it (with the dev browser it chose, if any), the browser's cookies of the app's
     * origin (which tessera does not read) and the app's secret key.
     */
    forwardHandshake(location: string, jar: CookieJar): Promise<Reply> {
      const url = new URL(location);
      expect(`${url.origin}${url.pathname}`).toBe(`${PROXY_URL}/v1/client/handshake`);
      const cookie = jar.header(url.pathname);
      return getHandshake(url.search.slice(1), {
        'clerk-secret-key': server.secretKey,
        ...(cookie && { cookie }),
      });
    },
  };
}

export type ClerkApp = Awaited<ReturnType<typeof clerkApp>>;
