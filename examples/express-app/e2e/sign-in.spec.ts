import { expect, test } from '@playwright/test';
import { signIn } from '@tessera/testing';

test('a test session token signs the browser in as ada', async ({ page }) => {
  await signIn(page, { email: 'ada@example.com' }, { redirectUrl: 'http://localhost:3100/' });
  await expect(page.getByRole('heading', { name: 'Signed in as ada@example.com' })).toBeVisible();
});
