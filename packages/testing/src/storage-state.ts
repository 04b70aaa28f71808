import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SESSION_COOKIE_NAME } from '@tessera/wire';
import { type ConnectionOptions, clientFor } from './connection';
import { SignInError } from './errors';
import { organizationIdOf, type SignInOrganization } from './organization';
import type { SignInClaims } from './sign-in';
import { BROWSER_ACCEPT_PATH } from './tickets';
import { type SignInAs, userTarget } from './who';

/**
 * A cookie as Playwright's `storageState` holds it.
 *
 * @example
 * ```ts
 * const { cookies } = await createStorageState({ email: 'ada@example.com', baseURL: 'http://localhost:3000' });
 * const session: StorageStateCookie | undefined = cookies.find((cookie) => cookie.name === '__session');
 * ```
 */
export interface StorageStateCookie {
  readonly name: string;
  readonly value: string;
  readonly domain: string;
  readonly path: string;
  readonly expires: number;
  readonly httpOnly: boolean;
  readonly secure: boolean;
  readonly sameSite: 'Strict' | 'Lax' | 'None';
}

/**
 * Playwright's `storageState` shape: load it with `test.use({ storageState })` or
 * `browser.newContext({ storageState })`.
 *
 * @example
 * ```ts
 * const state: StorageState = await createStorageState({ email: 'ada@example.com', baseURL: 'http://localhost:3000' });
 * const context = await browser.newContext({ storageState: state });
 * ```
 */
export interface StorageState {
  readonly cookies: StorageStateCookie[];
  readonly origins: { readonly origin: string; readonly localStorage: { name: string; value: string }[] }[];
}

/**
 * Options of {@link createStorageState}: who (`email` or `userId`), the app, an optional file, the
 * organization the session starts in and its custom claims, and where tessera is.
 *
 * @example
 * ```ts
 * const options: CreateStorageStateOptions = {
 *   email: 'ada@example.com',
 *   baseURL: 'http://localhost:3000',
 *   path: '.auth/ada.json',
 *   organization: 'acme',
 * };
 * ```
 */
export type CreateStorageStateOptions = SignInAs &
  ConnectionOptions & {
    /** The app's URL; the session lands here (default path `/`). */
    readonly baseURL: string;
    /** Write the state to this file as well (Playwright's `storageState: path` form). */
    readonly path?: string;
    /** The organization the session starts in, by id or slug; the user must be a member. */
    readonly organization?: SignInOrganization | undefined;
    /** Custom claims in this session's JWTs, over the instance's session token template. */
    readonly claims?: SignInClaims | undefined;
  };

function parseSetCookie(header: string, url: URL, now: number): StorageStateCookie {
  const [pair = '', ...attributes] = header.split(';');
  const separator = pair.indexOf('=');
  const cookie = {
    name: pair.slice(0, separator).trim(),
    value: pair.slice(separator + 1).trim(),
    domain: url.hostname,
    path: '/',
    expires: -1,
    httpOnly: false,
    secure: false,
    sameSite: 'Lax' as StorageStateCookie['sameSite'],
  };
  for (const attribute of attributes) {
    const [rawKey = '', ...rest] = attribute.trim().split('=');
    const key = rawKey.toLowerCase();
    const value = rest.join('=');
    if (key === 'path') cookie.path = value || '/';
    else if (key === 'max-age') cookie.expires = Math.floor(now / 1000) + Number(value);
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'samesite')
      cookie.sameSite = (value[0]?.toUpperCase() +
        value.slice(1).toLowerCase()) as StorageStateCookie['sameSite'];
  }
  return cookie;
}

/**
 * Signs in without a browser and returns the app's cookies as a Playwright storage state: the
 * "authenticate once, reuse in every test" pattern, with no login page and no rate limit.
 *
 * @example
 * ```ts
 * // global-setup.ts
 * import { createStorageState } from '@tessera/testing';
 *
 * export default async function globalSetup() {
 *   await createStorageState({ email: 'ada@example.com', baseURL: 'http://localhost:3000', path: '.auth/ada.json' });
 * }
 * // playwright.config.ts: use: { storageState: '.auth/ada.json' }
 * ```
 */
export async function createStorageState(options: CreateStorageStateOptions): Promise<StorageState> {
  const client = clientFor(options);
  const appUrl = new URL(options.baseURL);
  const token = await client.testSessionTokens.create({
    ...userTarget(options),
    redirectUrl: appUrl.href,
    ...(options.organization !== undefined && {
      organizationId: await organizationIdOf(client, options.organization),
    }),
    ...(options.claims && { claims: { ...options.claims } }),
  });

  // The ticket URL's page POSTs the ticket (a GET never accepts it): send that POST as the page would.
  // tessera answers 303 to the app with a one-time handoff; the app redeems it and sets its cookies.
  const ticketUrl = new URL(token.url);
  const accepted = await fetch(new URL(BROWSER_ACCEPT_PATH, ticketUrl.origin), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ticketUrl.origin },
    body: new URLSearchParams({ ticket: token.token }),
  });
  const handoffUrl = accepted.headers.get('location');
  if (accepted.status !== 303 || !handoffUrl) {
    throw new SignInError(
      'ticket_refused',
      `tessera refused the test session token ${token.id} (HTTP ${accepted.status}).`,
      token.id,
    );
  }
  const landed = await fetch(handoffUrl, { redirect: 'manual' });
  const now = Date.now();
  const cookies = landed.headers.getSetCookie().map((header) => parseSetCookie(header, appUrl, now));
  if (!cookies.some((cookie) => cookie.name === SESSION_COOKIE_NAME && cookie.value !== '')) {
    throw new SignInError(
      'session_not_taken',
      `the app at ${appUrl.origin} set no session cookie (HTTP ${landed.status}). Is its tessera middleware (withAuth) configured with the secret key?`,
      token.id,
    );
  }
  const state: StorageState = { cookies, origins: [] };
  if (options.path) {
    await mkdir(dirname(options.path), { recursive: true });
    // It holds the refresh token: readable by its owner only (and keep the folder out of git).
    await writeFile(options.path, JSON.stringify(state, null, 2), { mode: 0o600 });
  }
  return state;
}
