import type { Session } from '@tessera/backend';
import { HANDOFF_PARAM, SESSION_COOKIE_NAME } from '@tessera/wire';
import { type ConnectionOptions, clientFor } from './connection';
import { type SignInAs, tokenTarget } from './who';

/** The parts of a Playwright `Page` used here (from `@playwright/test` or `playwright-core`). */
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
  context(): { cookies(urls?: string | string[]): Promise<readonly { name: string }[]> };
}

export interface SignInOptions extends ConnectionOptions {
  /** Where the browser lands, signed in (default: `TESSERA_REDIRECT_URL`, else tessera's own page). */
  readonly redirectUrl?: string | undefined;
  /** How long the session lasts (default 1800 seconds). */
  readonly sessionMaxDurationInSeconds?: number;
}

/**
 * Signs the page's browser in as a user: creates a test session token, opens its URL and waits until
 * the app at `redirectUrl` holds the session. Returns the session.
 *
 * @example
 * ```ts
 * import { signIn } from '@tessera/testing';
 *
 * test('dashboard', async ({ page }) => {
 *   await signIn(page, { email: 'ada@example.com' }, { redirectUrl: 'http://localhost:3000/' });
 *   await expect(page.getByText('Signed in as ada@example.com')).toBeVisible();
 * });
 * ```
 */
export async function signIn(page: PageLike, who: SignInAs, options: SignInOptions = {}): Promise<Session> {
  const client = clientFor(options);
  const redirectUrl = options.redirectUrl ?? process.env.TESSERA_REDIRECT_URL;
  const token = await client.testSessionTokens.create({
    ...tokenTarget(who),
    ...(redirectUrl && { redirectUrl }),
    ...(options.sessionMaxDurationInSeconds && {
      sessionMaxDurationInSeconds: options.sessionMaxDurationInSeconds,
    }),
  });
  // Follows tessera's 303 and the app's own redirect that consumes the handoff.
  await page.goto(token.url!, { waitUntil: 'commit' });
  // The ticket URL answers a page whose script POSTs the ticket (a GET never accepts it): wait until
  // the browser has left that page and loaded where the acceptance sent it.
  const ticketPath = new URL(token.url!).pathname;
  await page.waitForURL((url) => url.pathname !== ticketPath, { waitUntil: 'load' });

  const accepted = await client.testSessionTokens.get(token.id);
  if (accepted.status !== 'accepted' || !accepted.sessionId) {
    throw new Error(
      `@tessera/testing: tessera did not accept the test session token ${token.id} (it is ${accepted.status}).`,
    );
  }
  if (redirectUrl) {
    const landed = new URL(page.url());
    const target = new URL(redirectUrl);
    const cookies = await page.context().cookies(target.origin);
    if (
      landed.searchParams.has(HANDOFF_PARAM) ||
      !cookies.some((cookie) => cookie.name === SESSION_COOKIE_NAME)
    ) {
      throw new Error(
        `@tessera/testing: the app at ${target.origin} did not take the session. Is its tessera middleware (withAuth) configured with the secret key?`,
      );
    }
  }
  return client.sessions.get(accepted.sessionId);
}
