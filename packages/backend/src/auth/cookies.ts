import { REFRESH_COOKIE_NAME, SESSION_COOKIE_NAME } from '@tessera/wire';

/**
 * The app's cookie holding the session JWT (as on tessera's own origin). HttpOnly, SameSite=Lax,
 * Path=/, Secure on https.
 *
 * @example
 * ```ts
 * import { SESSION_COOKIE } from '@tessera/backend';
 *
 * await page.context().cookies().then((cookies) => cookies.find((c) => c.name === SESSION_COOKIE));
 * ```
 */
export const SESSION_COOKIE = SESSION_COOKIE_NAME;

/**
 * The app's cookie holding the refresh token of a session handed to the app's origin. HttpOnly,
 * SameSite=Lax, Path=/, Secure on https; only the app's backend, with its secret key, can use it.
 *
 * @example
 * ```ts
 * import { REFRESH_COOKIE } from '@tessera/backend';
 *
 * const signedIn = (await context.cookies()).some((cookie) => cookie.name === REFRESH_COOKIE);
 * ```
 */
export const REFRESH_COOKIE = REFRESH_COOKIE_NAME;

/** The first non-empty value of cookie `name` in a `Cookie` header, or null. */
export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator === -1 || pair.slice(0, separator).trim() !== name) continue;
    const value = pair.slice(separator + 1).trim();
    if (value !== '') return value;
  }
  return null;
}

/**
 * A `Set-Cookie` value for one of the app's session cookies: HttpOnly, SameSite=Lax, Path=/, and
 * Secure when the app is served over https. `maxAgeSeconds` 0 deletes the cookie.
 */
export function sessionCookieHeader(
  name: string,
  value: string,
  maxAgeSeconds: number,
  secure: boolean,
): string {
  const maxAge = Math.max(0, Math.floor(maxAgeSeconds));
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}

/** `Set-Cookie` values deleting both of the app's session cookies. */
export function clearSessionCookies(secure: boolean): string[] {
  return [
    sessionCookieHeader(SESSION_COOKIE, '', 0, secure),
    sessionCookieHeader(REFRESH_COOKIE, '', 0, secure),
  ];
}

/**
 * The `Cookie` header the browser will send once it has applied `setCookies`: set cookies replaced
 * or added, deleted ones (Max-Age=0) removed.
 */
export function cookieHeaderAfter(header: string | null | undefined, setCookies: readonly string[]): string {
  const cookies = new Map<string, string>();
  for (const pair of (header ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0) cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1).trim());
  }
  for (const setCookie of setCookies) {
    const [pair = '', ...attributes] = setCookie.split(';');
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator).trim();
    if (attributes.some((attribute) => attribute.trim().toLowerCase() === 'max-age=0')) cookies.delete(name);
    else cookies.set(name, pair.slice(separator + 1).trim());
  }
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}
