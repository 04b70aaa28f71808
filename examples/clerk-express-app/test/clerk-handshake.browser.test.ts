import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type BackendApiClient, createBackendApiClient, type User } from '@tessera/backend';
import { type RunningTessera, startTessera } from '@tessera/server';
import { SignInError, signIn } from '@tessera/testing';
import { HANDOFF_PARAM } from '@tessera/wire';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, sleep } from '../../express-app/test/support/browser';
import { freePort, startChildApp } from '../../express-app/test/support/child-app';

// The Clerk example app (unmodified @clerk/express, configured by its environment alone) run as a
// child process against a real tessera, driven in Chromium. tessera is on 127.0.0.1 and the app on
// localhost: different sites, as in real life. A second copy runs as README.md documents it, on
// 127.0.0.1 beside tessera: the same host, whose cookies both share (cookies ignore ports). A third,
// on localhost, is misconfigured with another instance's secret key. A ticket whose redirect_url is
// on an app lands through Clerk's development handshake, which tessera answers (as Frontend API,
// through the app's /__clerk proxy, and as Backend API).
const JWT_LIFETIME_SECONDS = 2;
// The two tests that wait for JWTs to expire get this long (vitest's default is 20 s).
const EXPIRY_TEST_TIMEOUT_MS = 60_000;
// @clerk/backend's default clockSkewInMs: clerkMiddleware takes a session JWT until 5 s past its exp.
const CLERK_CLOCK_SKEW_MS = 5_000;
const NONCE_PARAM = '__clerk_handshake_nonce';
const PROXIED_HANDSHAKE_PATH = '/__clerk/v1/client/handshake';
const appEntry = fileURLToPath(new URL('../server.js', import.meta.url));

let tessera: RunningTessera;
let client: BackendApiClient;
type ClerkAppProcess = { url: string; port: number; output: () => string; close(): Promise<void> };
let app: ClerkAppProcess;
/** The app again, on 127.0.0.1 beside tessera (README.md's topology). */
let besideTessera: ClerkAppProcess;
/** The app again, on localhost, with CLERK_SECRET_KEY another instance's key. */
let wrongKey: ClerkAppProcess;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
/** The suffix of Clerk's cookie names for tessera's publishable key, computed as @clerk/shared does. */
let suffix: string;

/**
 * `node server.js` with the environment a person would give it, reached at `http://<host>:<port>`;
 * resolves once the app answers.
 */
async function startClerkApp(
  port: number,
  env: Record<string, string>,
  host = 'localhost',
): Promise<ClerkAppProcess> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(CLERK|TESSERA|NEXT_PUBLIC_CLERK)_/.test(name)),
  );
  const started = await startChildApp({
    name: 'the Clerk example app',
    args: [appEntry],
    env: { ...inherited, ...env, PORT: String(port) },
    url: `http://${host}:${port}`,
    probePath: '/api/me',
  });
  return { ...started, port };
}

beforeAll(async () => {
  const [port, portBeside, portWrongKey] = [await freePort(), await freePort(), await freePort()];
  tessera = await startTessera({
    databaseUrl: ':memory:',
    host: '127.0.0.1',
    port: 0,
    log: () => {},
    sessionTokenLifetimeSeconds: JWT_LIFETIME_SECONDS,
    clerkAppOrigins: [
      `http://localhost:${port}`,
      `http://127.0.0.1:${portBeside}`,
      `http://localhost:${portWrongKey}`,
    ],
  });
  client = createBackendApiClient({ apiUrl: tessera.url, secretKey: tessera.secretKey });
  suffix = createHash('sha1').update(tessera.publishableKey).digest('base64url').slice(0, 8);
  const env = {
    CLERK_SECRET_KEY: tessera.secretKey!,
    CLERK_PUBLISHABLE_KEY: tessera.publishableKey,
    CLERK_API_URL: tessera.url,
    CLERK_FAPI_URL: tessera.url,
    CLERK_TELEMETRY_DISABLED: '1',
  };
  [app, besideTessera, wrongKey, chromium] = await Promise.all([
    startClerkApp(port, env),
    startClerkApp(portBeside, env, '127.0.0.1'),
    startClerkApp(portWrongKey, {
      ...env,
      CLERK_SECRET_KEY: `sk_test_${randomBytes(32).toString('base64url')}`,
    }),
    launchChromium(),
  ]);
  browser = chromium.browser;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await Promise.all([app?.close(), besideTessera?.close(), wrongKey?.close()]);
  await tessera?.close();
});

