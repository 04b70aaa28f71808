import { createStorageState, signIn, tesseraSetup } from '@tessera/testing';
import { REFRESH_COOKIE_NAME, SESSION_COOKIE_NAME } from '@tessera/wire';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startExample } from '../server.js';
import { launchChromium } from './support/browser';

let example: Awaited<ReturnType<typeof startExample>>;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
const saved = { url: process.env.TESSERA_API_URL, key: process.env.TESSERA_SECRET_KEY };

beforeAll(async () => {
  example = await startExample({ appPort: 0, tesseraPort: 0 });
  chromium = await launchChromium();
  browser = chromium.browser;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await example?.close();
});

afterEach(() => {
  for (const [name, value] of [
    ['TESSERA_API_URL', saved.url],
    ['TESSERA_SECRET_KEY', saved.key],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const connection = () => ({ apiUrl: example.tessera.url, secretKey: example.tessera.secretKey });

describe('@tessera/testing', () => {
  it('signIn signs a page in, waits for the app to hold the session, and returns it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const session = await signIn(
      page,
      { email: 'ada@example.com' },
      { redirectUrl: `${example.appUrl}/`, ...connection() },
    );
    expect(session.status).toBe('active');
    expect(session.actor).toMatchObject({ type: 'test_session_token' });
    expect(await page.locator('h1').textContent()).toBe('Signed in as ada@example.com');
    const user = await example.client.users.get(session.userId);
    expect(user.emailAddresses[0]?.emailAddress).toBe('ada@example.com');
    await context.close();
  });

  it('signIn says clearly when the user does not exist', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await expect(
      signIn(page, { email: 'nobody@example.com' }, { redirectUrl: `${example.appUrl}/`, ...connection() }),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ code: 'resource_not_found' })] });
    await context.close();
  });

  it('createStorageState signs in without a browser; a context loaded with it is signed in', async () => {
    const state = await createStorageState({
      email: 'grace@example.com',
      baseURL: example.appUrl,
      ...connection(),
    });
    expect(state.cookies.map((cookie) => cookie.name).sort()).toEqual([
      SESSION_COOKIE_NAME,
      REFRESH_COOKIE_NAME,
    ]);
    const context = await browser.newContext({ storageState: state });
    const page = await context.newPage();
    await page.goto(`${example.appUrl}/protected`);
    expect(await page.locator('p').last().textContent()).toBe('Only grace@example.com can see this.');
    await context.close();
  });

  it('tesseraSetup starts an in-memory tessera when none is configured, and reuses a configured one', async () => {
    delete process.env.TESSERA_API_URL;
    delete process.env.TESSERA_SECRET_KEY;
    const teardown = await tesseraSetup();
    const url = process.env.TESSERA_API_URL;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/v1/health`)).status).toBe(200);
    const reuse = await tesseraSetup();
    expect(process.env.TESSERA_API_URL).toBe(url);
    await reuse();
    await teardown();
    expect(process.env.TESSERA_API_URL).toBeUndefined();
    await expect(fetch(`${url}/v1/health`)).rejects.toThrow();
  });
});
