import {
  test as base,
  type PlaywrightTestArgs,
  type PlaywrightTestOptions,
  type PlaywrightWorkerArgs,
  type PlaywrightWorkerOptions,
  type TestType,
} from '@playwright/test';
import type { Session } from '@tessera/backend';
import { type SignInOptions, signIn } from './sign-in';
import type { SignInAs } from './who';

/**
 * The fixtures `test` from `@tessera/testing/fixtures` adds to Playwright's.
 *
 * @example
 * ```ts
 * import { type TesseraFixtures, test } from '@tessera/testing/fixtures';
 *
 * const asAda = (signedInAs: TesseraFixtures['signedInAs']) => signedInAs({ email: 'ada@example.com' });
 * test('profile', async ({ signedInAs }) => {
 *   await asAda(signedInAs);
 * });
 * ```
 */
export interface TesseraFixtures {
  /**
   * Signs this test's page in as a user (or, with `{ agent }` or `{ actor }`, someone acting for
   * them), in an `organization` and with custom `claims` when given; lands on `baseURL` unless told
   * otherwise.
   */
  readonly signedInAs: (who: SignInAs, options?: SignInOptions) => Promise<Session>;
}

/**
 * Playwright's `test` with a `signedInAs` fixture.
 *
 * @example
 * ```ts
 * import { expect, test } from '@tessera/testing/fixtures';
 *
 * test('settings', async ({ page, signedInAs }) => {
 *   await signedInAs({ email: 'ada@example.com' });
 *   await page.goto('/settings');
 *   await expect(page.getByText('ada@example.com')).toBeVisible();
 * });
 *
 * test('acme billing', async ({ page, signedInAs }) => {
 *   await signedInAs({ email: 'ada@example.com' }, { organization: 'acme', claims: { plan: 'pro' } });
 *   await page.goto('/billing');
 * });
 * ```
 */
// Annotated so the declaration names '@playwright/test', the peer a user installs, rather than the
// 'playwright/test' module that TypeScript would infer the type from.
export const test: TestType<
  PlaywrightTestArgs & PlaywrightTestOptions & TesseraFixtures,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions
> = base.extend<TesseraFixtures>({
  signedInAs: async ({ page, baseURL }, use) => {
    await use((who, options = {}) => signIn(page, who, { redirectUrl: baseURL, ...options }));
  },
});

export { expect } from '@playwright/test';
