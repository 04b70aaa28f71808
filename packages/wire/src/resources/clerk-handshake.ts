import { idSchema } from '../ids';
import { array, boolean, type Infer, jsonObject, literal, object, optional, string } from '../schema';

/**
 * The names Clerk's SDKs give the cookies and query parameters of a development instance's handshake
 * (`@clerk/backend` reads them): tessera answers as Clerk's Frontend API so that an app's own
 * `clerkMiddleware` sees a browser tessera signed in. Cookies may also carry a suffix (`<name>_<suffix>`):
 * the first 8 characters of base64url(SHA-1(publishable key)).
 */
export const CLERK_COOKIES = {
  session: '__session',
  clientUat: '__client_uat',
  devBrowser: '__clerk_db_jwt',
  refresh: '__refresh',
} as const;

/** The query parameter that brings a handshake's nonce back to the app, redeemed there once. */
export const HANDSHAKE_NONCE_PARAM = '__clerk_handshake_nonce';

/** The query parameter (and cookie) holding a development browser's token. */
export const DEV_BROWSER_PARAM = CLERK_COOKIES.devBrowser;

/** How long a handshake nonce can be redeemed. */
export const HANDSHAKE_NONCE_LIFETIME_SECONDS = 60;

/**
 * `GET /v1/client/handshake` query (Frontend API). Clerk's client adds parameters of its own
 * (`__clerk_hs_reason`, `__clerk_api_version`, `__session`, ...): the ones not named here are ignored.
 */
export const clientHandshakeQuery = object({
  redirect_url: string({ minLength: 1, maxLength: 4096 }),
  format: optional(string({ maxLength: 32 })),
  suffixed_cookies: optional(boolean()),
  [DEV_BROWSER_PARAM]: optional(string({ maxLength: 512 })),
});

/** The reply to `POST /v1/dev_browser`: Clerk's browser script keeps `id` as its dev-browser token. */
export const devBrowserObject = object({
  object: literal('dev_browser'),
  id: string(),
  client_id: idSchema('client'),
});

/** `GET /v1/clients/handshake_payload` query (Backend API). */
export const handshakePayloadQuery = object({
  nonce: string({ minLength: 1, maxLength: 512 }),
});

/** The cookies the app sets on the browser, as `Set-Cookie` values. */
export const handshakePayloadObject = object({
  object: literal('handshake_payload'),
  directives: array(string()),
});

/**
 * `POST /v1/sessions/{id}/refresh` query: whether the app uses suffixed cookie names. Taken and not
 * needed: the reply sets both names, as the handshake does.
 */
export const refreshSessionCookiesQuery = object({
  suffixed_cookies: optional(boolean()),
});

/**
 * `POST /v1/sessions/{id}/refresh` body, as Clerk's client sends it when a session cookie's JWT has
 * expired: the expired JWT and the refresh cookie. The request's origin, IP and headers are taken and
 * not used.
 */
export const refreshSessionTokenParams = object({
  format: optional(literal('token', 'cookie')),
  expired_token: string({ minLength: 1, maxLength: 16_384 }),
  refresh_token: string({ minLength: 1, maxLength: 512 }),
  request_origin: optional(string({ maxLength: 4096 })),
  request_originating_ip: optional(string({ maxLength: 256 })),
  request_headers: optional(jsonObject({ maxBytes: 65_536 })),
});

/** The reply to a refresh in the cookie format. */
export const cookiesObject = object({
  object: literal('cookies'),
  cookies: array(string()),
});

export type DevBrowserJSON = Infer<typeof devBrowserObject>;
export type HandshakePayloadJSON = Infer<typeof handshakePayloadObject>;
export type CookiesJSON = Infer<typeof cookiesObject>;
