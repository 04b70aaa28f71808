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
  startStudioWithExampleApp,
  TEST_SECRET_KEY,
} from './support/studio';

// axe-core on every Studio page, as each stands after a person reached it (lists with rows, forms
// blank and refused, results): no violation of impact serious or critical. Nothing is excluded.

const STEP = 90_000;
const BOUND = { timeout: 30_000 };

let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
let running: Awaited<ReturnType<typeof startStudioWithExampleApp>>;
let tessera: RunningTessera;
let appUrl: string;
let context: BrowserContext;
let page: Page;
let api: ReturnType<typeof backendApi>;
const made = { userId: '', sessionId: '' };

beforeAll(async () => {
  running = await startStudioWithExampleApp();
  ({ tessera, appUrl } = running);
  api = backendApi(tessera);
  chromium = await launchChromium();
  browser = chromium.browser;
  context = await browser.newContext();
  page = await context.newPage();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await running?.close();
});

async function expectAccessible(what: string, on: Page = page) {
  await on.waitForLoadState('load');
  expect(describeViolations(await seriousAxeViolations(on)), what).toEqual([]);
}

async function visit(path: string, what: string) {
  await page.goto(`${tessera.url}${path}`);
  await expectAccessible(what);
}

/** A user with something in every section of their page: a session, tokens, an organization, events. */
async function populate() {
  const user = await api.post<{ id: string }>('/v1/users', {
    email_address: ['ada@example.com'],
    first_name: 'Ada',
    last_name: 'Lovelace',
    public_metadata: { plan: 'pro' },
  });
  made.userId = user.id;
  await api.post('/v1/users', { username: 'grace', first_name: 'Grace' });
  const banned = await api.post<{ id: string }>('/v1/users', { email_address: ['banned@example.com'] });
  await api.post(`/v1/users/${banned.id}/ban`);
  await api.post('/v1/organizations', { name: 'Analytical Engines', created_by: user.id });
  const accepted = await api.post<{ token: string }>('/v1/test_session_tokens', { user_id: user.id });
  const acceptance = await fetch(`${tessera.url}/v1/tickets/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ticket: accepted.token }),
  });
  made.sessionId = ((await acceptance.json()) as { session: { id: string } }).session.id;
  const second = await api.post<{ token: string }>('/v1/test_session_tokens', { user_id: user.id });
  const revokedSession = await fetch(`${tessera.url}/v1/tickets/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ticket: second.token }),
  });
  const { session } = (await revokedSession.json()) as { session: { id: string } };
  await api.post(`/v1/sessions/${session.id}/revoke`);
  await api.post('/v1/test_session_tokens', { user_id: user.id });
  const revoked = await api.post<{ id: string }>('/v1/test_session_tokens', { user_id: user.id });
  await api.post(`/v1/test_session_tokens/${revoked.id}/revoke`);
  await api.post('/v1/sign_in_tokens', { user_id: user.id });
  await api.post('/v1/actor_tokens', { user_id: user.id, actor: { sub: 'user_support' } });
  await api.post('/v1/agents/tasks', {
    on_behalf_of: { user_id: user.id },
    agent_name: 'checkout-bot',
    task_description: 'buy a book',
    permissions: '*',
    redirect_url: `${appUrl}/`,
  });
}