let users = 0;
const newUser = (): Promise<User> => client.users.create({ emailAddress: [`clerk${++users}@example.com`] });

const dashboardUrl = () => `${app.url}/dashboard`;

/** Every URL the page's frames asked for, in order (navigations and fetches alike). */
function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  return urls;
}

/** Opens a ticket URL; resolves once the browser has loaded a page of the app (at `origin`). */
async function land(page: Page, ticketUrl: string, origin = app.url): Promise<void> {
  await page.goto(ticketUrl, { waitUntil: 'commit' });
  await page.waitForURL((url) => url.origin === origin, { waitUntil: 'load' });
}

const text = async (page: Page, selector: string) => (await page.locator(selector).textContent())?.trim();

async function cookie(context: BrowserContext, name: string): Promise<string | undefined> {
  return (await context.cookies(app.url)).find((entry) => entry.name === name)?.value;
}

/** The session JWT clerkMiddleware reads: the one in the suffixed cookie. */
const sessionJwt = (context: BrowserContext) => cookie(context, `__session_${suffix}`);

/** Waits until clerkMiddleware takes the JWT as expired: past its exp and Clerk's clock skew. */
async function waitUntilExpiredForClerk(jwt: string | undefined): Promise<void> {
  expect(jwt).toBeTruthy();
  const { exp } = JSON.parse(Buffer.from(jwt!.split('.')[1]!, 'base64url').toString()) as { exp: number };
  const expired = exp * 1000 + CLERK_CLOCK_SKEW_MS + 250;
  // 100 ms naps, at most 600 of them: a generous bound on a JWT of a few seconds.
  for (let tries = 0; Date.now() < expired; tries++) {
    if (tries === 600) throw new Error(`the JWT (exp ${exp}) did not expire within 600 naps`);
    await sleep(100);
  }
}

/** A fresh browser context signed in on the app's dashboard with a test session token. */
async function signedIn(user?: User) {
  const who = user ?? (await newUser());
  const token = await client.testSessionTokens.create({ userId: who.id, redirectUrl: dashboardUrl() });
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = recordRequests(page);
  await land(page, token.url!);
  expect(await text(page, '#user-id')).toBe(who.id);
  const sessionId = (await client.testSessionTokens.get(token.id)).sessionId!;
  return { user: who, token, context, page, requests, sessionId };
}

