import { expect, test } from '@tessera/testing/fixtures';

test('the signedInAs fixture lands on baseURL signed in', async ({ page, signedInAs }) => {
  const session = await signedInAs({ email: 'grace@example.com' });
  await page.goto('/protected');
  await expect(page.getByText('Only grace@example.com can see this.')).toBeVisible();
  expect(session.status).toBe('active');
});
