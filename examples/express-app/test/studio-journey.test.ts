import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RunningTessera } from '@tessera/server';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser';
import { backendApi, eventually, startStudioWithExampleApp } from './support/studio';

// A person's path through every Studio feature, in Chromium, against a real tessera and the example
// app beside it. The steps run in order and share what they made (the user, the session, the token).

const JWT_LIFETIME_SECONDS = 3;
const EMAIL = 'journey@example.com';
const BOUND = { timeout: 30_000 };
/** Each step's bound: generous, for a busy machine. */
const STEP = 90_000;

let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
let running: Awaited<ReturnType<typeof startStudioWithExampleApp>>;
let tessera: RunningTessera;
let appUrl: string;
let api: ReturnType<typeof backendApi>;
let studio: BrowserContext;
let page: Page;
let visitor: BrowserContext;
let visitorPage: Page;

/** What the journey made, for the later steps. */
const made = { userId: '', tokenId: '', sessionId: '' };

interface UserJSON {
  id: string;
  first_name: string | null;
  last_name: string | null;
  banned: boolean;
  public_metadata: Record<string, unknown>;
}

beforeAll(async () => {
  running = await startStudioWithExampleApp({ sessionTokenLifetimeSeconds: JWT_LIFETIME_SECONDS });
  ({ tessera, appUrl } = running);
  api = backendApi(tessera);
  // Others, so that the search and the filters have something to leave out.
  await api.post('/v1/users', { email_address: ['bystander@example.com'], first_name: 'Bystander' });
  chromium = await launchChromium();
  browser = chromium.browser;
  studio = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await studio.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: tessera.url });
  page = await studio.newPage();
  visitor = await browser.newContext();
  visitorPage = await visitor.newPage();
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await running?.close();
});

const heading = (target: Page = page) => target.locator('h1');
const notice = () => page.locator('main .notice');
const nav = (name: string) => page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name });
/** The table row that contains a text. */
const rowWith = (text: string): Locator => page.locator('tbody tr').filter({ hasText: text });
const userOf = (id: string) => api.get<UserJSON>(`/v1/users/${id}`);

/** Clicks something that loads a new page, and waits for that page. */
async function clickAndLoad(target: Locator) {
  await Promise.all([page.waitForEvent('load', BOUND), target.click()]);
}