describe('a Clerk app (unmodified clerkMiddleware) signed in by tessera through Clerk’s handshake', () => {
  it('lands a test session token on the dashboard signed in, with no nonce or handoff left in the URL, and stays after a reload', async () => {
    const { user, token, context, page, requests, sessionId } = await signedIn();

    expect(page.url()).toBe(dashboardUrl());
    expect(await text(page, '#session-id')).toBe(sessionId);
    // tessera marks a test session token's session: the JWT's act names the token.
    const actor = { type: 'test_session_token', sub: token.id };
    expect(JSON.parse((await text(page, '#actor'))!)).toEqual(actor);
    // Landed through a handshake nonce, never tessera's handoff.
    expect(requests.some((url) => new URL(url).searchParams.has(NONCE_PARAM))).toBe(true);
    expect(requests.some((url) => url.includes(HANDOFF_PARAM))).toBe(false);
    const cookies = await context.cookies(app.url);
    for (const name of [`__session_${suffix}`, `__client_uat_${suffix}`, `__clerk_db_jwt_${suffix}`]) {
      expect(cookies.find((entry) => entry.name === name)).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    }
    expect(cookies.find((entry) => entry.name === `__refresh_${suffix}`)?.value).toBeTruthy();

    const reloaded = await page.reload();
    expect(reloaded?.status()).toBe(200);
    expect(await text(page, '#user-id')).toBe(user.id);
    expect(page.url()).toBe(dashboardUrl());
    const me = await (await page.request.get(`${app.url}/api/me`)).json();
    expect(me).toEqual({ userId: user.id, sessionId, orgId: null, actor });
    await context.close();
  });

  it(
    'renews an expired JWT with the refresh cookie, and without it through the handshake via the app’s proxy',
    async () => {
      const { user, context, page, requests } = await signedIn();
      const first = await sessionJwt(context);
      await waitUntilExpiredForClerk(first);

      let seen = requests.length;
      await page.reload();
      expect(await text(page, '#user-id')).toBe(user.id);
      const second = await sessionJwt(context);
      expect(second).toBeTruthy();
      expect(second).not.toBe(first);
      // Renewed by POST /v1/sessions/{id}/refresh from the app's server: the browser went nowhere else.
      expect(requests.slice(seen).filter((url) => new URL(url).pathname.startsWith('/__clerk/'))).toEqual([]);

      await context.clearCookies({ name: /^__refresh_/ });
      await waitUntilExpiredForClerk(second);
      seen = requests.length;
      const renewed = await page.reload();
      expect(renewed?.status()).toBe(200);
      expect(await text(page, '#user-id')).toBe(user.id);
      expect(page.url()).toBe(dashboardUrl());
      const third = await sessionJwt(context);
      expect(third).toBeTruthy();
      expect(third).not.toBe(second);
      const handshakes = requests
        .slice(seen)
        .filter((url) => new URL(url).pathname === PROXIED_HANDSHAKE_PATH);
      expect(handshakes.length).toBeGreaterThan(0);
      expect(handshakes.every((url) => new URL(url).origin === app.url)).toBe(true);
      expect(await cookie(context, `__refresh_${suffix}`)).toBeTruthy();
      await context.close();
    },
    EXPIRY_TEST_TIMEOUT_MS,
  );

  it(
    'is signed out once the JWT in the browser expires after a revoke at tessera, or a sign-out through the app',
    async () => {
      const revoked = await signedIn();
      const signedOut = await signedIn();
      const late = await signedIn();

      await client.sessions.revoke(revoked.sessionId);
      // Sign-out with a fresh JWT: the app revokes the session and goes home.
      await signedOut.page.getByRole('button', { name: 'Sign out' }).click();
      await signedOut.page.waitForURL(`${app.url}/`);
      expect((await client.sessions.get(signedOut.sessionId)).status).toBe('revoked');

      await Promise.all(
        [revoked, signedOut, late].map(async ({ context }) =>
          waitUntilExpiredForClerk(await sessionJwt(context)),
        ),
      );
      for (const { context, page } of [revoked, signedOut]) {
        const response = await page.goto(dashboardUrl());
        expect(response?.status()).toBe(401);
        expect(await text(page, 'h1')).toBe('Signed out');
        expect(await cookie(context, `__refresh_${suffix}`)).toBeUndefined();
        expect(await cookie(context, `__client_uat_${suffix}`)).toBe('0');
        await context.close();
      }

      // Sign-out with an expired JWT: the POST arrives signed out, the app sends the browser to its
      // sign-out page, whose GET renews the JWT, and the second press signs out.
      await late.page.getByRole('button', { name: 'Sign out' }).click();
      await late.page.waitForURL(`${app.url}/sign-out`);
      await late.page.getByRole('button', { name: 'Sign out' }).click();
      await late.page.waitForURL(`${app.url}/`);
      expect((await client.sessions.get(late.sessionId)).status).toBe('revoked');
      await late.context.close();
    },
    EXPIRY_TEST_TIMEOUT_MS,
  );

  it('gives a replayed handshake nonce, in a second browser context, a signed-out page', async () => {
    const first = await signedIn();
    const nonceUrl = first.requests.find((url) => new URL(url).searchParams.has(NONCE_PARAM));
    expect(nonceUrl).toBeDefined();

    const second = await browser.newContext();
    const intruder = await second.newPage();
    const response = await intruder.goto(nonceUrl!);
    expect(response?.status()).toBe(401);
    expect(intruder.url()).toBe(dashboardUrl());
    expect(await text(intruder, 'h1')).toBe('Signed out');
    const sessions = (await second.cookies(app.url)).filter((c) => c.name.startsWith('__session') && c.value);
    expect(sessions).toEqual([]);
    // The first browser is still signed in.
    await first.page.reload();
    expect(await text(first.page, '#user-id')).toBe(first.user.id);
    await first.context.close();
    await second.close();
  });

  it('lands an actor token and an agent task signed in, with getAuth(req).actor naming who acts', async () => {
    const user = await newUser();
    const actorToken = await client.actorTokens.create({
      userId: user.id,
      actor: { sub: 'support_42', reason: 'ticket T-1234' },
      redirectUrl: dashboardUrl(),
    });
    const task = await client.agentTasks.create({
      onBehalfOf: { userId: user.id },
      permissions: '*',
      agentName: 'checkout-bot',
      taskDescription: 'Buy the weekly groceries',
      redirectUrl: dashboardUrl(),
    });

    for (const [url, actor] of [
      [actorToken.url!, { sub: 'support_42', reason: 'ticket T-1234' }],
      [task.url!, { type: 'agent', sub: task.agentId, agent_name: 'checkout-bot', task_id: task.id }],
    ] as const) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await land(page, url);
      expect(page.url()).toBe(dashboardUrl());
      expect(await text(page, '#user-id')).toBe(user.id);
      expect(JSON.parse((await text(page, '#actor'))!)).toMatchObject(actor);
      await context.close();
    }
  });

  it('refuses, with an error page and no cookies, a handshake to a redirect_url outside the allowed origins', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const outside = encodeURIComponent('https://evil.example/');
    for (const base of [`${tessera.url}/v1/client/handshake`, `${app.url}${PROXIED_HANDSHAKE_PATH}`]) {
      const response = await page.goto(`${base}?redirect_url=${outside}&format=nonce&suffixed_cookies=true`);
      // Soft: the rest of the page is checked too when the status differs.
      expect.soft(response?.status()).toBe(422);
      expect(response?.headers()['content-type']).toMatch(/^text\/html/);
      expect(await response?.headerValue('set-cookie')).toBeNull();
      expect(await page.locator('body').textContent()).toContain('redirect_url');
      expect(page.url().startsWith(base)).toBe(true);
    }
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it('refuses, with an error page and no cookies, the proxied handshake of a tampered dev-browser cookie', async () => {
    const { context, page } = await signedIn();
    const tamper = (value: string) => `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
    const devBrowsers = (await context.cookies(app.url)).filter((c) => c.name.startsWith('__clerk_db_jwt'));
    expect(devBrowsers.map((c) => c.name).sort()).toEqual(['__clerk_db_jwt', `__clerk_db_jwt_${suffix}`]);
    await context.addCookies(
      devBrowsers.map(({ name, value }) => ({
        name,
        value: tamper(value),
        url: app.url,
        httpOnly: true,
        sameSite: 'Lax' as const,
      })),
    );
    const tampered = (await context.cookies(app.url)).filter((c) => c.name.startsWith('__clerk_db_jwt'));
    expect(tampered.map((c) => c.value).sort()).toEqual(devBrowsers.map((c) => tamper(c.value)).sort());
    // A client_uat without a session JWT: clerkMiddleware asks the Frontend API (a handshake).
    await context.clearCookies({ name: /^__session/ });
    const before = (await context.cookies(app.url)).filter((c) => c.name !== '__clerk_redirect_count');

    const response = await page.goto(dashboardUrl());
    expect(new URL(page.url()).pathname).toBe(PROXIED_HANDSHAKE_PATH);
    expect(response?.status()).toBe(400);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await response?.headerValue('set-cookie')).toBeNull();
    expect(await text(page, 'h1')).toBeTruthy();
    const after = (await context.cookies(app.url)).filter((c) => c.name !== '__clerk_redirect_count');
    expect(after).toEqual(before);
    await context.close();
  });
});

describe('@tessera/testing against a Clerk app', () => {
  it('signIn lands signed in on the Clerk app in one call', async () => {
    const user = await newUser();
    const context = await browser.newContext();
    const page = await context.newPage();
    const session = await signIn(
      page,
      { userId: user.id },
      { redirectUrl: dashboardUrl(), apiUrl: tessera.url, secretKey: tessera.secretKey! },
    );
    expect(page.url()).toBe(dashboardUrl());
    expect(await text(page, '#user-id')).toBe(user.id);
    expect(await text(page, '#session-id')).toBe(session.id);
    await context.close();
  });

  it('signIn says so when a Clerk app is not among tessera’s Clerk app origins (it kept the handoff)', async () => {
    const user = await newUser();
    const context = await browser.newContext();
    const page = await context.newPage();
    // The same app by another origin: loopback, so an allowed redirect, but not a Clerk app origin.
    const elsewhere = `http://127.0.0.1:${app.port}/dashboard`;
    const error = await signIn(
      page,
      { userId: user.id },
      { redirectUrl: elsewhere, apiUrl: tessera.url, secretKey: tessera.secretKey! },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SignInError);
    expect(error).toMatchObject({ code: 'handoff_not_redeemed' });
    expect((error as SignInError).message).toContain('TESSERA_CLERK_APP_ORIGINS');
    expect(new URL(page.url()).searchParams.has(HANDOFF_PARAM)).toBe(true);
    await context.close();
  });
});

