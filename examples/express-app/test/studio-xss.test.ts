import type { RunningTessera } from '@tessera/server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchChromium } from './support/browser';
import { backendApi, startStudioTessera } from './support/studio';

// Generous bounds for a busy machine: a browser and a server per test.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 });

// User data is text on every Studio page: markup in a name is shown, never run.

const PAYLOAD = '<img src=x onerror=alert(1)>';

let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
let tessera: RunningTessera;
let context: BrowserContext;
let page: Page;
let userId: string;
const dialogs: string[] = [];

beforeAll(async () => {
  tessera = await startStudioTessera({ host: '127.0.0.1' });
  const user = await backendApi(tessera).post<{ id: string }>('/v1/users', {
    email_address: ['mallory@example.com'],
    first_name: PAYLOAD,
    last_name: '"><script>alert(2)</script>',
    username: 'mallory',
    public_metadata: { note: '</pre><img src=x onerror=alert(3)>' },
  });
  userId = user.id;
  // The sign-in-as page names the user by email; the organization it offers carries the markup there.
  await backendApi(tessera).post('/v1/organizations', { name: PAYLOAD, created_by: userId });
  chromium = await launchChromium();
  browser = chromium.browser;
  context = await browser.newContext();
  page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await tessera?.close();
});

/** The payload is on the page as text (visible unless inside a closed <select>), no element came of it, and nothing ran. */
async function expectInert(what: string, shown: 'visible' | 'option' = 'visible') {
  await page.waitForLoadState('load');
  if (shown === 'visible') {
    await expect(page.getByText(PAYLOAD).first().isVisible(), `${what}: payload shown as text`).resolves.toBe(
      true,
    );
  } else {
    const options = await page.locator('option').allTextContents();
    expect(
      options.some((text) => text.includes(PAYLOAD)),
      `${what}: payload as an option's text`,
    ).toBe(true);
  }
  expect(await page.locator('img[src="x"]').count(), `${what}: no <img src=x>`).toBe(0);
  expect(
    await page.evaluate(
      () => [...document.scripts].filter((script) => !script.src.endsWith('/studio/assets/studio.js')).length,
    ),
    `${what}: no script but Studio's`,
  ).toBe(0);
  expect(dialogs, `${what}: no dialog`).toEqual([]);
}

describe('a user whose name is markup', () => {
  it('is text on the users list', async () => {
    await page.goto(`${tessera.url}/studio/users`);
    await expectInert('users list');
    await page.goto(`${tessera.url}/studio/users?query=${encodeURIComponent('<img')}`);
    await expectInert('users list, searched');
    await expect(page.locator('#user-search').inputValue()).resolves.toBe('<img');
  });

  it('is text on the user page', async () => {
    await page.goto(`${tessera.url}/studio/users/${userId}`);
    await expectInert('user page');
  });

  it('is text on the sign-in-as page, its form and its result', async () => {
    await page.goto(`${tessera.url}/studio/users/${userId}/sign-in-as`);
    await expectInert('sign in as', 'option');
    const organization = page.getByLabel('Organization');
    const value = await organization.locator('option').filter({ hasText: PAYLOAD }).getAttribute('value');
    await organization.selectOption(value!);
    await Promise.all([
      page.waitForEvent('load'),
      page.getByRole('button', { name: 'Create sign-in link' }).click(),
    ]);
    await expect(page.locator('#sign-in-link').count()).resolves.toBe(1);
    await expectInert('sign-in-as result');
  });

  it('is text on the tokens, sessions and audit pages', async () => {
    for (const path of ['/studio/tokens', '/studio/sessions', `/studio/audit?user_id=${userId}`]) {
      await page.goto(`${tessera.url}${path}`);
      expect(await page.locator('img[src="x"]').count(), path).toBe(0);
      expect(dialogs, path).toEqual([]);
    }
  });
});
