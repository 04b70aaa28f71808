import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningTessera } from '@tessera/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser';
import { backendApi, startStudioWithExampleApp } from './support/studio';

// Screenshots of Studio's main pages for docs/STUDIO.md. `npm run docs:screenshots`
// (TESSERA_STUDIO_SCREENSHOTS=1) writes them to docs/studio/; otherwise they go to a temporary
// directory, so the test still checks that every page renders and that the document shows each one.

const DOCS = fileURLToPath(new URL('../../../docs/', import.meta.url));
const WRITE_DOCS = process.env.TESSERA_STUDIO_SCREENSHOTS === '1';
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const STEP = 90_000;
const BOUND = { timeout: 30_000 };

let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
let running: Awaited<ReturnType<typeof startStudioWithExampleApp>>;
let tessera: RunningTessera;
let appUrl: string;
let directory: string;
const made = { userId: '' };
const written: string[] = [];

beforeAll(async () => {
  directory = WRITE_DOCS ? join(DOCS, 'studio') : mkdtempSync(join(tmpdir(), 'tessera-studio-shots-'));
  mkdirSync(directory, { recursive: true });
  running = await startStudioWithExampleApp();
  ({ tessera, appUrl } = running);
  await populate();
  chromium = await launchChromium();
  browser = chromium.browser;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await running?.close();
  if (!WRITE_DOCS && directory) rmSync(directory, { recursive: true, force: true });
});

/** A small, plausible instance: people, an organization, sessions live and ended, tokens, a rotation. */
async function populate() {
  const api = backendApi(tessera);
  const people = [
    ['ada@example.com', 'ada', 'Ada', 'Lovelace'],
    ['grace@example.com', 'grace', 'Grace', 'Hopper'],
    ['katherine@example.com', 'kj', 'Katherine', 'Johnson'],
    ['margaret@example.com', 'mh', 'Margaret', 'Hamilton'],
    ['alan@example.com', 'alan', 'Alan', 'Turing'],
  ] as const;
  const ids: string[] = [];
  for (const [email, username, first, last] of people) {
    const user = await api.post<{ id: string }>('/v1/users', {
      email_address: [email],
      username,
      first_name: first,
      last_name: last,
      public_metadata: { plan: first === 'Ada' ? 'pro' : 'free' },
    });
    ids.push(user.id);
  }
  made.userId = ids[0]!;
  await api.post('/v1/organizations', { name: 'Analytical Engines', created_by: ids[0] });
  const accept = async (userId: string) => {
    const token = await api.post<{ token: string }>('/v1/test_session_tokens', {
      user_id: userId,
      redirect_url: `${appUrl}/`,
    });
    const response = await fetch(`${tessera.url}/v1/tickets/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticket: token.token }),
    });
    return ((await response.json()) as { session: { id: string } }).session.id;
  };
  for (const id of ids.slice(0, 4)) await accept(id);
  await api.post(`/v1/sessions/${await accept(ids[1]!)}/revoke`);
  await api.post('/v1/test_session_tokens', { user_id: ids[2], redirect_url: `${appUrl}/` });
  await api.post(`/v1/users/${ids[4]}/ban`);
  await api.post('/v1/jwks/rotate');
}

async function shoot(page: Page, name: string) {
  const path = join(directory, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled' });
  written.push(name);
}

async function open(page: Page, path: string) {
  await page.goto(`${tessera.url}${path}`);
  await page.waitForLoadState('load');
}

describe('Studio’s screenshots', () => {
  it(
    'shoots the main pages at a laptop’s width',
    async () => {
      const context = await browser.newContext({ viewport: LAPTOP, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await open(page, '/studio/users');
      await shoot(page, 'users');
      await open(page, `/studio/users/${made.userId}`);
      await shoot(page, 'user');

      await open(page, `/studio/users/${made.userId}/sign-in-as`);
      await page.getByLabel('Where the browser lands').selectOption(appUrl);
      await Promise.all([
        page.waitForEvent('load', BOUND),
        page.getByRole('button', { name: 'Create sign-in link' }).click(),
      ]);
      await page.locator('svg[role="img"]').waitFor(BOUND);
      await page.getByRole('button', { name: 'Copy link' }).waitFor({ state: 'visible', ...BOUND });
      await shoot(page, 'sign-in-as');

      await open(page, '/studio/sessions');
      await shoot(page, 'sessions');
      await open(page, '/studio/audit');
      await shoot(page, 'audit');
      await open(page, '/studio/keys');
      await shoot(page, 'keys');
      await open(page, '/studio/instance');
      await shoot(page, 'instance');
      await context.close();
    },
    STEP,
  );

  it(
    'shoots the users list at a phone’s width',
    async () => {
      const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, isMobile: true });
      const page = await context.newPage();
      await open(page, '/studio/users');
      await shoot(page, 'users-phone');
      await context.close();
    },
    STEP,
  );

  it('wrote every screenshot, and docs/STUDIO.md shows each one', () => {
    expect(written).toEqual([
      'users',
      'user',
      'sign-in-as',
      'sessions',
      'audit',
      'keys',
      'instance',
      'users-phone',
    ]);
    const document = readFileSync(join(DOCS, 'STUDIO.md'), 'utf8');
    for (const name of written) {
      expect(statSync(join(directory, `${name}.png`)).size, name).toBeGreaterThan(1000);
      expect(document, `docs/STUDIO.md shows ${name}.png`).toContain(`](studio/${name}.png)`);
    }
  });
});