describe('the app on 127.0.0.1 beside tessera (README.md’s topology: one host, so shared cookies)', () => {
  it('lands a test session token signed in; a later ticket that lands on tessera’s own page leaves the app’s user as it was', async () => {
    const [user, other] = [await newUser(), await newUser()];
    const dashboard = `${besideTessera.url}/dashboard`;
    expect(new URL(besideTessera.url).hostname).toBe(new URL(tessera.url).hostname);
    const token = await client.testSessionTokens.create({ userId: user.id, redirectUrl: dashboard });
    const context = await browser.newContext();
    const page = await context.newPage();
    await land(page, token.url!, besideTessera.url);
    expect(page.url()).toBe(dashboard);
    expect(await text(page, '#user-id')).toBe(user.id);
    const sessionId = (await client.testSessionTokens.get(token.id)).sessionId!;
    expect(await text(page, '#session-id')).toBe(sessionId);
    const appSession = (await context.cookies(besideTessera.url)).find((c) => c.name === '__session');
    expect(appSession).toMatchObject({ path: '/', httpOnly: true });

    // A JWT issued in a later second: were tessera's cookie the app's __session, @clerk/backend
    // would take it over the suffixed one as the newer (authenticateContext.usesSuffixedCookies).
    const { iat } = JSON.parse(Buffer.from(appSession!.value.split('.')[1]!, 'base64url').toString());
    await sleep(Math.max(0, (iat + 1) * 1000 - Date.now() + 50));
    const mine = await client.testSessionTokens.create({ userId: other.id });
    await page.goto(mine.url!, { waitUntil: 'commit' });
    await page.waitForURL((url) => url.pathname === '/v1/tickets/signed-in', { waitUntil: 'load' });
    expect(new URL(page.url()).origin).toBe(tessera.url);
    expect(await text(page, 'h1')).toBe(`Signed in as ${other.emailAddresses[0]?.emailAddress}`);
    const sessions = (await context.cookies()).filter((c) => c.name === '__session');
    expect(sessions.map((c) => c.path).sort()).toEqual(['/', '/v1/tickets']);
    expect(sessions.find((c) => c.path === '/')?.value).toBe(appSession!.value);

    await page.goto(dashboard);
    expect(await text(page, '#user-id')).toBe(user.id);
    expect(await text(page, '#session-id')).toBe(sessionId);
    const me = await (await page.request.get(`${besideTessera.url}/api/me`)).json();
    expect(me).toMatchObject({ userId: user.id, sessionId });
    await context.close();
  });
});

