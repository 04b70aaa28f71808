import { ConfigurationError } from '@tessera/backend';
import { createStorageState, signIn, tesseraSetup } from '@tessera/testing';
import { SESSION_COOKIE_NAME } from '@tessera/wire';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// The example app and its browser, as the other tests of these helpers use them.
import { startExample } from '../../../examples/express-app/server.js';
import { launchChromium } from '../../../examples/express-app/test/support/browser';

/** `signIn` and `createStorageState` with `organization` and `claims`; `tesseraSetup` with a seed. */
let example: Awaited<ReturnType<typeof startExample>>;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;
let acmeId: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  example = await startExample({ appPort: 0, tesseraPort: 0 });
  chromium = await launchChromium();
  browser = chromium.browser;
  // ada@example.com and grace@example.com exist; ada is acme's admin, grace is in no organization.
  await example.client.fixtures.apply({
    organizations: [
      {
        name: 'Acme Inc',
        slug: 'acme',
        public_metadata: { plan: 'pro' },
        members: [{ user: 'ada@example.com', role: 'org:admin' }],
      },
    ],
  });
  acmeId = (await example.client.organizations.getBySlug('acme')).id;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await example?.close();
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

const connection = () => ({ apiUrl: example.tessera.url, secretKey: example.tessera.secretKey });

async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

/** The claims of a JWT, read without checking its signature (the SDK's tests check that). */
function claimsOf(jwt: string): Record<string, unknown> & { o?: Record<string, unknown> } {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

/** The session JWT the app holds in its cookie, as its middleware reads it on every request. */
async function appJwtClaims(page: Page) {
  const cookies = await page.context().cookies(example.appUrl);
  const session = cookies.find((cookie) => cookie.name === SESSION_COOKIE_NAME);
  expect(session, 'the app holds a session cookie').toBeDefined();
  return claimsOf(session?.value ?? '');
}

describe('signIn with organization and claims', () => {
  it('starts the session in the organization named by its slug, with the token’s claims in the JWT', async () => {
    const page = await newPage();
    const session = await signIn(
      page,
      { email: 'ada@example.com' },
      {
        redirectUrl: `${example.appUrl}/`,
        organization: 'acme',
        claims: { plan: '{{org.public_metadata.plan}}', beta: true },
        ...connection(),
      },
    );
    expect(session.status).toBe('active');
    const claims = await appJwtClaims(page);
    expect(claims.sub).toBe(session.userId);
    expect(claims.o).toMatchObject({ id: acmeId, slg: 'acme', rol: 'admin' });
    expect(claims).toMatchObject({ plan: 'pro', beta: true });
  });

  it('takes the organization’s id as well, and an organization alone', async () => {
    const page = await newPage();
    await signIn(
      page,
      { email: 'ada@example.com' },
      { redirectUrl: `${example.appUrl}/`, organization: acmeId, ...connection() },
    );
    const claims = await appJwtClaims(page);
    expect(claims.o).toMatchObject({ id: acmeId });
    expect(claims).not.toHaveProperty('beta');
  });

  it('gives an actor token the organization too', async () => {
    const page = await newPage();
    const session = await signIn(
      page,
      { email: 'ada@example.com' },
      {
        redirectUrl: `${example.appUrl}/`,
        organization: 'acme',
        actor: { sub: 'support_42' },
        ...connection(),
      },
    );
    expect(session.actor).toEqual({ sub: 'support_42' });
    expect((await appJwtClaims(page)).o).toMatchObject({ id: acmeId });
  });

  it('refuses claims with an agent or an actor before any request', async () => {
    const page = await newPage();
    const refused = await signIn(
      page,
      { email: 'ada@example.com' },
      // @ts-expect-error: claims are for test session tokens only, and the type says so.
      { redirectUrl: `${example.appUrl}/`, actor: { sub: 'support_42' }, claims: { a: 1 }, ...connection() },
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConfigurationError);
    expect(refused).toMatchObject({ option: 'claims' });
    expect(page.url()).toBe('about:blank');
  });

  it('says clearly when the slug names no organization, or the user is not a member', async () => {
    const page = await newPage();
    await expect(
      signIn(
        page,
        { email: 'ada@example.com' },
        { redirectUrl: `${example.appUrl}/`, organization: 'initech', ...connection() },
      ),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ code: 'resource_not_found' })] });
    await expect(
      signIn(
        page,
        { email: 'grace@example.com' },
        { redirectUrl: `${example.appUrl}/`, organization: 'acme', ...connection() },
      ),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ code: 'not_a_member_in_organization' })] });
  });

  it('createStorageState takes organization and claims too', async () => {
    const state = await createStorageState({
      email: 'ada@example.com',
      baseURL: example.appUrl,
      organization: 'acme',
      claims: { seat: 7 },
      ...connection(),
    });
    const jwt = state.cookies.find((cookie) => cookie.name === SESSION_COOKIE_NAME)?.value ?? '';
    expect(claimsOf(jwt)).toMatchObject({ o: { id: acmeId }, seat: 7 });
  });
});

describe('tesseraSetup with seed and sessionClaims', () => {
  const saved = { url: process.env.TESSERA_API_URL, key: process.env.TESSERA_SECRET_KEY };

  afterEach(() => {
    for (const [name, value] of [
      ['TESSERA_API_URL', saved.url],
      ['TESSERA_SECRET_KEY', saved.key],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('applies them to the tessera it starts, and to a configured one', async () => {
    delete process.env.TESSERA_API_URL;
    delete process.env.TESSERA_SECRET_KEY;
    const teardown = await tesseraSetup({
      seed: { users: [{ id: 'user_lin', email_address: ['lin@example.com'] }] },
      sessionClaims: { tier: 'gold' },
    });
    try {
      const { createBackendApiClient } = await import('@tessera/backend');
      const client = createBackendApiClient({
        apiUrl: process.env.TESSERA_API_URL,
        secretKey: process.env.TESSERA_SECRET_KEY ?? '',
      });
      const token = await client.testSessionTokens.create({ identifier: 'lin@example.com' });
      const { jwt } = await client.testSessionTokens.accept(token.token ?? '');
      expect(claimsOf(jwt)).toMatchObject({ sub: 'user_lin', tier: 'gold' });

      // Configured: the same call applies the seed through the API, and again changes nothing.
      const reuse = await tesseraSetup({
        seed: {
          users: [
            { id: 'user_lin', email_address: ['lin@example.com'] },
            { email_address: ['max@example.com'] },
          ],
        },
      });
      await reuse();
      await tesseraSetup({ seed: { users: [{ email_address: ['max@example.com'] }] } });
      const users = await client.users.list({ emailAddress: ['max@example.com', 'lin@example.com'] });
      expect(users.data).toHaveLength(2);
    } finally {
      await teardown();
    }
  });
});
