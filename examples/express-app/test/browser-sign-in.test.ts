import { HANDOFF_PARAM, REFRESH_COOKIE_NAME, SESSION_COOKIE_NAME } from '@tessera/wire';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExample } from '../server.js';
import { launchChromium, sleep } from './support/browser';

// tessera on 127.0.0.1, the app on localhost: different sites, as in real life.
const JWT_LIFETIME_SECONDS = 2;

let example: Awaited<ReturnType<typeof startExample>>;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;

beforeAll(async () => {
  example = await startExample({
    appPort: 0,
    tesseraPort: 0,
    sessionTokenLifetimeSeconds: JWT_LIFETIME_SECONDS,
  });
  chromium = await launchChromium();
  browser = chromium.browser;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await example?.close();
});

async function tokenFor(email: string, extra: { expiresInSeconds?: number } = {}) {
  return example.client.testSessionTokens.create({
    identifier: email,
    redirectUrl: `${example.appUrl}/`,
    ...extra,
  });
}

/** Opens a ticket URL and returns the answer to its page's POST, once the browser shows it. */
async function openTicket(page: import('playwright-core').Page, url: string) {
  const [accepted] = await Promise.all([
    page.waitForResponse((response) => response.url().endsWith('/v1/tickets/accept/browser')),
    page.goto(url),
  ]);
  await page.waitForLoadState('load');
  return accepted;
}

const heading = async (page: import('playwright-core').Page) =>
  (await page.locator('h1').textContent())?.trim();

describe('signing a real browser in with a test session token', () => {
  it('lands on the app signed in, with the session in the app’s own HttpOnly cookies and no secret in the URL', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const visited: string[] = [];
    page.on('request', (request) => {
      if (request.isNavigationRequest()) visited.push(request.url());
    });
    const token = await tokenFor('ada@example.com');
    await page.goto(token.url!);

    expect(await heading(page)).toBe('Signed in as ada@example.com');
    expect(page.url()).toBe(`${example.appUrl}/`);
    const cookies = await context.cookies(example.appUrl);
    const session = cookies.find((cookie) => cookie.name === SESSION_COOKIE_NAME);
    const refresh = cookies.find((cookie) => cookie.name === REFRESH_COOKIE_NAME);
    expect(session).toMatchObject({ domain: 'localhost', httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(refresh).toMatchObject({ domain: 'localhost', httpOnly: true, sameSite: 'Lax', path: '/' });

    // What passed through the address bar: the used ticket and the used handoff, nothing that lasts.
    const history = visited.join('\n');
    expect(history).not.toContain(session!.value);
    expect(history).not.toContain(refresh!.value);
    const handoffUrl = visited.find((url) => url.includes(HANDOFF_PARAM))!;
    expect(handoffUrl).toBeDefined();
    const replay = await fetch(handoffUrl, { redirect: 'manual' });
    expect(
      replay.headers.getSetCookie().some((cookie) => cookie.startsWith(`${SESSION_COOKIE_NAME}=ey`)),
    ).toBe(false);
    await context.close();
  });

  it('stays signed in across several JWT lifetimes, then is signed out within one lifetime of a revoke', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const token = await tokenFor('grace@example.com');
    await page.goto(token.url!);
    expect(await heading(page)).toBe('Signed in as grace@example.com');

    for (let lifetime = 0; lifetime < 3; lifetime++) {
      await sleep(JWT_LIFETIME_SECONDS * 1000 + 300);
      await page.goto(`${example.appUrl}/protected`);
      expect(await heading(page)).toBe('Protected page');
    }
    const api = await page.request.get(`${example.appUrl}/api/me`);
    const { sessionId } = (await api.json()) as { sessionId: string };
    await example.client.sessions.revoke(sessionId);
    await sleep(JWT_LIFETIME_SECONDS * 1000 + 300);
    const afterRevoke = await page.goto(`${example.appUrl}/protected`);
    expect(afterRevoke?.status()).toBe(401);
    expect(await heading(page)).toBe('Signed out');
    expect((await context.cookies(example.appUrl)).map((cookie) => cookie.name)).not.toContain(
      REFRESH_COOKIE_NAME,
    );
    await context.close();
  });

  it('shows the error page for a token URL opened twice, and for an expired one', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const token = await tokenFor('ada@example.com');
    await page.goto(token.url!);
    expect(await heading(page)).toBe('Signed in as ada@example.com');

    // The ticket URL answers a page whose form POSTs the ticket: that POST's answer is the error.
    const second = await openTicket(page, token.url!);
    expect(second.status()).toBe(409);
    expect(await heading(page)).toBe('Ticket already used');

    const expiring = await tokenFor('ada@example.com', { expiresInSeconds: 1 });
    await sleep(1100);
    const expired = await openTicket(page, expiring.url!);
    expect(expired.status()).toBe(410);
    expect(await heading(page)).toBe('Ticket expired');
    await context.close();
  });

  it('gives a replayed handoff, in a second browser context, a signed-out page', async () => {
    const first = await browser.newContext();
    const page = await first.newPage();
    let handoffUrl: string | undefined;
    page.on('request', (request) => {
      if (request.url().includes(HANDOFF_PARAM)) handoffUrl = request.url();
    });
    await page.goto((await tokenFor('ada@example.com')).url!);
    expect(await heading(page)).toBe('Signed in as ada@example.com');

    const second = await browser.newContext();
    const intruder = await second.newPage();
    await intruder.goto(handoffUrl!);
    expect(intruder.url()).not.toContain(HANDOFF_PARAM);
    expect(await heading(intruder)).toBe('Signed out');
    expect((await second.cookies(example.appUrl)).map((cookie) => cookie.name)).not.toContain(
      SESSION_COOKIE_NAME,
    );
    await first.close();
    await second.close();
  });

  it('signs out: the session ends and the cookies go', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto((await tokenFor('grace@example.com')).url!);
    const { sessionId } = (await (await page.request.get(`${example.appUrl}/api/me`)).json()) as {
      sessionId: string;
    };
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${example.appUrl}/`);
    expect(await heading(page)).toBe('Signed out');
    expect((await example.client.sessions.get(sessionId)).status).toBe('ended');
    expect((await context.cookies(example.appUrl)).map((cookie) => cookie.name)).toEqual([]);
    await context.close();
  });

  // A count, not a rate: every sign-in must succeed, however long 8 Chromium contexts take on the
  // machine (on 2 cores, a minute or more); the bound only stops a hung run.
  it('signs in 8 parallel contexts 15 times each, as 120 different users, without a single failure', async () => {
    const emails = Array.from({ length: 120 }, (_, i) => `load${i}@example.com`);
    for (const email of emails) await example.client.users.create({ emailAddress: [email] });
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        const context = await browser.newContext();
        const page = await context.newPage();
        for (let round = 0; round < 15; round++) {
          const email = emails[worker * 15 + round]!;
          try {
            await page.goto((await tokenFor(email)).url!);
            const seen = await heading(page);
            if (seen !== `Signed in as ${email}`) failures.push(`${email}: ${seen}`);
          } catch (error) {
            failures.push(`${email}: ${(error as Error).message}`);
          }
        }
        await context.close();
      }),
    );
    expect(failures).toEqual([]);
  }, 600_000);
});
