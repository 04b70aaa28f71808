import { createHash, randomBytes } from 'node:crypto';
import { parsePublishableKey } from '@clerk/shared/keys';
import { ConfigError } from '@tessera/server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runHousekeeping } from '../src/instance/housekeeping';
import {
  APP,
  authOf,
  type ClerkApp,
  claimsOf,
  clerkApp,
  countRows,
  DEV_BROWSER,
  expectNonceRedirect,
  expectRefusalPage,
  handshakeQuery,
  NONCE_PARAM as NONCE,
  PROXY_URL,
  rowCounts,
  SECRET_256,
} from './support/clerk-app';
import { parseSetCookie } from './support/cookie-jar';
import { onEveryDatabase, type StartServer } from './support/every-database';
import {
  expectError,
  FakeClock,
  ID,
  type Json,
  newSecretKey,
  type StartOptions,
  startTestServer,
  type TestServer,
  unknownId,
} from './support/tessera';
import { submitTicketUrl } from './support/ticket-page';

/**
 * tessera as the Frontend API of a Clerk development instance (SPEC: the handshake), driven by the
 * unmodified `@clerk/backend` in an app that is simulated (support/clerk-app.ts) and a browser that
 * is a cookie jar, on every database. Only time is faked: the server's clock and, for the client's
 * expiry checks, Date.
 */
const SECURE_APP = 'https://shop.example.com';
const PLAIN_APP = 'https://plain.example.com';
/** Well past the JWT's lifetime (60 s) and @clerk/backend's 5 s of clock skew, well within the session's. */
const PAST_JWT_EXPIRY_MS = 2 * 60_000;

