import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningTessera } from '@tessera/server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchChromium } from './support/browser';
import { apiBase, backendApi, LIVE_SECRET_KEY, startStudioTessera, TEST_SECRET_KEY } from './support/studio';

// Generous bounds for a busy machine: a browser and a server per test.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 });

// Studio's gate, its cookies and its refusal of forms from other sites, in a real Chromium against
// a real tessera; and an instance started without Studio.

let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
const started: RunningTessera[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  chromium = await launchChromium();
  browser = chromium.browser;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  for (const tessera of started) await tessera.close();
});

async function start(options: Parameters<typeof startStudioTessera>[0] = {}) {
  const tessera = await startStudioTessera(options);
  started.push(tessera);
  return tessera;
}

/** A GET with a Host header of our choosing (fetch does not let a caller set Host). */
function getWithHost(
  base: string,
  path: string,
  host: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { headers: { ...headers, host } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body, location: response.headers.location }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

const heading = async (page: Page) => (await page.locator('h1').textContent())?.trim();

/** The whole sign-in, sign-out round on an instance where Studio asks for the key. */
async function checkGate(base: string, secretKey: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const leaked: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes(secretKey)) leaked.push(request.url());
  });

  await page.goto(`${base}/`);
  expect(new URL(page.url()).pathname).toBe('/studio/login');
  expect(await heading(page)).toBe('Sign in to Studio');
  // Nothing of Studio's is shown before the key: no navigation, no users.
  await expect(page.getByRole('navigation', { name: 'Studio' }).count()).resolves.toBe(0);

  // A wrong key: refused on the page, no sign-in cookie.
  await page.getByLabel('Secret key').fill(`${secretKey.slice(0, 8)}${'x'.repeat(43)}`);
  const [wrong] = await Promise.all([
    page.waitForResponse((response) => response.url().endsWith('/studio/login')),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  expect(wrong.status()).toBe(401);
  await expect(page.getByRole('alert').textContent()).resolves.toContain('not this instance');
  expect((await context.cookies(base)).map((cookie) => cookie.name)).not.toContain('__tessera_studio');
  await page.goto(`${base}/studio/users`);
  expect(new URL(page.url()).pathname).toBe('/studio/login');

  // The right key: the users list, behind an HttpOnly, SameSite=Strict, /studio-scoped cookie.
  await page.getByLabel('Secret key').fill(secretKey);
  await Promise.all([
    page.waitForURL(`${base}/studio/users`),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  expect(await heading(page)).toBe('Users');
  const cookies = await context.cookies(`${base}/studio/users`);
  const signIn = cookies.find((cookie) => cookie.name === '__tessera_studio');
  expect(signIn).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/studio' });
  expect(signIn!.value).not.toContain(secretKey);
  expect(signIn!.expires - Date.now() / 1000).toBeGreaterThan(11 * 60 * 60);
  expect(signIn!.expires - Date.now() / 1000).toBeLessThanOrEqual(12 * 60 * 60 + 60);
  const csrf = cookies.find((cookie) => cookie.name === '__tessera_studio_csrf');
  expect(csrf).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/studio' });
  // No cookie of Studio is sent to the API or the site root.
  expect((await context.cookies(`${base}/v1/users`)).map((cookie) => cookie.name)).toEqual([]);

  // A script in the page sees neither the key nor Studio's cookies, and the key is not in the page.
  const visible = await page.evaluate(() => document.cookie);
  expect(visible).not.toContain(secretKey);
  expect(visible).not.toContain(signIn!.value);
  expect(visible).not.toContain('__tessera_studio');
  expect(await page.content()).not.toContain(secretKey);
  expect(leaked).toEqual([]);

  // Other pages open too while signed in; a second tab keeps a form open across the sign-out.
  await page.goto(`${base}/studio/users/new`);
  expect(await heading(page)).toBe('Create user');
  const stale = await context.newPage();
  await stale.goto(`${base}/studio/users/new`);

  // Sign out: back to the sign-in page, and the old cookie no longer opens Studio.
  await Promise.all([
    page.waitForURL(`${base}/studio/login`),
    page.getByRole('button', { name: 'Sign out' }).click(),
  ]);
  expect(await heading(page)).toBe('Sign in to Studio');
  expect((await context.cookies(base)).map((cookie) => cookie.name)).not.toContain('__tessera_studio');
  await page.goto(`${base}/studio/users`);
  expect(new URL(page.url()).pathname).toBe('/studio/login');

  // The form left open before the sign-out is refused, and creates no one.
  await stale.getByLabel('Email address').fill('after-sign-out@example.com');
  const [refused] = await Promise.all([
    stale.waitForResponse((response) => response.request().method() === 'POST'),
    stale.getByRole('button', { name: 'Create user' }).click(),
  ]);
  expect(refused.status()).toBe(401);
  const created = await fetch(`${base}/v1/users/count?email_address=after-sign-out@example.com`, {
    headers: { authorization: `Bearer ${secretKey}` },
  });
  expect(((await created.json()) as { total_count: number }).total_count).toBe(0);

  // The sign-in that ended is over on the server too: replaying its cookie is refused.
  const replay = await browser.newContext();
  await replay.addCookies([{ ...signIn!, expires: -1 }]);
  const replayed = await replay.newPage();
  await replayed.goto(`${base}/studio/users`);
  expect(new URL(replayed.url()).pathname).toBe('/studio/login');
  await replay.close();
  await context.close();
}

describe('the gate', () => {
  it('lets the live status of a sign-in link through the gate', async () => {
    const tessera = await start({ host: '0.0.0.0' });
    const base = apiBase(tessera);
    const user = await backendApi(tessera).post<{ id: string }>('/v1/users', {
      email_address: ['behind-the-gate@example.com'],
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/studio/users/${user.id}/sign-in-as`);
    await page.getByLabel('Secret key').fill(TEST_SECRET_KEY);
    await Promise.all([
      page.waitForURL(`${base}/studio/users`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    await page.goto(`${base}/studio/users/${user.id}/sign-in-as`);
    await Promise.all([
      page.waitForEvent('load'),
      page.getByRole('button', { name: 'Create sign-in link' }).click(),
    ]);
    const link = new URL((await page.locator('#sign-in-link').textContent())!.trim());
    await expect(page.locator('[data-live-status]').textContent()).resolves.toBe('pending');
    const accepted = await fetch(`${base}/v1/tickets/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticket: link.searchParams.get('ticket') }),
    });
    expect(accepted.status).toBe(200);
    await page.locator('[data-live-status]', { hasText: 'accepted' }).waitFor({ timeout: 30_000 });
    await context.close();
  });

  it('tells a production instance’s Studio that test session tokens are off, pointing at sign-in tokens', async () => {
    const tessera = await start({ host: '127.0.0.1', secretKey: LIVE_SECRET_KEY });
    const user = await backendApi(tessera).post<{ id: string }>('/v1/users', {
      email_address: ['live@example.com'],
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${tessera.url}/studio/login`);
    await page.getByLabel('Secret key').fill(LIVE_SECRET_KEY);
    await Promise.all([
      page.waitForURL(`${tessera.url}/studio/users`),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    await page.goto(`${tessera.url}/studio/users/${user.id}/sign-in-as`);
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST'),
      page.getByRole('button', { name: 'Create sign-in link' }).click(),
    ]);
    expect(answer.status()).toBe(403);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('sign-in token');
    await expect(page.locator('#sign-in-link').count()).resolves.toBe(0);
    const tokens = await backendApi(tessera).get<unknown[]>('/v1/test_session_tokens');
    expect(tokens).toEqual([]);
    await context.close();
  });

  it('asks a development instance listening on every interface for the secret key', async () => {
    const tessera = await start({ host: '0.0.0.0' });
    expect(tessera.environment).toBe('development');
    await checkGate(apiBase(tessera), TEST_SECRET_KEY);
  });

  it('asks a production instance for its key even on loopback', async () => {
    const tessera = await start({ host: '127.0.0.1', secretKey: LIVE_SECRET_KEY });
    expect(tessera.environment).toBe('production');
    await checkGate(tessera.url, LIVE_SECRET_KEY);
  });

  it('opens a loopback development instance directly, to loopback names only', async () => {
    const tessera = await start({ host: '127.0.0.1' });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${tessera.url}/`);
    expect(new URL(page.url()).pathname).toBe('/studio/users');
    expect(await heading(page)).toBe('Users');
    await expect(page.getByRole('button', { name: 'Sign out' }).count()).resolves.toBe(0);
    await page.goto(`${tessera.url}/studio/login`);
    expect(new URL(page.url()).pathname).toBe('/studio/users');

    // DNS rebinding: another name pointed at 127.0.0.1 meets the gate, and sees no Studio page.
    const port = new URL(tessera.url).port;
    const rebound = await getWithHost(tessera.url, '/studio/users', `evil.example:${port}`);
    expect(rebound.status).toBe(303);
    expect(rebound.location).toBe('/studio/login');
    expect(rebound.body).not.toContain('<table');
    expect((await getWithHost(tessera.url, '/studio/users', `localhost:${port}`)).status).toBe(200);
    // A tunnel or a local proxy relays with forwarding headers: the gate again, even on a loopback name.
    for (const header of [
      'x-forwarded-for',
      'forwarded',
      'x-forwarded-host',
      'cf-connecting-ip',
      'x-real-ip',
    ]) {
      const relayed = await getWithHost(tessera.url, '/studio/users', `localhost:${port}`, {
        [header]: header === 'forwarded' ? 'for=203.0.113.7' : '203.0.113.7',
      });
      expect(relayed.status, header).toBe(303);
      expect(relayed.location, header).toBe('/studio/login');
    }
    await context.close();
  });

  it('asks for the key on a loopback development instance whose public URL is elsewhere (a tunnel)', async () => {
    const tessera = await start({ host: '127.0.0.1', publicUrl: 'https://abc.tunnel.example' });
    const port = new URL(tessera.url).port;
    const tunneled = await getWithHost(tessera.url, '/studio/users', 'abc.tunnel.example');
    expect(tunneled.status).toBe(303);
    expect(tunneled.location).toBe('/studio/login');
    const local = await getWithHost(tessera.url, '/studio/users', `127.0.0.1:${port}`);
    expect(local.status).toBe(303);
    expect(local.location).toBe('/studio/login');
  });
});

/** A throwaway site on another origin whose page auto-submits a form to Studio. */
async function attackerSite(host: string, page: string): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(page);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return `http://${host}:${(server.address() as AddressInfo).port}/`;
}

function autoSubmittingForm(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
    .join('');
  return `<!doctype html><html><body><form id="f" method="post" action="${action}">${inputs}</form>
<script>document.getElementById('f').submit()</script></body></html>`;
}

describe('forms from another site', () => {
  let tessera: RunningTessera;
  let context: BrowserContext;
  let studioToken: string;

  beforeAll(async () => {
    tessera = await start({ host: '127.0.0.1' });
    context = await browser.newContext();
    // The victim has Studio open: the browser holds Studio's form-token cookie.
    const page = await context.newPage();
    await page.goto(`${tessera.url}/studio/users/new`);
    studioToken = (await page.locator('input[name="_csrf"]').first().getAttribute('value'))!;
    expect(studioToken).toMatch(/^[\w-]{43}$/);
    await page.close();
  });

  afterAll(async () => {
    await context?.close();
  });

  const usersNamed = async (email: string) =>
    (
      await backendApi(tessera).get<{ total_count: number }>(
        `/v1/users/count?email_address=${encodeURIComponent(email)}`,
      )
    ).total_count;

  it('refuses a cross-site page auto-posting to /studio/users/new: 403, no user', async () => {
    const email = 'cross-site@example.com';
    const site = await attackerSite(
      'localhost',
      autoSubmittingForm(`${tessera.url}/studio/users/new`, { email, _csrf: 'guessed' }),
    );
    const page = await context.newPage();
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.url() === `${tessera.url}/studio/users/new`),
      page.goto(site),
    ]);
    expect(answer.status()).toBe(403);
    await page.waitForLoadState('load');
    expect(await heading(page)).toBe('Refused');
    expect(await usersNamed(email)).toBe(0);
    await page.close();
  });

  it('refuses a page of the same site on another port even with the real form token: 403, no user', async () => {
    const email = 'same-site@example.com';
    const site = await attackerSite(
      '127.0.0.1',
      autoSubmittingForm(`${tessera.url}/studio/users/new`, { email, _csrf: studioToken }),
    );
    const page = await context.newPage();
    const [answer] = await Promise.all([
      page.waitForResponse((response) => response.url() === `${tessera.url}/studio/users/new`),
      page.goto(site),
    ]);
    expect(answer.status()).toBe(403);
    expect(await usersNamed(email)).toBe(0);
    await page.close();
  });

  it('accepts the same form from Studio itself (the refusals above are about origin, not the form)', async () => {
    const email = 'from-studio@example.com';
    const page = await context.newPage();
    await page.goto(`${tessera.url}/studio/users/new`);
    await page.getByLabel('Email address').fill(email);
    await Promise.all([
      page.waitForURL(/\/studio\/users\/user_/),
      page.getByRole('button', { name: 'Create user' }).click(),
    ]);
    expect(await usersNamed(email)).toBe(1);
    await page.close();
  });
});

describe('--no-studio', () => {
  it('answers / and /studio/users with the API’s JSON 404', async () => {
    const tessera = await start({ studio: false });
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const path of ['/', '/studio/users', '/studio/assets/studio.js']) {
      const response = await page.goto(`${tessera.url}${path}`);
      expect(response!.status(), path).toBe(404);
      expect(response!.headers()['content-type'], path).toMatch(/^application\/json/);
      const body = (await response!.json()) as { errors: { code: string }[] };
      expect(body.errors[0]!.code, path).toBe('resource_not_found');
    }
    // The same JSON 404 as any unknown API path.
    const unknown = (await (await fetch(`${tessera.url}/v1/no-such-thing`)).json()) as {
      errors: { code: string; message: string }[];
    };
    const studio = (await (await fetch(`${tessera.url}/studio/users`)).json()) as typeof unknown;
    expect(studio.errors.map(({ code, message }) => ({ code, message }))).toEqual(
      unknown.errors.map(({ code, message }) => ({ code, message })),
    );
    await context.close();
  });
});