describe('accessibility of every Studio page', () => {
  it(
    'runs axe on a Studio page despite its CSP: a flaw made on purpose is found',
    async () => {
      await page.goto(`${tessera.url}/studio/users`);
      await page.evaluate(() => {
        const input = document.createElement('input');
        input.id = 'unlabelled';
        document.querySelector('main')!.append(input);
      });
      const found = await seriousAxeViolations(page);
      expect(found.map((violation) => violation.id)).toContain('label');
    },
    STEP,
  );

  it(
    'the users list (empty, with users, a search that finds none) and the create form',
    async () => {
      await visit('/studio/users', 'users (empty)');
      await populate();
      await visit('/studio/users', 'users');
      await visit('/studio/users?query=nobody', 'users (no match)');
      await visit('/studio/users/new', 'new user');
      await page.getByLabel('Email address').fill('ada@example.com');
      await Promise.all([
        page.waitForEvent('load', BOUND),
        page.getByRole('button', { name: 'Create user' }).click(),
      ]);
      await page.waitForSelector('[aria-invalid="true"]');
      await expectAccessible('new user (refused)');
    },
    STEP,
  );

  it(
    'a user’s page, the edit form (blank and refused) and the delete confirmation',
    async () => {
      await visit(`/studio/users/${made.userId}`, 'user page');
      await visit(`/studio/users/${made.userId}?notice=updated`, 'user page (notice)');
      await visit(`/studio/users/${made.userId}/edit`, 'edit user');
      await page.getByLabel('Public metadata').fill('[not json');
      await Promise.all([
        page.waitForEvent('load', BOUND),
        page.getByRole('button', { name: 'Save' }).click(),
      ]);
      await page.waitForSelector('[aria-invalid="true"]');
      await expectAccessible('edit user (refused)');
      await visit(`/studio/users/${made.userId}/delete`, 'delete confirmation');
    },
    STEP,
  );

  it(
    'sign in as: the form, a refusal and the result with its QR code',
    async () => {
      await visit(`/studio/users/${made.userId}/sign-in-as`, 'sign in as');
      await page.getByLabel('or another URL').fill('https://elsewhere.example/');
      await Promise.all([
        page.waitForEvent('load', BOUND),
        page.getByRole('button', { name: 'Create sign-in link' }).click(),
      ]);
      await page.waitForSelector('[aria-invalid="true"]');
      await expectAccessible('sign in as (refused)');
      await page.getByLabel('or another URL').fill('');
      await page.getByLabel('Where the browser lands').selectOption(appUrl);
      await Promise.all([
        page.waitForEvent('load', BOUND),
        page.getByRole('button', { name: 'Create sign-in link' }).click(),
      ]);
      await page.locator('svg[role="img"]').waitFor(BOUND);
      await expectAccessible('sign in as (result)');
    },
    STEP,
  );

  it(
    'tokens of every kind, sessions, and the audit log (also with a refused filter)',
    async () => {
      for (const kind of ['test_session_tokens', 'sign_in_tokens', 'actor_tokens', 'agent_tasks']) {
        await visit(`/studio/tokens?kind=${kind}`, `tokens (${kind})`);
      }
      await visit('/studio/tokens?status=pending&user_id=user_nobody', 'tokens (filtered, none)');
      await visit('/studio/tokens?user_id=not-an-id', 'tokens (refused filter)');
      await visit('/studio/tokens?notice=revoked', 'tokens (notice)');
      await visit('/studio/sessions', 'sessions');
      await visit('/studio/sessions?status=revoked', 'sessions (filtered)');
      await visit('/studio/sessions?notice=revoked', 'sessions (notice)');
      await visit('/studio/audit', 'audit log');
      await visit(`/studio/audit?user_id=${made.userId}&type=session.revoked`, 'audit log (filtered)');
      await visit('/studio/audit?type=no.such.type', 'audit log (refused filter)');
    },
    STEP,
  );

  it(
    'keys, the rotate confirmation, the keys after a rotation, and the instance',
    async () => {
      await visit('/studio/keys', 'keys');
      await visit('/studio/keys/rotate', 'rotate confirmation');
      await Promise.all([
        page.waitForEvent('load', BOUND),
        page.getByRole('button', { name: 'Rotate keys' }).click(),
      ]);
      await expectAccessible('keys (rotated, two keys)');
      await visit('/studio/instance', 'instance');
    },
    STEP,
  );

  it(
    'the not-found and refused pages',
    async () => {
      await visit('/studio/no-such-page', 'not found');
      await visit('/studio/users/user_nobody', 'unknown user');
    },
    STEP,
  );

  it(
    'the sign-in gate, blank and refused, and a page with Sign out',
    async () => {
      const gated = await startStudioTessera({ host: '0.0.0.0' });
      const gate = await browser.newContext();
      try {
        const signIn = await gate.newPage();
        await signIn.goto(`${apiBase(gated)}/studio/login`);
        await expectAccessible('sign-in', signIn);
        await signIn.getByLabel('Secret key').fill(`sk_test_${'x'.repeat(43)}`);
        await Promise.all([
          signIn.waitForEvent('load', BOUND),
          signIn.getByRole('button', { name: 'Sign in' }).click(),
        ]);
        await signIn.getByRole('alert').waitFor(BOUND);
        await expectAccessible('sign-in (refused)', signIn);
        await signIn.getByLabel('Secret key').fill(TEST_SECRET_KEY);
        await Promise.all([
          signIn.waitForURL(/\/studio\/users$/, BOUND),
          signIn.getByRole('button', { name: 'Sign in' }).click(),
        ]);
        await expectAccessible('users, gated (with Sign out)', signIn);
      } finally {
        await gate.close();
        await gated.close();
      }
    },
    STEP,
  );

  it(
    'every page at a phone’s width, none scrolling sideways',
    async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
      try {
        const small = await phone.newPage();
        for (const path of [
          '/studio/users',
          `/studio/users/${made.userId}`,
          `/studio/users/${made.userId}/sign-in-as`,
          '/studio/tokens',
          '/studio/sessions',
          '/studio/audit',
          '/studio/keys',
          '/studio/instance',
        ]) {
          await small.goto(`${tessera.url}${path}`);
          await expectAccessible(`${path} (phone)`, small);
          // Nothing makes the page itself scroll sideways: wide tables scroll inside their own frame.
          const width = await small.evaluate(() => document.documentElement.scrollWidth);
          expect(width, `${path} (phone) width`).toBeLessThanOrEqual(390);
        }
      } finally {
        await phone.close();
      }
    },
    STEP,
  );
});