describe('a Clerk app started with another instance’s secret key', () => {
  it('signIn rejects with SignInError session_not_taken: the app cannot redeem the nonce, nor renew through its proxy', async () => {
    const user = await newUser();
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests = recordRequests(page);
    const dashboard = `${wrongKey.url}/dashboard`;
    const error = await signIn(
      page,
      { userId: user.id },
      { redirectUrl: dashboard, apiUrl: tessera.url, secretKey: tessera.secretKey! },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SignInError);
    expect(error).toMatchObject({ code: 'session_not_taken' });
    expect((error as SignInError).message).toContain('CLERK_SECRET_KEY');
    // tessera accepted the ticket and sent the browser with a nonce, not a handoff ...
    expect(requests.some((url) => new URL(url).searchParams.has(NONCE_PARAM))).toBe(true);
    expect(requests.some((url) => url.includes(HANDOFF_PARAM))).toBe(false);
    // ... which the app could not redeem (tessera refused its key: 401 clerk_key_invalid), so
    // clerkMiddleware, still without a dev browser, sent the browser through its proxy to the
    // handshake, which tessera refused too (the proxy forwards the same key): its error page is
    // where the browser stays, and the app's cookies hold no session.
    expect(wrongKey.output()).toContain('clerk_key_invalid');
    expect(`${new URL(page.url()).origin}${new URL(page.url()).pathname}`).toBe(
      `${wrongKey.url}${PROXIED_HANDSHAKE_PATH}`,
    );
    expect(await page.locator('body').textContent()).toContain('CLERK_SECRET_KEY');
    const sessions = (await context.cookies(wrongKey.url)).filter((c) => c.name.startsWith('__session'));
    expect(sessions).toEqual([]);
    await context.close();
  });

  it('signIn is not fooled by Clerk cookies the browser held before: a signed-out __client_uat, or an empty __session', async () => {
    const user = await newUser();
    const stale: [string, Record<string, string>][] = [
      [
        'a __session beside __client_uat 0',
        { __session: 'stale', __client_uat: '0', [`__client_uat_${suffix}`]: '0' },
      ],
      ['an empty __session', { __session: '' }],
    ];
    for (const [what, cookies] of stale) {
      const context = await browser.newContext();
      await context.addCookies(
        Object.entries(cookies).map(([name, value]) => ({ name, value, url: wrongKey.url })),
      );
      const page = await context.newPage();
      const error = await signIn(
        page,
        { userId: user.id },
        { redirectUrl: `${wrongKey.url}/dashboard`, apiUrl: tessera.url, secretKey: tessera.secretKey! },
      ).catch((caught: unknown) => caught);
      expect(error, what).toBeInstanceOf(SignInError);
      expect(error, what).toMatchObject({ code: 'session_not_taken' });
      // The app took nothing: the browser holds what it held.
      const held = (await context.cookies(wrongKey.url)).filter((c) => c.name.startsWith('__'));
      expect(Object.fromEntries(held.map((c) => [c.name, c.value])), what).toMatchObject(cookies);
      await context.close();
    }
  });
});