function suite(database: string, start: StartServer) {
  describe(`Clerk's development handshake on ${database}`, () => {
    let server: TestServer;
    let clock: FakeClock;
    let app: ClerkApp;
    let suffix: string;
    let user: Json;

    beforeAll(async () => {
      clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000);
      // @clerk/backend checks a JWT's exp against Date: Date follows the server's clock (and only Date).
      vi.useFakeTimers({ toFake: ['Date'], now: clock.t });
      server = await start({
        clock,
        clerkAppOrigins: [APP, SECURE_APP],
        allowedRedirectOrigins: [PLAIN_APP],
      });
      app = await clerkApp(server, clock);
      suffix = app.suffix;
      user = await server.createUser({ email_address: ['ada@example.com'], username: 'ada' });
    });

    afterAll(async () => {
      await server?.close();
      vi.useRealTimers();
    });

    /** Moves the server's clock and the client's Date together. */
    function moveTime(ms: number) {
      clock.advance(ms);
      vi.setSystemTime(clock.t);
    }

    async function refreshHashOf(sessionId: string): Promise<string | null> {
      const { rows } = await sql<{
        refresh_token_hash: string | null;
      }>`select refresh_token_hash from sessions where id = ${sessionId}`.execute(server.tessera.context.db);
      return rows[0]?.refresh_token_hash ?? null;
    }

    async function createTicket(path: string, body: Record<string, unknown>): Promise<Json> {
      const reply = await server.post(path, body);
      expect(reply.status, reply.text).toBe(200);
      return reply.body;
    }

    /**
     * A ticket to `redirectUrl` opened in a fresh browser (its page and form, over the socket), then
     * the app's first request on the redirect: returns the browser, the signed-in state and more.
     */
    async function signInThroughTicket(
      redirectUrl = `${APP}/dashboard?tab=1`,
      path = '/v1/test_session_tokens',
      params: Record<string, unknown> = {},
    ) {
      const ticket = await createTicket(path, { user_id: user.id, redirect_url: redirectUrl, ...params });
      const response = await submitTicketUrl(ticket.url);
      expect(response.status).toBe(303);
      const location = response.headers.get('location') ?? '';
      const jar = app.newJar();
      const state = await app.visit(location, jar);
      const auth = authOf(state);
      return { ticket, response, location, jar, state, auth, sessionId: auth.sessionId as string };
    }

    describe('keys', () => {
      it('the publishable key names tessera, and its cookie suffix is the one @clerk/backend computes', async () => {
        const pk = server.tessera.publishableKey;
        expect(pk).toMatch(/^pk_test_/);
        expect(parsePublishableKey(pk)).toMatchObject({
          instanceType: 'development',
          frontendApi: new URL(server.tessera.publicUrl).host,
        });
        const expected = createHash('sha1').update(pk).digest('base64url').slice(0, 8);
        expect(suffix).toBe(expected);
      });
    });

    describe('a ticket whose redirect_url is a Clerk app', () => {
      it('lands through the handshake: a nonce, resolved by the official client, then signed in', async () => {
        const before = await rowCounts(server);
        const ticket = await createTicket('/v1/test_session_tokens', {
          user_id: user.id,
          redirect_url: `${APP}/dashboard?tab=1`,
        });
        const response = await submitTicketUrl(ticket.url);
        expect(response.status).toBe(303);
        // The app gets the session through the handshake: tessera sets no cookie of its own.
        expect(response.headers.getSetCookie()).toEqual([]);
        const location = new URL(response.headers.get('location') ?? '');
        expect(location.searchParams.get(NONCE)).toMatch(SECRET_256);
        expect(location.searchParams.has('__tessera_handoff')).toBe(false);
        const landing = new URL(location);
        landing.searchParams.delete(NONCE);
        expect(landing.href).toBe(`${APP}/dashboard?tab=1`);
        expect(await rowCounts(server)).toEqual({
          clients: before.clients + 1,
          handshake_nonces: before.handshake_nonces + 1,
          sessions: before.sessions + 1,
        });
        const { session_id: sessionId } = (await server.get(`/v1/test_session_tokens/${ticket.id}`)).body;
        const session = (await server.get(`/v1/sessions/${sessionId}`)).body;
        expect(session.client_id).toMatch(ID.client);
        const { rows } = await sql<{
          dev_browser_hash: string;
        }>`select dev_browser_hash from clients where id = ${session.client_id}`.execute(
          server.tessera.context.db,
        );
        expect(rows).toHaveLength(1);

        // clerkMiddleware on the redirect: resolves the nonce through the Backend API.
        const jar = app.newJar();
        const state = await app.visit(location.href, jar);
        expect(authOf(state)).toMatchObject({ userId: user.id, sessionId, orgId: undefined });
        expect(state.headers.get('location')).toBe(`${APP}/dashboard?tab=1`);
        expect(state.headers.get('cache-control')).toBe('no-store');
        const directives = state.headers.getSetCookie().map(parseSetCookie);
        expect(directives.map((directive) => directive.name).sort()).toEqual(
          [
            '__session',
            `__session_${suffix}`,
            '__client_uat',
            `__client_uat_${suffix}`,
            '__clerk_db_jwt',
            `__clerk_db_jwt_${suffix}`,
            `__refresh_${suffix}`,
          ].sort(),
        );
        for (const directive of directives) {
          expect(directive.attributes, directive.name).toEqual(
            expect.arrayContaining(['path=/', 'samesite=lax', 'httponly']),
          );
          expect(directive.attributes, directive.name).not.toContain('secure');
        }
        const value = (name: string) => directives.find((directive) => directive.name === name)?.value ?? '';
        const jwt = value('__session');
        expect(value(`__session_${suffix}`)).toBe(jwt);
        const claims = claimsOf(jwt);
        expect(claims).toMatchObject({
          sub: user.id,
          sid: sessionId,
          azp: APP,
          iss: server.tessera.publicUrl,
        });
        expect(value('__client_uat')).toBe(String(claims.iat));
        expect(value(`__client_uat_${suffix}`)).toBe(String(claims.iat));
        expect(value('__clerk_db_jwt')).toMatch(DEV_BROWSER);
        expect(value('__clerk_db_jwt').startsWith(`${session.client_id}.`)).toBe(true);
        expect(value(`__clerk_db_jwt_${suffix}`)).toBe(value('__clerk_db_jwt'));
        // The client's row keeps only the hash of its (random) dev-browser token.
        expect(rows[0]?.dev_browser_hash).toBe(
          createHash('sha256').update(value('__clerk_db_jwt')).digest('hex'),
        );
        expect(value(`__refresh_${suffix}`)).not.toBe('');

        // The next request carries the cookies and is signed in, with nothing more to set.
        const next = await app.authenticate(`${APP}/dashboard?tab=1`, jar);
        expect(authOf(next)).toMatchObject({ userId: user.id, sessionId });
        expect(next.headers.get('location')).toBeNull();
      });

      it('on an https app, every cookie is Secure and the JWT is for that origin', async () => {
        const { jar, state, auth } = await signInThroughTicket(`${SECURE_APP}/`);
        expect(auth.userId).toBe(user.id);
        const directives = state.headers.getSetCookie().map(parseSetCookie);
        expect(directives.length).toBeGreaterThan(0);
        for (const directive of directives) expect(directive.attributes, directive.name).toContain('secure');
        expect(claimsOf(jar.get(`__session_${suffix}`) ?? '').azp).toBe(SECURE_APP);
      });

      it('carries the ticket’s organization to toAuth().orgId', async () => {
        const acme = await createTicket('/v1/organizations', {
          name: 'Acme',
          slug: 'acme',
          created_by: user.id,
        });
        const { jar, auth, sessionId } = await signInThroughTicket(`${APP}/org`, '/v1/test_session_tokens', {
          organization_id: acme.id,
        });
        expect(auth).toMatchObject({
          userId: user.id,
          orgId: acme.id,
          orgSlug: 'acme',
          orgRole: 'org:admin',
        });
        const next = authOf(await app.authenticate(`${APP}/org`, jar));
        expect(next).toMatchObject({ userId: user.id, sessionId, orgId: acme.id });
      });

      it('carries an actor token’s actor to toAuth().actor', async () => {
        const { jar, auth } = await signInThroughTicket(`${APP}/support`, '/v1/actor_tokens', {
          actor: { sub: 'user_support_lin' },
        });
        expect(auth.userId).toBe(user.id);
        expect(auth.actor).toMatchObject({ sub: 'user_support_lin' });
        expect(authOf(await app.authenticate(`${APP}/support`, jar)).actor).toMatchObject({
          sub: 'user_support_lin',
        });
      });

      it('a ticket to an app that is not a Clerk app keeps tessera’s handoff, sets no cookie, and makes no client', async () => {
        for (const redirectUrl of [`${PLAIN_APP}/welcome`, 'http://localhost:4000/welcome']) {
          const before = await rowCounts(server);
          const ticket = await createTicket('/v1/test_session_tokens', {
            user_id: user.id,
            redirect_url: redirectUrl,
          });
          const response = await submitTicketUrl(ticket.url);
          expect(response.status).toBe(303);
          const location = new URL(response.headers.get('location') ?? '');
          expect(location.searchParams.get('__tessera_handoff'), redirectUrl).toMatch(SECRET_256);
          expect(location.searchParams.has(NONCE)).toBe(false);
          location.searchParams.delete('__tessera_handoff');
          expect(location.href).toBe(redirectUrl);
          // The app gets the session through the handoff: tessera sets no cookie that an app on
          // its host (cookies ignore ports) could take for its own.
          expect(response.headers.getSetCookie(), redirectUrl).toEqual([]);
          const after = await rowCounts(server);
          expect(after.clients).toBe(before.clients);
          expect(after.handshake_nonces).toBe(before.handshake_nonces);
        }
      });

      it('a ticket with no redirect_url sets tessera’s own __session for /v1/tickets only: an app on tessera’s host keeps its user', async () => {
        // One jar for one host: the app beside tessera on 127.0.0.1 (cookies ignore ports).
        const { jar, sessionId } = await signInThroughTicket(`${APP}/dashboard`);
        const other = await server.createUser({ email_address: ['grace@example.com'] });
        moveTime(1000); // a newer JWT, which @clerk/backend would prefer were it sent as the app's __session
        const ticket = await createTicket('/v1/test_session_tokens', { user_id: other.id });
        const response = await submitTicketUrl(ticket.url);
        expect(response.status).toBe(303);
        expect(response.headers.get('location')).toBe(`${server.tessera.publicUrl}/v1/tickets/signed-in`);
        const directives = response.headers.getSetCookie().map(parseSetCookie);
        expect(directives).toHaveLength(1);
        expect(directives[0]?.name).toBe('__session');
        expect(directives[0]?.attributes).toEqual(
          expect.arrayContaining(['path=/v1/tickets', 'httponly', 'samesite=lax']),
        );
        expect(claimsOf(directives[0]?.value ?? '').sub).toBe(other.id);
        jar.apply(response.headers.getSetCookie());

        expect(claimsOf(jar.get('__session', '/v1/tickets/signed-in') ?? '').sub).toBe(other.id);
        const next = await app.authenticate(`${APP}/dashboard`, jar);
        expect(authOf(next)).toMatchObject({ userId: user.id, sessionId });
        expect(next.headers.getSetCookie()).toEqual([]);
      });
    });

    describe('GET /v1/client/handshake', () => {
      it('without a dev browser: 307 with a nonce, no Set-Cookie, no client stored; the payload signs out and keeps the new dev browser', async () => {
        const jar = app.newJar();
        // The first visit: no dev browser, so clerkMiddleware sends the browser to the handshake.
        const first = await app.visit(`${APP}/`, jar);
        expect(first.status).toBe('handshake');
        expect(first.reason).toBe('dev-browser-missing');
        const toHandshake = first.headers.get('location') ?? '';
        expect(toHandshake.startsWith(`${PROXY_URL}/v1/client/handshake?`)).toBe(true);

        const before = await rowCounts(server);
        const reply = await app.forwardHandshake(toHandshake, jar);
        const withNonce = expectNonceRedirect(reply, `${APP}/`);
        const after = await rowCounts(server);
        // A client without a session is not stored: only the nonce is.
        expect(after).toEqual({
          clients: before.clients,
          handshake_nonces: before.handshake_nonces + 1,
          sessions: before.sessions,
        });

        const landed = await app.visit(withNonce, jar);
        expect(landed.status).toBe('signed-out');
        expect(landed.headers.get('location')).toBe(`${APP}/`);
        const directives = new Map(
          landed.headers.getSetCookie().map((directive) => {
            const parsed = parseSetCookie(directive);
            return [parsed.name, parsed] as const;
          }),
        );
        expect(directives.get('__client_uat')?.value).toBe('0');
        expect(directives.get(`__client_uat_${suffix}`)?.value).toBe('0');
        for (const name of ['__session', `__session_${suffix}`, `__refresh_${suffix}`]) {
          expect(directives.get(name), name).toMatchObject({
            value: '',
            attributes: expect.arrayContaining(['max-age=0']),
          });
        }
        const devBrowser = directives.get('__clerk_db_jwt')?.value ?? '';
        expect(devBrowser).toMatch(DEV_BROWSER);
        expect(directives.get(`__clerk_db_jwt_${suffix}`)?.value).toBe(devBrowser);

        // With its dev browser, the browser is signed out without another handshake.
        const next = await app.authenticate(`${APP}/`, jar);
        expect(next.status).toBe('signed-out');
        expect(next.headers.get('location')).toBeNull();
        // The same dev browser again (forwarded in the query): the same client, still not stored.
        const again = await app.getHandshake(handshakeQuery(`${APP}/`, { __clerk_db_jwt: devBrowser }));
        const nonce = new URL(expectNonceRedirect(again, `${APP}/`)).searchParams.get(NONCE) ?? '';
        const { rows } = await sql<{
          client_id: string;
        }>`select client_id from handshake_nonces where nonce_hash = ${createHash('sha256').update(nonce).digest('hex')}`.execute(
          server.tessera.context.db,
        );
        expect(rows.map((row) => row.client_id)).toEqual([devBrowser.slice(0, devBrowser.indexOf('.'))]);
        const payload = await app.clerk.clients.getHandshakePayload({ nonce });
        expect(payload.directives.map(parseSetCookie)).toContainEqual(
          expect.objectContaining({ name: `__clerk_db_jwt_${suffix}`, value: devBrowser }),
        );
        expect(await rowCounts(server)).toMatchObject({
          clients: before.clients,
          handshake_nonces: after.handshake_nonces + 1,
        });
      });

      it('with the dev browser of a signed-in client in the query: the payload signs in', async () => {
        const { jar, sessionId } = await signInThroughTicket(`${APP}/`);
        const devBrowser = jar.get(`__clerk_db_jwt_${suffix}`) ?? '';
        expect(devBrowser).toMatch(DEV_BROWSER);
        const stale: string = (await server.post('/v1/dev_browser', undefined, { auth: false })).body.id;
        const clients = await countRows(server, 'clients');
        const ways: [string, Record<string, string>][] = [
          ['alone', {}],
          // The query wins over the app origin's cookies, whatever they hold.
          [
            'beside cookies of another dev browser',
            { cookie: `__clerk_db_jwt_${suffix}=${stale}; __clerk_db_jwt=${stale}` },
          ],
        ];
        for (const [way, headers] of ways) {
          const reply = await app.getHandshake(
            handshakeQuery(`${APP}/account`, { __clerk_db_jwt: devBrowser }),
            headers,
          );
          const withNonce = expectNonceRedirect(reply, `${APP}/account`);
          const browser = app.newJar();
          const state = await app.visit(withNonce, browser);
          expect(authOf(state), way).toMatchObject({ userId: user.id, sessionId });
          expect(browser.get(`__clerk_db_jwt_${suffix}`), way).toBe(devBrowser);
        }
        expect(await countRows(server, 'clients')).toBe(clients);
      });

      it('does not read a dev browser from cookies (suffixed or plain): without the query, a new client that signs nobody in', async () => {
        const { jar } = await signInThroughTicket(`${APP}/`);
        const devBrowser = jar.get(`__clerk_db_jwt_${suffix}`) ?? '';
        expect(devBrowser).toMatch(DEV_BROWSER);
        const before = await rowCounts(server);
        const cookies = [
          `theme=dark; __clerk_db_jwt_${suffix}=${devBrowser}`,
          `__clerk_db_jwt=${devBrowser}`,
          `__clerk_db_jwt_${suffix}=${devBrowser}; __clerk_db_jwt=${devBrowser}; __session=${jar.get('__session')}`,
        ];
        for (const cookie of cookies) {
          const withNonce = expectNonceRedirect(
            await app.getHandshake(handshakeQuery(`${APP}/account`), { cookie }),
            `${APP}/account`,
          );
          const browser = app.newJar();
          const state = await app.visit(withNonce, browser);
          expect(state.status, cookie).toBe('signed-out');
          const fresh = browser.get(`__clerk_db_jwt_${suffix}`) ?? '';
          expect(fresh, cookie).toMatch(DEV_BROWSER);
          expect(fresh, cookie).not.toBe(devBrowser);
        }
        expect(await rowCounts(server)).toEqual({
          ...before,
          handshake_nonces: before.handshake_nonces + cookies.length,
        });
      });

      it('takes any redirect the ticket policy allows, and ignores parameters it does not know', async () => {
        for (const redirectUrl of [
          `${PLAIN_APP}/after`,
          `${SECURE_APP}/cart?id=7`,
          `${server.tessera.publicUrl}/v1/tickets/signed-in`,
          'http://127.0.0.1:5173/',
        ]) {
          const reply = await app.getHandshake(
            handshakeQuery(redirectUrl, { organization_id: '', __session: 'x.y.z', something_new: '1' }),
          );
          expectNonceRedirect(reply, redirectUrl);
        }
      });

      it('housekeeping purges the nonces past their expiry, and only those', async () => {
        await app.getHandshake(handshakeQuery(`${APP}/`));
        moveTime(61_000);
        const live = new URL(
          expectNonceRedirect(await app.getHandshake(handshakeQuery(`${APP}/`)), `${APP}/`),
        );
        await runHousekeeping(server.tessera.context.db, clock.now(), { auditRetentionDays: 90 });
        expect(await countRows(server, 'handshake_nonces')).toBe(1);
        const payload = await server.get(
          `/v1/clients/handshake_payload?nonce=${live.searchParams.get(NONCE)}`,
        );
        expect(payload.status, payload.text).toBe(200);
      });

      it('refuses a Clerk-Secret-Key of another instance (401 page), and takes this instance’s', async () => {
        const before = await rowCounts(server);
        const query = handshakeQuery(`${APP}/`);
        for (const key of [newSecretKey('test'), `${server.secretKey.slice(0, -1)}X`]) {
          expectRefusalPage(
            await app.getHandshake(query, { 'clerk-secret-key': key }),
            401,
            /CLERK_SECRET_KEY/,
          );
        }
        expect(await rowCounts(server)).toEqual(before);
        expectNonceRedirect(
          await app.getHandshake(query, { 'clerk-secret-key': server.secretKey }),
          `${APP}/`,
        );
      });
    });

    describe('an expired JWT', () => {
      it('is refreshed through POST /v1/sessions/{id}/refresh with the __refresh cookie, again and again', async () => {
        const { jar, sessionId } = await signInThroughTicket(`${APP}/`);
        const first = jar.get(`__session_${suffix}`) ?? '';
        for (const round of [1, 2]) {
          moveTime(PAST_JWT_EXPIRY_MS);
          server.logs.length = 0;
          const state = await app.visit(`${APP}/`, jar);
          expect(authOf(state), `round ${round}`).toMatchObject({ userId: user.id, sessionId });
          expect(server.logs).toContainEqual(
            expect.objectContaining({ method: 'POST', route: '/v1/sessions/{id}/refresh', status: 200 }),
          );
          const jwt = jar.get(`__session_${suffix}`) ?? '';
          expect(jwt).not.toBe(first);
          expect(claimsOf(jwt)).toMatchObject({ sid: sessionId, iat: Math.floor(clock.t / 1000) });
          const next = await app.authenticate(`${APP}/`, jar);
          expect(authOf(next).sessionId).toBe(sessionId);
          expect(next.headers.getSetCookie()).toEqual([]);
        }
      });

      it('without the refresh cookie: a handshake through the proxy, whose new nonce signs in again', async () => {
        const { jar, sessionId } = await signInThroughTicket(`${APP}/`);
        jar.delete(`__refresh_${suffix}`);
        moveTime(PAST_JWT_EXPIRY_MS);
        const expired = await app.visit(`${APP}/reports?year=2025`, jar);
        expect(expired.status).toBe('handshake');
        expect(expired.reason).toBe('session-token-expired-refresh-non-eligible-no-refresh-cookie');
        expect(expired.headers.get('cache-control')).toBe('no-store');

        const reply = await app.forwardHandshake(expired.headers.get('location') ?? '', jar);
        const withNonce = expectNonceRedirect(reply, `${APP}/reports?year=2025`);
        const state = await app.visit(withNonce, jar);
        expect(authOf(state)).toMatchObject({ userId: user.id, sessionId });
        expect(claimsOf(jar.get(`__session_${suffix}`) ?? '').iat).toBe(Math.floor(clock.t / 1000));
        expect(authOf(await app.authenticate(`${APP}/reports?year=2025`, jar)).sessionId).toBe(sessionId);
      });
    });

    describe('a revoked session', () => {
      it('after the JWT’s expiry: the refresh fails and the handshake signs out', async () => {
        const { jar, sessionId } = await signInThroughTicket(`${APP}/`);
        const jwt = jar.get(`__session_${suffix}`) ?? '';
        const refreshToken = jar.get(`__refresh_${suffix}`) ?? '';
        expect((await server.post(`/v1/sessions/${sessionId}/revoke`)).status).toBe(200);
        moveTime(PAST_JWT_EXPIRY_MS);

        const refused = await server.post(`/v1/sessions/${sessionId}/refresh`, {
          expired_token: jwt,
          refresh_token: refreshToken,
          request_origin: APP,
        });
        expect(refused.status, refused.text).toBeGreaterThanOrEqual(400);
        expect(refused.status).toBeLessThan(500);
        expectError(refused, refused.status, refused.body?.errors?.[0]?.code);

        const expired = await app.visit(`${APP}/`, jar);
        expect(expired.status).toBe('handshake');
        expect(expired.reason).toMatch(/^session-token-expired-refresh-/);
        const withNonce = expectNonceRedirect(
          await app.forwardHandshake(expired.headers.get('location') ?? '', jar),
          `${APP}/`,
        );
        const landed = await app.visit(withNonce, jar);
        expect(landed.status).toBe('signed-out');
        expect(jar.get('__client_uat')).toBe('0');
        expect(jar.get(`__session_${suffix}`)).toBeUndefined();
        expect(jar.get(`__refresh_${suffix}`)).toBeUndefined();
        expect(jar.get(`__clerk_db_jwt_${suffix}`)).toMatch(DEV_BROWSER);
        const next = await app.authenticate(`${APP}/`, jar);
        expect(next.status).toBe('signed-out');
        expect(next.headers.get('location')).toBeNull();
      });
    });

    describe('POST /v1/sessions/{id}/refresh', () => {
      /** A signed-in browser's refresh parameters, as @clerk/backend sends them. */
      async function refreshParams() {
        const { jar, sessionId } = await signInThroughTicket(`${APP}/`);
        const params = {
          expired_token: jar.get(`__session_${suffix}`) ?? '',
          refresh_token: jar.get(`__refresh_${suffix}`) ?? '',
          request_origin: APP,
        };
        return { sessionId, params };
      }

      it('format token (the default) answers { object: token, jwt }, which the official client reads', async () => {
        const { sessionId, params } = await refreshParams();
        moveTime(1000);
        const reply = await server.post(`/v1/sessions/${sessionId}/refresh`, params);
        expect(reply.status, reply.text).toBe(200);
        expect(reply.body).toEqual({ object: 'token', jwt: expect.any(String) });
        expect(claimsOf(reply.body.jwt)).toMatchObject({
          sub: user.id,
          sid: sessionId,
          iat: Math.floor(clock.t / 1000),
        });

        const token = await app.clerk.sessions.refreshSession(sessionId, { ...params, format: 'token' });
        expect(claimsOf(token.jwt)).toMatchObject({ sub: user.id, sid: sessionId });
      });

      it('format cookie answers { object: cookies, cookies }, the suffixed __session when suffixed_cookies is true', async () => {
        const { sessionId, params } = await refreshParams();
        const cookiesFor = async (suffixed: boolean) => {
          const reply = await app.clerk.sessions.refreshSession(sessionId, {
            ...params,
            format: 'cookie',
            suffixed_cookies: suffixed,
          });
          return reply.cookies.map(parseSetCookie);
        };
        const suffixed = await cookiesFor(true);
        const session = suffixed.find((cookie) => cookie.name === `__session_${suffix}`);
        expect(claimsOf(session?.value ?? '')).toMatchObject({ sub: user.id, sid: sessionId });
        const plain = (await cookiesFor(false)).find((cookie) => cookie.name === '__session');
        expect(claimsOf(plain?.value ?? '')).toMatchObject({ sub: user.id, sid: sessionId });
      });

      it('format cookie sends __session under both names whatever suffixed_cookies says, as the handshake sets them', async () => {
        const { sessionId, params } = await refreshParams();
        for (const suffixedCookies of [true, false]) {
          const reply = await app.clerk.sessions.refreshSession(sessionId, {
            ...params,
            format: 'cookie',
            suffixed_cookies: suffixedCookies,
          });
          expect(reply.cookies.map((cookie) => parseSetCookie(cookie).name)).toEqual([
            '__session',
            `__session_${suffix}`,
          ]);
        }
      });

      it('refuses a wrong refresh token, another session, another session’s JWT, a garbage expired_token: 4xx naming the field, nothing changed', async () => {
        const a = await signInThroughTicket(`${APP}/`);
        const b = await signInThroughTicket(`${APP}/`);
        const tokensOf = (signedIn: typeof a) => ({
          expired_token: signedIn.jar.get(`__session_${suffix}`) ?? '',
          refresh_token: signedIn.jar.get(`__refresh_${suffix}`) ?? '',
          request_origin: APP,
        });
        const hashes = [await refreshHashOf(a.sessionId), await refreshHashOf(b.sessionId)];
        expect(hashes[0]).not.toBeNull();
        const before = await rowCounts(server);
        // What was refused, the session id in the path, the body, and the fields the error may name.
        const cases: [string, string, Record<string, string>, readonly string[] | undefined][] = [
          [
            'a wrong refresh token',
            a.sessionId,
            { ...tokensOf(a), refresh_token: randomBytes(32).toString('base64url') },
            ['refresh_token'],
          ],
          ['another session’s id', b.sessionId, tokensOf(a), ['refresh_token', 'expired_token']],
          [
            'another session’s refresh token',
            b.sessionId,
            { ...tokensOf(b), refresh_token: tokensOf(a).refresh_token },
            ['refresh_token'],
          ],
          [
            'a JWT of another session',
            a.sessionId,
            { ...tokensOf(a), expired_token: tokensOf(b).expired_token },
            ['expired_token'],
          ],
          [
            'a garbage expired_token',
            a.sessionId,
            { ...tokensOf(a), expired_token: 'not-a-jwt' },
            ['expired_token'],
          ],
          [
            'a JWT with a forged signature',
            a.sessionId,
            { ...tokensOf(a), expired_token: `${tokensOf(a).expired_token.slice(0, -4)}AAAA` },
            ['expired_token'],
          ],
          ['an unknown session', unknownId('sess'), tokensOf(a), undefined],
        ];
        moveTime(PAST_JWT_EXPIRY_MS);
        for (const [what, sessionId, body, fields] of cases) {
          const reply = await server.post(`/v1/sessions/${sessionId}/refresh?suffixed_cookies=true`, {
            ...body,
            format: 'cookie',
          });
          expect(reply.status, `${what}: ${reply.text}`).toBeGreaterThanOrEqual(400);
          expect(reply.status, what).toBeLessThan(500);
          const error = expectError(reply, reply.status, reply.body?.errors?.[0]?.code);
          if (fields) expect(fields, `${what}: ${reply.text}`).toContain(error.meta?.param_name);
        }
        expect(await rowCounts(server)).toEqual(before);
        expect([await refreshHashOf(a.sessionId), await refreshHashOf(b.sessionId)]).toEqual(hashes);
        for (const signedIn of [a, b]) {
          const reply = await server.post(`/v1/sessions/${signedIn.sessionId}/refresh`, tokensOf(signedIn));
          expect(reply.status, reply.text).toBe(200);
          expect(claimsOf(reply.body.jwt).sid).toBe(signedIn.sessionId);
        }
      });
    });

    describe('POST /v1/dev_browser', () => {
      it('answers { object: dev_browser, id, client_id } and stores nothing; that id works as __clerk_db_jwt in the query', async () => {
        const before = await rowCounts(server);
        const reply = await server.post('/v1/dev_browser', undefined, { auth: false });
        expect(reply.status, reply.text).toBe(200);
        expect(reply.body).toEqual({
          object: 'dev_browser',
          id: expect.any(String),
          client_id: expect.any(String),
        });
        const { id, client_id: clientId } = reply.body;
        expect(clientId).toMatch(ID.client);
        expect(id).toMatch(DEV_BROWSER);
        expect(id.startsWith(`${clientId}.`)).toBe(true);
        // A client without a session is not stored: its secret is an HMAC of its id.
        expect(await rowCounts(server)).toEqual(before);
        const second = await server.post('/v1/dev_browser', undefined, { auth: false });
        expect(second.body.client_id).not.toBe(clientId);
        expect(second.body.id).not.toBe(id);

        for (let visit = 1; visit <= 2; visit++) {
          const query = handshakeQuery(`${APP}/`, { __clerk_db_jwt: id });
          const withNonce = expectNonceRedirect(await app.getHandshake(query), `${APP}/`);
          const jar = app.newJar();
          const state = await app.visit(withNonce, jar);
          expect(state.status).toBe('signed-out');
          expect(jar.get('__clerk_db_jwt')).toBe(id);
          expect(jar.get(`__clerk_db_jwt_${suffix}`)).toBe(id);
        }
        expect(await rowCounts(server)).toEqual({
          ...before,
          handshake_nonces: before.handshake_nonces + 2,
        });
      });
    });

    describe('refusals: a clear error, no cookies, nothing written', () => {
      it('a nonce redeemed twice: the second is 400 handshake_nonce_invalid, and the client signs nobody in', async () => {
        const ticket = await createTicket('/v1/test_session_tokens', {
          user_id: user.id,
          redirect_url: `${APP}/`,
        });
        const location = (await submitTicketUrl(ticket.url)).headers.get('location') ?? '';
        const nonce = new URL(location).searchParams.get(NONCE) ?? '';
        const payload = await app.clerk.clients.getHandshakePayload({ nonce });
        expect(payload.directives.length).toBeGreaterThan(0);
        const { session_id: sessionId } = (await server.get(`/v1/test_session_tokens/${ticket.id}`)).body;
        const hash = await refreshHashOf(sessionId);
        const before = await rowCounts(server);

        const redeem = (value: string) => server.get(`/v1/clients/handshake_payload?nonce=${value}`);
        expectError(await redeem(nonce), 400, 'handshake_nonce_invalid', 'nonce');
        expectError(
          await redeem(randomBytes(32).toString('base64url')),
          400,
          'handshake_nonce_invalid',
          'nonce',
        );
        // The official client on the replayed redirect: signed out, no cookies (and it logs the refusal).
        const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
        let loggedCalls = 0;
        const state = await app.authenticate(location, app.newJar()).finally(() => {
          loggedCalls = logged.mock.calls.length;
          logged.mockRestore();
        });
        expect(loggedCalls).toBeGreaterThan(0);
        expect(state.isSignedIn).toBe(false);
        expect(state.headers.getSetCookie()).toEqual([]);

        expect(await rowCounts(server)).toEqual(before);
        expect(await refreshHashOf(sessionId)).toBe(hash);
      });

      it('two redemptions of one nonce at once: exactly one 200, the other 400 handshake_nonce_invalid', async () => {
        for (let round = 1; round <= 3; round++) {
          const ticket = await createTicket('/v1/test_session_tokens', {
            user_id: user.id,
            redirect_url: `${APP}/`,
          });
          const location = (await submitTicketUrl(ticket.url)).headers.get('location') ?? '';
          const nonce = new URL(location).searchParams.get(NONCE) ?? '';
          const { session_id: sessionId } = (await server.get(`/v1/test_session_tokens/${ticket.id}`)).body;
          const redeem = () => server.get(`/v1/clients/handshake_payload?nonce=${nonce}`);
          const replies = await Promise.all([redeem(), redeem()]);
          expect(
            replies.map((reply) => reply.status).sort(),
            `round ${round}: ${replies.map((reply) => reply.text)}`,
          ).toEqual([200, 400]);
          const won = replies.find((reply) => reply.status === 200);
          const lost = replies.find((reply) => reply.status === 400);
          expectError(lost!, 400, 'handshake_nonce_invalid', 'nonce');
          // The winner's refresh token is the session's: the loser changed nothing.
          const directives = (won!.body.directives as string[]).map(parseSetCookie);
          const cookie = (name: string) => directives.find((directive) => directive.name === name)?.value;
          const refreshed = await server.post(`/v1/sessions/${sessionId}/refresh`, {
            expired_token: cookie('__session'),
            refresh_token: cookie(`__refresh_${suffix}`),
            request_origin: APP,
          });
          expect(refreshed.status, refreshed.text).toBe(200);
        }
      });

      it('a nonce is good for 60 s: after that, 400 handshake_nonce_invalid', async () => {
        const nonceOf = async () => {
          const reply = await app.getHandshake(handshakeQuery(`${APP}/`));
          return new URL(expectNonceRedirect(reply, `${APP}/`)).searchParams.get(NONCE) ?? '';
        };
        const fresh = await nonceOf();
        moveTime(59_000);
        expect((await server.get(`/v1/clients/handshake_payload?nonce=${fresh}`)).status).toBe(200);

        const late = await nonceOf();
        moveTime(61_000);
        const before = await rowCounts(server);
        expectError(
          await server.get(`/v1/clients/handshake_payload?nonce=${late}`),
          400,
          'handshake_nonce_invalid',
          'nonce',
        );
        expect(await rowCounts(server)).toEqual(before);
      });

      it('a redirect_url outside the allowed origins: 422 page naming redirect_url, and TESSERA_CLERK_APP_ORIGINS for an origin', async () => {
        const devBrowser = (await server.post('/v1/dev_browser', undefined, { auth: false })).body.id;
        const before = await rowCounts(server);
        for (const query of [{}, { __clerk_db_jwt: devBrowser }]) {
          const reply = await app.getHandshake(handshakeQuery('https://evil.example.com/next', query));
          expectRefusalPage(reply, 422, /redirect_url/);
          expect(reply.text).toContain('TESSERA_CLERK_APP_ORIGINS');
          expect(reply.text).toContain('https://evil.example.com');
        }
        for (const redirectUrl of [
          'https://evil.example.com/',
          'not a url',
          'javascript:alert(1)',
          '//evil.example.com/',
        ]) {
          expectRefusalPage(await app.getHandshake(handshakeQuery(redirectUrl)), 422, /redirect_url/);
          expectRefusalPage(
            await app.getHandshake(handshakeQuery(redirectUrl, { __clerk_db_jwt: devBrowser })),
            422,
            /redirect_url/,
          );
        }
        expect(await rowCounts(server)).toEqual(before);
      });

      it('a tampered, made-up or malformed dev browser, of a client with or without a row: 400 page', async () => {
        // No row: its secret is an HMAC of the id. A row: a random secret, stored hashed.
        const rowless: string = (await server.post('/v1/dev_browser', undefined, { auth: false })).body.id;
        const { jar } = await signInThroughTicket(`${APP}/`);
        const stored = jar.get(`__clerk_db_jwt_${suffix}`) ?? '';
        expect(stored).toMatch(DEV_BROWSER);
        /** `token` with its character at `index` replaced by another base62 one. */
        const changeAt = (token: string, index: number) =>
          `${token.slice(0, index)}${token[index] === 'A' ? 'B' : 'A'}${token.slice(index + 1)}`;
        const secretOf = (token: string) => token.slice(token.indexOf('.') + 1);
        const idOf = (token: string) => token.slice(0, token.indexOf('.'));
        const before = await rowCounts(server);
        const bad: [string, string][] = [];
        for (const [whose, token] of [
          ['row-less', rowless],
          ['stored', stored],
        ] as const) {
          const dot = token.indexOf('.');
          bad.push(
            [`${whose}: the secret's last character changed`, changeAt(token, token.length - 1)],
            [`${whose}: a character in the middle of the secret changed`, changeAt(token, dot + 20)],
            [`${whose}: a character of the client id changed`, changeAt(token, dot - 3)],
            [`${whose}: the secret on an unknown client id`, `${unknownId('client')}.${secretOf(token)}`],
            [`${whose}: a made-up secret`, `${idOf(token)}.${randomBytes(32).toString('base64url')}`],
            [`${whose}: extra text`, `${token}.x`],
            [`${whose}: no secret`, `${idOf(token)}.`],
          );
        }
        bad.push(
          ['the row-less secret on the stored client', `${idOf(stored)}.${secretOf(rowless)}`],
          ['the stored secret on the row-less client', `${idOf(rowless)}.${secretOf(stored)}`],
          ['garbage', 'garbage'],
          ['no client id', `.${secretOf(rowless)}`],
        );
        for (const [what, token] of bad) {
          expect(token, what).not.toBe(rowless);
          expect(token, what).not.toBe(stored);
          const reply = await app.getHandshake(handshakeQuery(`${APP}/`, { __clerk_db_jwt: token }));
          expect(reply.status, what).toBe(400);
          expectRefusalPage(reply, 400, /__clerk_db_jwt/);
        }
        expect(await rowCounts(server)).toEqual(before);
        // The genuine tokens still work.
        for (const token of [rowless, stored]) {
          expectNonceRedirect(
            await app.getHandshake(handshakeQuery(`${APP}/`, { __clerk_db_jwt: token })),
            `${APP}/`,
          );
        }
      });

      it('a dev browser of another instance: refused', async () => {
        const other = await start({ clock, clerkAppOrigins: [APP] });
        try {
          const foreign = (await other.post('/v1/dev_browser', undefined, { auth: false })).body.id;
          expect(foreign).toMatch(DEV_BROWSER);
          const before = await rowCounts(server);
          expectRefusalPage(
            await app.getHandshake(handshakeQuery(`${APP}/`, { __clerk_db_jwt: foreign })),
            400,
            /__clerk_db_jwt/,
          );
          expect(await rowCounts(server)).toEqual(before);
        } finally {
          await other.close();
        }
      });

      it('a format other than nonce: 400 page', async () => {
        const before = await rowCounts(server);
        for (const format of ['token', 'jwt', '']) {
          expectRefusalPage(await app.getHandshake(handshakeQuery(`${APP}/`, { format })), 400, /format/);
        }
        expect(await rowCounts(server)).toEqual(before);
      });

      it('a production instance: no frontend API and no handshake payload (404), and clerkAppOrigins refused at start', async () => {
        const production = await start({ clock, secretKey: newSecretKey('live') });
        try {
          const handshake = await production.get(
            `/v1/client/handshake?${handshakeQuery('https://app.example.com/')}`,
            {
              auth: false,
              headers: { accept: 'text/html' },
            },
          );
          expect(handshake.status, handshake.text).toBe(404);
          expect(handshake.headers['set-cookie']).toBeUndefined();
          expect(handshake.text).toMatch(/development/i);
          const devBrowser = await production.post('/v1/dev_browser', undefined, { auth: false });
          expect(devBrowser.status, devBrowser.text).toBe(404);
          expect(devBrowser.text).toMatch(/development/i);
          // The Backend API's half of the handshake too, with the instance's own secret key.
          const payload = await production.get(
            `/v1/clients/handshake_payload?nonce=${randomBytes(32).toString('base64url')}`,
          );
          expectError(payload, 404, 'resource_not_found');
          expect(payload.text).toMatch(/development/i);
          expect(await rowCounts(production)).toMatchObject({ clients: 0, handshake_nonces: 0 });
        } finally {
          await production.close();
        }

        const refused = await start({
          clock,
          secretKey: newSecretKey('live'),
          clerkAppOrigins: ['https://app.example.com'],
        }).then(
          async (started) => {
            await started.close();
            return undefined;
          },
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(ConfigError);
        expect(`${(refused as ConfigError).option} ${(refused as ConfigError).message}`).toMatch(
          /clerk.?app.?origins/i,
        );
      });
    });
  });
}

