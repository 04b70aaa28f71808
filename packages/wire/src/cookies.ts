/**
 * The cookie holding a session JWT: on an app's origin after a handoff (Path=/), and on tessera's own
 * signed-in page when a ticket lands there (Path=/v1/tickets). HttpOnly, SameSite=Lax, Secure on https.
 *
 * @example
 * ```ts
 * import { SESSION_COOKIE_NAME } from '@tessera/wire';
 *
 * const jwt = cookies.find((cookie) => cookie.name === SESSION_COOKIE_NAME)?.value;
 * ```
 */
export const SESSION_COOKIE_NAME = '__session';

/**
 * The cookie holding the refresh token of a session handed to an app's origin: only the app's
 * backend, with its secret key, can use it. HttpOnly, SameSite=Lax, Path=/, Secure on https.
 *
 * @example
 * ```ts
 * import { REFRESH_COOKIE_NAME } from '@tessera/wire';
 *
 * const signedIn = cookies.some((cookie) => cookie.name === REFRESH_COOKIE_NAME);
 * ```
 */
export const REFRESH_COOKIE_NAME = '__tessera_refresh';
