import type { RunningTessera } from '@tessera/server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser';
import {
  apiBase,
  backendApi,
  describeViolations,
  seriousAxeViolations,
  startStudioTessera,
  TEST_SECRET_KEY,
} from './support/studio';

// axe-core on every Studio page, as each stands after a person reached it: no violation of impact
// serious or critical. Nothing is excluded.

let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
let tessera: RunningTessera;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  tessera = await startStudioTessera({ host: '127.0.0.1' });
  chromium = await launchChromium();
  browser = chromium.browser;
  context = await browser.newContext();
  page = await context.newPage();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await tessera?.close();
});

async function expectAccessible(what: string) {
  expect(describeViolations(await seriousAxeViolations(page)), what).toEqual([]);
}

describe('accessibility of every Studio page', () => {
  it('runs axe on a Studio page despite its CSP: a flaw made on purpose is found', async () => {
    await page.goto(`${tessera.url}/studio/users`);
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.id = 'unlabelled';
      document.querySelector('main')!.append(input);
    });
    const found = await seriousAxeViolations(page);
    expect(found.map((violation) => violation.id)).toContain('label');
  });

  it('the users list, empty and with users', async () => {
    await page.goto(`${tessera.url}/studio/users`);
    await expectAccessible('users (empty)');
    const api = backendApi(tessera);
    await api.post('/v1/users', { email_address: ['ada@example.com'], first_name: 'Ada', last_name: 'L' });
    await api.post('/v1/users', { username: 'grace', first_name: 'Grace' });
    await api.post(`/v1/users/${await firstUserId()}/ban`);
    await page.goto(`${tessera.url}/studio/users`);
    await expectAccessible('users');
    await page.goto(`${tessera.url}/studio/users?query=nobody`);
    await expectAccessible('users (no match)');
  });

  it('the create form, blank and refused with a field error', async () => {
    await page.goto(`${tessera.url}/studio/users/new`);
    await expectAccessible('new user');
    await page.getByLabel('Email address').fill('ada@example.com');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.waitForSelector('[aria-invalid="true"]');
    await expectAccessible('new user (refused)');
  });

  it('the sign-in gate, blank and refused', async () => {
    const gated = await startStudioTessera({ host: '0.0.0.0' });
    try {
      const gate = await browser.newContext();
      const signIn = await gate.newPage();
      const before = page;
      page = signIn;
      await signIn.goto(`${apiBase(gated)}/studio/login`);
      await expectAccessible('sign-in');
      await signIn.getByLabel('Secret key').fill(`sk_test_${'x'.repeat(43)}`);
      await signIn.getByRole('button', { name: 'Sign in' }).click();
      await signIn.getByRole('alert').waitFor();
      await expectAccessible('sign-in (refused)');
      await signIn.getByLabel('Secret key').fill(TEST_SECRET_KEY);
      await Promise.all([
        signIn.waitForURL(/\/studio\/users$/),
        signIn.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      await expectAccessible('users, gated (with Sign out)');
      page = before;
      await gate.close();
    } finally {
      await gated.close();
    }
  });

  it('the not-found page', async () => {
    await page.goto(`${tessera.url}/studio/no-such-page`);
    await expectAccessible('not found');
  });
});

async function firstUserId(): Promise<string> {
  const users = await backendApi(tessera).get<{ id: string }[]>('/v1/users?order_by=created_at&limit=1');
  return users[0]!.id;
}