onEveryDatabase('clerk-handshake', suite);

describe('clerkAppOrigins at start', () => {
  /** What starting tessera with `options` throws, or undefined when it starts. */
  async function startError(options: StartOptions): Promise<unknown> {
    return startTestServer(options).then(
      async (started) => {
        await started.close();
        return undefined;
      },
      (error: unknown) => error,
    );
  }

  it('needs a public host with a dot, as Clerk’s SDKs refuse a publishable key for localhost: a ConfigError naming TESSERA_CLERK_APP_ORIGINS', async () => {
    for (const options of [
      { host: 'localhost' },
      { publicUrl: 'http://localhost:4000' },
      { host: 'localhost', publicUrl: 'http://localhost:4000' },
    ]) {
      const what = JSON.stringify(options);
      const error = await startError({ ...options, clerkAppOrigins: [APP] });
      expect(error, what).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).option, what).toBe('TESSERA_CLERK_APP_ORIGINS');
      expect((error as ConfigError).message, what).toContain('"localhost"');
    }
    // Without Clerk apps, localhost is fine; with them, a dotted host or public URL is.
    for (const options of [
      { publicUrl: 'http://localhost:4000' },
      { host: '127.0.0.1', clerkAppOrigins: [APP] },
      { host: 'localhost', publicUrl: 'http://127.0.0.1:4000', clerkAppOrigins: [APP] },
      { publicUrl: 'https://auth.example.com', clerkAppOrigins: [APP] },
    ]) {
      expect(await startError(options), JSON.stringify(options)).toBeUndefined();
    }
  });
});