describe('a person’s path through Studio', () => {
  it(
    'opens tessera’s root on the users list',
    async () => {
      await page.goto(`${tessera.url}/`);
      expect(new URL(page.url()).pathname).toBe('/studio/users');
      await expect(heading().textContent()).resolves.toBe('Users');
      await expect(nav('Users').getAttribute('aria-current')).resolves.toBe('page');
    },
    STEP,
  );

  it(
    'creates a user with the form, finds them by a search and opens their page',
    async () => {
      await clickAndLoad(page.getByRole('link', { name: 'Create user' }));
      await expect(heading().textContent()).resolves.toBe('Create user');
      await page.getByLabel('Email address').fill(EMAIL);
      await page.getByLabel('First name').fill('Jo');
      await page.getByLabel('Last name').fill('Urney');
      await Promise.all([
        page.waitForURL(/\/studio\/users\/user_[^/?]+\?notice=created$/, BOUND),
        page.getByRole('button', { name: 'Create user' }).click(),
      ]);
      made.userId = new URL(page.url()).pathname.split('/').at(-1)!;
      await expect(notice().textContent()).resolves.toContain('created');
      expect(await userOf(made.userId)).toMatchObject({ first_name: 'Jo', last_name: 'Urney' });

      await clickAndLoad(nav('Users'));
      await page.getByLabel('Search users').fill('journey');
      await Promise.all([
        page.waitForURL(/query=journey/, BOUND),
        page.getByRole('button', { name: 'Search' }).click(),
      ]);
      await expect(rowWith(EMAIL).count()).resolves.toBe(1);
      await expect(rowWith('bystander@example.com').count()).resolves.toBe(0);
      await clickAndLoad(rowWith(EMAIL).getByRole('link', { name: EMAIL }));
      expect(new URL(page.url()).pathname).toBe(`/studio/users/${made.userId}`);
      await expect(heading().textContent()).resolves.toBe(EMAIL);
      await expect(page.locator('main').textContent()).resolves.toContain(made.userId);
    },
    STEP,
  );

  it(
    'edits names and metadata, and refuses metadata that is not JSON, saving nothing',
    async () => {
      await clickAndLoad(page.getByRole('link', { name: 'Edit' }));
      await page.getByLabel('First name').fill('Joanna');
      await page.getByLabel('Last name').fill('Urney-Smith');
      await page.getByLabel('Public metadata').fill('{"plan": "pro", "seats": 3}');
      await Promise.all([
        page.waitForURL(/notice=updated/, BOUND),
        page.getByRole('button', { name: 'Save' }).click(),
      ]);
      await expect(notice().textContent()).resolves.toContain('saved');
      await expect(page.locator('main').textContent()).resolves.toContain('Joanna');
      expect(await userOf(made.userId)).toMatchObject({
        first_name: 'Joanna',
        last_name: 'Urney-Smith',
        public_metadata: { plan: 'pro', seats: 3 },
      });

      await clickAndLoad(page.getByRole('link', { name: 'Edit' }));
      await page.getByLabel('First name').fill('Not saved');
      await page.getByLabel('Public metadata').fill('{"plan": ');
      const [refused] = await Promise.all([
        page.waitForResponse((response) => response.request().method() === 'POST'),
        page.getByRole('button', { name: 'Save' }).click(),
      ]);
      expect(refused.status()).toBe(422);
      await page.waitForLoadState('load');
      const field = page.getByLabel('Public metadata');
      await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
      const error = page.locator('#public_metadata-error');
      await expect(error.isVisible()).resolves.toBe(true);
      await expect(error.textContent()).resolves.toMatch(/JSON/);
      // What was typed comes back, to be corrected.
      await expect(field.inputValue()).resolves.toBe('{"plan": ');
      expect(await userOf(made.userId)).toMatchObject({
        first_name: 'Joanna',
        public_metadata: { plan: 'pro', seats: 3 },
      });
      await clickAndLoad(page.getByRole('link', { name: 'Cancel' }));
    },
    STEP,
  );

  it(
    'bans and unbans the user',
    async () => {
      await Promise.all([
        page.waitForURL(/notice=banned/, BOUND),
        page.getByRole('button', { name: 'Ban', exact: true }).click(),
      ]);
      await expect(page.locator('main .badge', { hasText: 'banned' }).count()).resolves.toBeGreaterThan(0);
      expect((await userOf(made.userId)).banned).toBe(true);
      await Promise.all([
        page.waitForURL(/notice=unbanned/, BOUND),
        page.getByRole('button', { name: 'Unban', exact: true }).click(),
      ]);
      await expect(page.locator('main .badge', { hasText: 'banned' }).count()).resolves.toBe(0);
      expect((await userOf(made.userId)).banned).toBe(false);
    },
    STEP,
  );

  it(
    'signs in as the user: a link to copy, a QR code and a new-window link to the example app',
    async () => {
      await clickAndLoad(page.getByRole('link', { name: 'Sign in as this user' }));
      await expect(heading().textContent()).resolves.toBe(`Sign in as ${EMAIL}`);
      await page.getByLabel('Where the browser lands').selectOption(appUrl);
      await Promise.all([
        page.waitForResponse((response) => response.request().method() === 'POST'),
        page.getByRole('button', { name: 'Create sign-in link' }).click(),
      ]);
      await page.waitForLoadState('load');
      const link = (await page.locator('#sign-in-link').textContent())!.trim();
      expect(link.startsWith(`${tessera.url}/`)).toBe(true);
      const open = page.getByRole('link', { name: 'Open in a new window' });
      await expect(open.getAttribute('href')).resolves.toBe(link);
      await expect(open.getAttribute('target')).resolves.toBe('_blank');
      const qr = page.locator('svg[role="img"]');
      await expect(qr.count()).resolves.toBe(1);
      await expect(qr.getAttribute('aria-label')).resolves.toMatch(/QR/);
      await expect(qr.locator('path, rect').count()).resolves.toBeGreaterThan(0);
      const status = page.locator('[data-live-status]');
      await expect(status.textContent()).resolves.toBe('pending');

      // The copy button (shown by Studio's script) puts the link on the clipboard.
      const copy = page.locator('button[data-copy="#sign-in-link"]');
      await page.getByRole('button', { name: 'Copy link' }).waitFor({ state: 'visible', ...BOUND });
      await copy.click();
      await eventually(async () => (await copy.textContent()) === 'Copied', { what: 'Copied' });
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

      const tokens = await api.get<{ id: string; redirect_url: string; status: string }[]>(
        `/v1/test_session_tokens?user_id=${made.userId}`,
      );
      expect(tokens).toHaveLength(1);
      expect(tokens[0]!.redirect_url.startsWith(appUrl)).toBe(true);
      made.tokenId = tokens[0]!.id;

      // A second browser opens the link: signed in on the example app as the user.
      await visitorPage.goto(link);
      await visitorPage.waitForURL(`${appUrl}/`, BOUND);
      await expect(heading(visitorPage).textContent()).resolves.toBe(`Signed in as ${EMAIL}`);
      const me = (await (await visitorPage.request.get(`${appUrl}/api/me`)).json()) as { sessionId: string };
      made.sessionId = me.sessionId;

      // Back in Studio, the badge turns accepted by itself, without a reload.
      let navigations = 0;
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) navigations += 1;
      });
      await page.locator('[data-live-status]', { hasText: 'accepted' }).waitFor(BOUND);
      await expect(status.getAttribute('class')).resolves.toContain('accepted');
      expect(navigations).toBe(0);
    },
    STEP,
  );

  it(
    'shows the session on the sessions page and revokes it; the example app signs the visitor out',
    async () => {
      await clickAndLoad(nav('Sessions'));
      const row = rowWith(made.sessionId);
      await expect(row.count()).resolves.toBe(1);
      await expect(row.textContent()).resolves.toContain(EMAIL);
      await expect(row.locator('.badge').textContent()).resolves.toBe('active');
      await Promise.all([
        page.waitForURL(/notice=revoked/, BOUND),
        row.getByRole('button', { name: /Revoke/ }).click(),
      ]);
      await expect(notice().textContent()).resolves.toContain('revoked');
      await expect(rowWith(made.sessionId).locator('.badge').textContent()).resolves.toBe('revoked');
      await expect(
        rowWith(made.sessionId)
          .getByRole('button', { name: /Revoke/ })
          .count(),
      ).resolves.toBe(0);
      expect((await api.get<{ status: string }>(`/v1/sessions/${made.sessionId}`)).status).toBe('revoked');

      // Within one JWT lifetime the app no longer lets the visitor in (polled, bounded by tries).
      await eventually(
        async () => {
          const response = await visitorPage.goto(`${appUrl}/protected`);
          return response?.status() === 401;
        },
        { tries: 40, intervalMs: 500, what: 'the visitor signed out' },
      );
      await expect(heading(visitorPage).textContent()).resolves.toBe('Signed out');
    },
    STEP,
  );

  it(
    'shows every event in the audit log, Studio’s own actions by the actor studio',
    async () => {
      await clickAndLoad(nav('Audit log'));
      await page.getByLabel('User id').fill(made.userId);
      await Promise.all([
        page.waitForURL(/user_id=/, BOUND),
        page.getByRole('button', { name: 'Filter' }).click(),
      ]);
      const rows = await page
        .locator('tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())),
        );
      const actorOf = (type: string) => rows.filter((cells) => cells[1] === type).map((cells) => cells[2]);
      expect(actorOf('user.created')).toEqual(['studio']);
      expect(actorOf('user.updated')).toEqual(['studio']);
      expect(actorOf('user.banned')).toEqual(['studio']);
      expect(actorOf('user.unbanned')).toEqual(['studio']);
      expect(actorOf('ticket.issued')).toEqual(['studio']);
      expect(actorOf('session.revoked')).toEqual(['studio']);
      expect(actorOf('ticket.accepted')).toHaveLength(1);
      expect(actorOf('ticket.accepted')[0]).not.toMatch(/^studio/);
      expect(actorOf('session.started')).toHaveLength(1);
      expect(actorOf('session.started')[0]).not.toMatch(/^studio/);
      // Every row is this user's.
      expect(rows.every((cells) => cells[3] === made.userId)).toBe(true);

      // Filtered by type, through the form.
      await page.getByLabel('Type').selectOption('session.revoked');
      await clickAndLoad(page.getByRole('button', { name: 'Filter' }));
      await expect(page.locator('tbody tr').count()).resolves.toBe(1);
      await expect(rowWith('session.revoked').count()).resolves.toBe(1);
    },
    STEP,
  );

  it(
    'adds new events to the audit log as they happen, without a reload',
    async () => {
      await page.goto(`${tessera.url}/studio/audit`);
      const before = await page.locator('tbody tr').count();
      let navigations = 0;
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) navigations += 1;
      });
      const created = await api.post<{ id: string }>('/v1/users', { email_address: ['live@example.com'] });
      await page.locator('tbody tr', { hasText: created.id }).first().waitFor(BOUND);
      const first = await page.locator('tbody tr').first().textContent();
      expect(first).toContain('user.created');
      expect(first).toContain(created.id);
      expect(await page.locator('tbody tr').count()).toBe(before + 1);
      // Later polls (the next event's arrival proves one happened) add no copy of an event shown.
      const next = await api.post<{ id: string }>('/v1/users', { email_address: ['next@example.com'] });
      await page.locator('tbody tr', { hasText: next.id }).first().waitFor(BOUND);
      await expect(page.locator('tbody tr', { hasText: created.id }).count()).resolves.toBe(1);
      expect(await page.locator('tbody tr').count()).toBe(before + 2);

      // A filtered log that starts empty loses its "no event" line when the first one arrives.
      await page.goto(`${tessera.url}/studio/audit?type=user.locked`);
      await expect(page.locator('tbody tr').count()).resolves.toBe(1);
      await expect(page.locator('tbody').textContent()).resolves.toContain('No event');
      await api.post(`/v1/users/${next.id}/lock`);
      await page.locator('tbody tr', { hasText: 'user.locked' }).waitFor(BOUND);
      await expect(page.locator('tbody tr').count()).resolves.toBe(1);
      expect(navigations).toBe(1);
    },
    STEP,
  );

  it(
    'lists tokens with filters and revokes a pending one',
    async () => {
      const pending = await api.post<{ id: string }>('/v1/test_session_tokens', { user_id: made.userId });
      const other = await api.post<{ id: string }>('/v1/users', { email_address: ['tokens@example.com'] });
      const othersToken = await api.post<{ id: string }>('/v1/test_session_tokens', { user_id: other.id });
      await clickAndLoad(nav('Tokens'));
      await expect(rowWith(pending.id).count()).resolves.toBe(1);
      await expect(rowWith(made.tokenId).count()).resolves.toBe(1);
      await expect(rowWith(othersToken.id).count()).resolves.toBe(1);

      // Status filter: only pending ones.
      await page.getByLabel('Status').selectOption('pending');
      await clickAndLoad(page.getByRole('button', { name: 'Show' }));
      await expect(rowWith(pending.id).count()).resolves.toBe(1);
      await expect(rowWith(made.tokenId).count()).resolves.toBe(0);
      const statuses = await page.locator('tbody .badge').allTextContents();
      expect(statuses.length).toBeGreaterThan(0);
      expect(new Set(statuses)).toEqual(new Set(['pending']));

      // User filter: only this user's.
      await page.getByLabel('User id').fill(made.userId);
      await clickAndLoad(page.getByRole('button', { name: 'Show' }));
      await expect(rowWith(pending.id).count()).resolves.toBe(1);
      await expect(rowWith(othersToken.id).count()).resolves.toBe(0);

      await Promise.all([
        page.waitForURL(/notice=revoked/, BOUND),
        rowWith(pending.id)
          .getByRole('button', { name: /Revoke/ })
          .click(),
      ]);
      await expect(notice().textContent()).resolves.toContain('revoked');
      // The list keeps its filters: the revoked token has left the pending list.
      expect(new URL(page.url()).searchParams.get('status')).toBe('pending');
      await expect(rowWith(pending.id).count()).resolves.toBe(0);
      expect((await api.get<{ status: string }>(`/v1/test_session_tokens/${pending.id}`)).status).toBe(
        'revoked',
      );

      await page.getByLabel('Status').selectOption('accepted');
      await clickAndLoad(page.getByRole('button', { name: 'Show' }));
      await expect(rowWith(made.tokenId).count()).resolves.toBe(1);
      await expect(rowWith(made.tokenId).locator('.badge').textContent()).resolves.toBe('accepted');
    },
    STEP,
  );

  it(
    'shows the keys (JWKS and a PEM) and rotates them through a confirmation page',
    async () => {
      const before = (await api.get<{ keys: { kid: string }[] }>('/v1/jwks')).keys[0]!.kid;
      await clickAndLoad(nav('Keys'));
      const jwks = JSON.parse((await page.locator('#jwks').textContent())!) as { keys: { kid: string }[] };
      expect(jwks.keys[0]!.kid).toBe(before);
      const pems = await page.locator('pre', { hasText: '-----BEGIN PUBLIC KEY-----' }).allTextContents();
      expect(pems.length).toBeGreaterThan(0);
      expect(pems[0]).toMatch(/-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----/);
      // The current key's PEM is one click from the clipboard, and it is the key that verifies.
      await page.getByRole('button', { name: 'Copy PEM' }).first().click();
      await eventually(
        async () => (await page.evaluate(() => navigator.clipboard.readText())).includes('BEGIN'),
        {
          what: 'the PEM on the clipboard',
        },
      );
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(pems[0]!.trim());
      const jwk = (await api.get<{ keys: JsonWebKey[] }>('/v1/jwks')).keys[0]!;
      expect(createPublicKey(copied).export({ format: 'jwk' }).n).toBe(jwk.n);

      await clickAndLoad(page.getByRole('link', { name: /Rotate keys/ }));
      expect(new URL(page.url()).pathname).toBe('/studio/keys/rotate');
      await expect(heading().textContent()).resolves.toBe('Rotate keys');
      // The confirmation page itself changes nothing.
      expect((await api.get<{ keys: { kid: string }[] }>('/v1/jwks')).keys[0]!.kid).toBe(before);
      await Promise.all([
        page.waitForURL(/\/studio\/keys\?notice=rotated$/, BOUND),
        page.getByRole('button', { name: 'Rotate keys' }).click(),
      ]);
      const after = (await api.get<{ keys: { kid: string }[] }>('/v1/jwks')).keys;
      expect(after[0]!.kid).not.toBe(before);
      expect(after.map((key) => key.kid)).toContain(before);
      await expect(notice().textContent()).resolves.toContain(after[0]!.kid);
      const shown = JSON.parse((await page.locator('#jwks').textContent())!) as { keys: { kid: string }[] };
      expect(shown.keys[0]!.kid).toBe(after[0]!.kid);
    },
    STEP,
  );

  it(
    'shows the instance: environment, public URL, allowed origins and versions',
    async () => {
      await clickAndLoad(nav('Instance'));
      const text = (await page.locator('main').textContent())!;
      expect(text).toContain('development');
      expect(text).toContain(tessera.publicUrl);
      expect(text).toContain(appUrl);
      expect(text).toContain(tessera.instanceId);
      expect(text).toContain(process.versions.node);
      const { version } = JSON.parse(
        readFileSync(new URL('../../../packages/server/package.json', import.meta.url), 'utf8'),
      ) as { version: string };
      expect(text).toContain(version);
      expect(text).toContain(`${JWT_LIFETIME_SECONDS} seconds`);
    },
    STEP,
  );

  it(
    'deletes the user through the confirmation page',
    async () => {
      await page.goto(`${tessera.url}/studio/users/${made.userId}`);
      await clickAndLoad(page.getByRole('link', { name: /Delete/ }));
      expect(new URL(page.url()).pathname).toBe(`/studio/users/${made.userId}/delete`);
      await expect(heading().textContent()).resolves.toBe('Delete user');
      // Nothing is deleted by the confirmation page.
      expect((await userOf(made.userId)).id).toBe(made.userId);
      await Promise.all([
        page.waitForURL(/\/studio\/users\?notice=deleted$/, BOUND),
        page.getByRole('button', { name: /^Delete / }).click(),
      ]);
      await expect(notice().textContent()).resolves.toContain('deleted');
      await expect(rowWith(EMAIL).count()).resolves.toBe(0);
      await expect(userOf(made.userId)).rejects.toThrow(/404/);
      const events = await api.get<{ type: string; actor: { type: string } }[]>(
        `/v1/audit_events?user_id=${made.userId}&type=user.deleted`,
      );
      expect(events.map((event) => event.actor.type)).toEqual(['studio']);
    },
    STEP,
  );
});
