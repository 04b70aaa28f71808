import {
  type BackendApiClient,
  createBackendApiClient,
  REFRESH_COOKIE,
  SESSION_COOKIE,
} from '@tessera/backend';
import { type RunningTessera, startTessera } from '@tessera/server';
import { HANDOFF_PARAM } from '@tessera/wire';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, sleep } from '../../express-app/test/support/browser';
import { buildNextApp, type RunningNextApp, startNextApp } from './support/next-server';

// The example Next.js app, built with `next build` (once; reused while its sources and the SDK's
// build are unchanged) and run with `next start` against a real tessera, driven in Chromium. tessera
// is on 127.0.0.1 and the app on localhost: different sites, as in real life.
const JWT_LIFETIME_SECONDS = 2;

let tessera: RunningTessera;
let app: RunningNextApp;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
let client: BackendApiClient;

beforeAll(async () => {
  const [build] = await Promise.all([
    buildNextApp(),
    (async () => {
      tessera = await startTessera({
        databaseUrl: ':memory:',
        host: '127.0.0.1',
        port: 0,
        log: () => {},
        sessionTokenLifetimeSeconds: JWT_LIFETIME_SECONDS,
      });
    })(),
  ]);
  if (build.built) console.log(`next build: ${(build.ms / 1000).toFixed(1)} s`);
  client = createBackendApiClient({ apiUrl: tessera.url, secretKey: tessera.secretKey });
  app = await startNextApp({ TESSERA_API_URL: tessera.url, TESSERA_SECRET_KEY: tessera.secretKey! });
  chromium = await launchChromium();
  browser = chromium.browser;
}, 240_000);

afterAll(async () => {
  await chromium?.close();
  await app?.close();
  await tessera?.close();
});

let users = 0;
async function signedInPage() {
  const user = await client.users.create({ username: `next_${++users}` });
  const token = await client.testSessionTokens.create({ userId: user.id, redirectUrl: `${app.url}/` });
  const context = await browser.newContext();
  const page = await context.newPage();
  const visited: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest()) visited.push(request.url());
  });
  await page.goto(token.url!);
  return { user, context, page, visited };
}

const heading = async (page: Page) => (await page.locator('h1').textContent())?.trim();

async function sessionIdOf(page: Page): Promise<string> {
  const response = await page.request.get(`${app.url}/api/me`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { sessionId: string }).sessionId;
}

describe('the example Next.js app', () => {
  it('a test session token lands the browser on the app signed in, the session in its own HttpOnly cookies', async () => {
    const { user, context, page, visited } = await signedInPage();
    expect(await heading(page)).toBe(`Signed in as ${user.id}`);
    expect(page.url()).toBe(`${app.url}/`);
    expect(visited.some((url) => url.includes(HANDOFF_PARAM))).toBe(true);
    const cookies = await context.cookies(app.url);
    for (const name of [SESSION_COOKIE, REFRESH_COOKIE]) {
      expect(cookies.find((cookie) => cookie.name === name)).toMatchObject({
        domain: 'localhost',
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
      });
    }
    const session = cookies.find((cookie) => cookie.name === SESSION_COOKIE)!;
    expect(visited.join('\n')).not.toContain(session.value);
    // What the middleware hands the page travels in request headers only, never back to the browser.
    const home = await page.request.get(`${app.url}/`);
    const replied = Object.entries(home.headers());
    expect(replied.filter(([name]) => name.startsWith('x-middleware') || name === 'x-tessera-auth')).toEqual(
      [],
    );
    expect(replied.filter(([, value]) => value.includes(session.value))).toEqual([]);
    await context.close();
  });

  it('shows the protected page and runs a server action signed in; refuses a signed-out browser with 401', async () => {
    const { user, context, page } = await signedInPage();
    const response = await page.goto(`${app.url}/protected`);
    expect(response?.status()).toBe(200);
    expect(await heading(page)).toBe('Protected page');
    await page.getByRole('button', { name: 'Check the session in a server action' }).click();
    await page.getByText(`The server action saw ${user.id}.`).waitFor();
    await context.close();

    const anonymous = await browser.newContext();
    const signedOut = await (await anonymous.newPage()).goto(`${app.url}/protected`);
    expect(signedOut?.status()).toBe(401);
    expect(await signedOut?.json()).toMatchObject({ errors: [{ code: 'authentication_invalid' }] });
    await anonymous.close();
  });

  it('answers /api/me for a Bearer JWT, and 401 without one or with a forged header', async () => {
    const user = await client.users.create({ username: `next_api_${++users}` });
    const token = await client.testSessionTokens.create({ userId: user.id });
    const { session, jwt } = await client.testSessionTokens.accept(token.token!);
    const me = await fetch(`${app.url}/api/me`, { headers: { Authorization: `Bearer ${jwt}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ signedIn: true, userId: user.id, sessionId: session.id });

    const none = await fetch(`${app.url}/api/me`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ signedIn: false, reason: 'token-missing' });
    const forged = await fetch(`${app.url}/api/me`, {
      headers: { Authorization: 'Bearer not.a.jwt', 'x-tessera-auth': 'signed-in' },
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ signedIn: false, reason: 'token-malformed' });
  });

  it('signs out: the session ends and the cookies go', async () => {
    const { context, page } = await signedInPage();
    const sessionId = await sessionIdOf(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${app.url}/`);
    await page.getByRole('heading', { name: 'Signed out' }).waitFor();
    expect((await client.sessions.get(sessionId)).status).toBe('ended');
    expect((await context.cookies(app.url)).map((cookie) => cookie.name)).toEqual([]);
    await context.close();
  });

  it('stays signed in across JWT lifetimes, and is signed out within one lifetime of a revoke', async () => {
    const { user, context, page } = await signedInPage();
    for (let lifetime = 0; lifetime < 2; lifetime++) {
      await sleep(JWT_LIFETIME_SECONDS * 1000 + 300);
      // The middleware renews the JWT; the page, rendered in the same request, sees the new one.
      await page.goto(`${app.url}/`);
      expect(await heading(page)).toBe(`Signed in as ${user.id}`);
    }
    const sessionId = await sessionIdOf(page);
    await client.sessions.revoke(sessionId);
    // One lifetime later every JWT issued before the revoke has expired and renewal is refused: the
    // first request after it is signed out, however slowly the machine got there.
    await sleep(JWT_LIFETIME_SECONDS * 1000 + 300);
    await page.goto(`${app.url}/`);
    expect(await heading(page)).toBe('Signed out');
    expect((await context.cookies(app.url)).map((cookie) => cookie.name)).toEqual([]);
    expect((await page.goto(`${app.url}/protected`))?.status()).toBe(401);
    await context.close();
  });
});
