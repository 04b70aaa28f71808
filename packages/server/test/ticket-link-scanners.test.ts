import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, type Json, startTestServer, type TestServer } from './support/tessera';

// Link scanners, chat unfurlers and mail gateways send HEAD and plain GETs to every URL they see.
// A ticket URL answers them a page and stays pending; only the page's POST (script or button) accepts.

let server: TestServer;
let user: Json;

beforeAll(async () => {
  server = await startTestServer();
  user = await server.createUser({ email_address: ['scanned@example.com'] });
});

afterAll(async () => {
  await server.close();
});

async function statusOf(token: Json): Promise<string> {
  return (await server.get(`/v1/test_session_tokens/${token.id}`)).body.status;
}

async function activeSessions(): Promise<number> {
  return (await server.get(`/v1/sessions?paginated=true&status=active&user_id=${user.id}`)).body.total_count;
}

describe('a ticket URL fetched without a browser', () => {
  it('HEAD and repeated plain GETs over a socket leave the ticket pending and start no session', async () => {
    const token = await server.createToken({ user_id: user.id });
    const before = await activeSessions();
    for (let i = 0; i < 3; i++) {
      const head = await fetch(token.url, { method: 'HEAD', redirect: 'manual' });
      expect(head.status).toBe(200);
      expect(head.headers.get('set-cookie')).toBeNull();
      const get = await fetch(token.url, { redirect: 'manual' });
      expect(get.status).toBe(200);
      expect(get.headers.get('set-cookie')).toBeNull();
      expect(get.headers.get('cache-control')).toBe('no-store');
      const page = await get.text();
      // The page's form posts the ticket; its one script runs under a CSP allowing it by hash only.
      expect(page).toContain('<form method="post" action="/v1/tickets/accept/browser">');
      expect(page).toContain(`name="ticket" value="${token.token}"`);
      const csp = get.headers.get('content-security-policy')!;
      expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
      expect(csp).not.toContain("unsafe-inline'; style");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    }
    expect(await statusOf(token)).toBe('pending');
    expect(await activeSessions()).toBe(before);
    // Still good for the person it was meant for.
    expect((await server.accept(token.token)).session.user_id).toBe(user.id);
  });

  it('the form POST from the ticket page accepts it, once; a cross-site POST is refused (origin_invalid)', async () => {
    const token = await server.createToken({ user_id: user.id });
    const form = (headers: Record<string, string>) =>
      fetch(`${server.tessera.url}/v1/tickets/accept/browser`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ ticket: token.token }),
      });
    for (const headers of [
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site', origin: server.tessera.url },
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ]) {
      const refused = await form(headers);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain('text/html');
    }
    expect(await statusOf(token)).toBe('pending');
    const accepted = await form({ 'sec-fetch-site': 'same-origin', origin: server.tessera.url });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('set-cookie')).toMatch(/^__session=/);
    expect(await statusOf(token)).toBe('accepted');
    expect((await form({ origin: server.tessera.url })).status).toBe(409);
  });

  it('the code acceptance route is unchanged: a bad ticket is a wire error naming the field', async () => {
    expectError(
      await server.post('/v1/tickets/accept', { ticket: '' }, { auth: false }),
      422,
      'form_param_value_invalid',
      'ticket',
    );
  });
});

describe('a ticket URL opened in headless Chromium', () => {
  it('signs the browser in with no click and lands on the redirect: tessera’s page, with its cookie for /v1/tickets; an app, with none', async () => {
    // An app beside tessera on 127.0.0.1 (a loopback origin, so an allowed redirect): cookies ignore
    // ports, so a cookie tessera set for its whole host would reach it.
    const app = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>The app</h1>');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const token = await server.createToken({ user_id: user.id });
      const page = await browser.newPage();
      await page.goto(token.url, { waitUntil: 'commit' });
      await page.waitForURL((url) => url.pathname === '/v1/tickets/signed-in', { timeout: 20_000 });
      expect(await page.locator('h1').textContent()).toBe('Signed in as scanned@example.com');
      expect(await statusOf(token)).toBe('accepted');
      const cookies = await page.context().cookies();
      expect(cookies.filter((cookie) => cookie.name === '__session')).toEqual([
        expect.objectContaining({ path: '/v1/tickets', httpOnly: true, sameSite: 'Lax' }),
      ]);
      expect(await page.context().cookies(`${appUrl}/`)).toEqual([]);

      const toApp = await server.createToken({ user_id: user.id, redirect_url: `${appUrl}/welcome` });
      const appPage = await browser.newPage();
      await appPage.goto(toApp.url, { waitUntil: 'commit' });
      await appPage.waitForURL((url) => url.origin === appUrl, { timeout: 20_000 });
      expect(await appPage.locator('h1').textContent()).toBe('The app');
      expect(new URL(appPage.url()).searchParams.has('__tessera_handoff')).toBe(true);
      expect(await statusOf(toApp)).toBe('accepted');
      expect(await appPage.context().cookies()).toEqual([]);
    } finally {
      await browser.close();
      await new Promise((resolve) => app.close(resolve));
    }
  }, 60_000);
});
