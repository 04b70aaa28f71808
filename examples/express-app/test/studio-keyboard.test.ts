import type { RunningTessera } from '@tessera/server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser';
import { backendApi, startStudioWithExampleApp } from './support/studio';

// Studio's main flows with the keyboard alone: Tab, Enter, arrow keys and typing. No click, no fill:
// the test only reads which element has the focus.

const EMAIL = 'keys@example.com';
const STEP = 90_000;
const BOUND = { timeout: 30_000 };

let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
let running: Awaited<ReturnType<typeof startStudioWithExampleApp>>;
let tessera: RunningTessera;
let appUrl: string;
let context: BrowserContext;
let page: Page;
const made = { userId: '', link: '', sessionId: '' };

beforeAll(async () => {
  running = await startStudioWithExampleApp();
  ({ tessera, appUrl } = running);
  chromium = await launchChromium();
  browser = chromium.browser;
  context = await browser.newContext();
  page = await context.newPage();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await running?.close();
});

/**
 * Presses Tab until the focused element matches `selector` (at most `max` presses, then fails),
 * and checks that the focus can be seen (an outline).
 */
async function tabTo(selector: string, max = 80) {
  for (let press = 0; press < max; press++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate((wanted) => {
      const element = document.activeElement;
      if (!element?.matches(wanted)) return undefined;
      return { outline: getComputedStyle(element).outlineStyle };
    }, selector);
    if (focused) {
      expect(focused.outline, `focus of ${selector} is visible`).not.toBe('none');
      return;
    }
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Enter on the focused element, waiting for the page it loads. */
async function enterAndLoad() {
  await Promise.all([page.waitForEvent('load', BOUND), page.keyboard.press('Enter')]);
}

describe('Studio with the keyboard alone', () => {
  it(
    'skips to the content from the first Tab',
    async () => {
      await page.goto(`${tessera.url}/`);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
      await page.keyboard.press('Enter');
      expect(new URL(page.url()).hash).toBe('#main');
    },
    STEP,
  );

  it(
    'creates a user',
    async () => {
      await page.goto(`${tessera.url}/studio/users`);
      await tabTo('a[href="/studio/users/new"]');
      await enterAndLoad();
      expect(new URL(page.url()).pathname).toBe('/studio/users/new');
      await tabTo('input#email');
      await page.keyboard.type(EMAIL);
      await tabTo('input#first_name');
      await page.keyboard.type('Kay');
      await tabTo('form[action="/studio/users/new"] button[type="submit"]');
      await enterAndLoad();
      expect(page.url()).toMatch(/\/studio\/users\/user_[^/?]+\?notice=created$/);
      made.userId = new URL(page.url()).pathname.split('/').at(-1)!;
      const user = await backendApi(tessera).get<{ first_name: string }>(`/v1/users/${made.userId}`);
      expect(user.first_name).toBe('Kay');
    },
    STEP,
  );

  it(
    'signs in as the user, landing on the example app',
    async () => {
      await tabTo(`a[href="/studio/users/${made.userId}/sign-in-as"]`);
      await enterAndLoad();
      await tabTo('select#landing');
      // Down the list to the example app's origin: the select changes without opening.
      for (let press = 0; press < 10; press++) {
        if ((await page.evaluate(() => (document.activeElement as HTMLSelectElement).value)) === appUrl)
          break;
        await page.keyboard.press('ArrowDown');
      }
      expect(await page.evaluate(() => (document.activeElement as HTMLSelectElement).value)).toBe(appUrl);
      await tabTo('form[action$="/sign-in-as"] button[type="submit"]');
      await enterAndLoad();
      made.link = (await page.locator('#sign-in-link').textContent())!.trim();
      expect(made.link.startsWith(tessera.url)).toBe(true);
      // The "open in a new window" link and the copy button are reachable too.
      await tabTo('a[target="_blank"]');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe(made.link);

      const visitor = await browser.newContext();
      const visitorPage = await visitor.newPage();
      await visitorPage.goto(made.link);
      await visitorPage.waitForURL(`${appUrl}/`, BOUND);
      expect(await visitorPage.locator('h1').textContent()).toBe(`Signed in as ${EMAIL}`);
      made.sessionId = (
        (await (await visitorPage.request.get(`${appUrl}/api/me`)).json()) as { sessionId: string }
      ).sessionId;
      await visitor.close();
    },
    STEP,
  );

  it(
    'revokes the session',
    async () => {
      await tabTo('nav a[href="/studio/sessions"]');
      await enterAndLoad();
      await tabTo(`form[action="/studio/sessions/${made.sessionId}/revoke"] button`);
      await enterAndLoad();
      expect(new URL(page.url()).searchParams.get('notice')).toBe('revoked');
      const session = await backendApi(tessera).get<{ status: string }>(`/v1/sessions/${made.sessionId}`);
      expect(session.status).toBe('revoked');
    },
    STEP,
  );
});
