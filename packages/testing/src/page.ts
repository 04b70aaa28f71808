/**
 * The parts of a Playwright `Page` the helpers use: a page from `@playwright/test` or `playwright-core`
 * fits as it is.
 *
 * @example
 * ```ts
 * import { chromium } from 'playwright-core';
 *
 * const browser = await chromium.launch();
 * const page: PageLike = await browser.newPage();
 * ```
 */
export interface PageLike {
  goto(
    url: string,
    options?: { waitUntil?: 'load' | 'domcontentloaded' | 'commit'; timeout?: number },
  ): Promise<unknown>;
  url(): string;
  waitForURL(
    url: (url: URL) => boolean,
    options?: { waitUntil?: 'load' | 'domcontentloaded' | 'commit'; timeout?: number },
  ): Promise<unknown>;
  context(): { cookies(urls?: string | string[]): Promise<readonly { name: string; value: string }[]> };
}
