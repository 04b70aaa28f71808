import {
  type BrowserRequest,
  type BrowserSessionOptions,
  type BrowserSessionResult,
  browserSessionsFor,
  type SignOutResult,
} from './browser-session';

// The flow for web-standard `Request`s (any runtime), as the framework adapters are for theirs.

function browserRequestOf(request: Request): BrowserRequest {
  return {
    method: request.method,
    url: new URL(request.url),
    authorization: request.headers.get('authorization'),
    cookie: request.headers.get('cookie'),
    origin: request.headers.get('origin'),
    fetchSite: request.headers.get('sec-fetch-site'),
  };
}

/**
 * Who is signed in on a web-standard `Request` from a browser, carrying a tessera session onto the
 * app's own origin:
 *
 * - a GET or HEAD whose URL has `__tessera_handoff` redeems it (once, with the secret key), answers
 *   `setCookies` for `__session` (the JWT) and `__tessera_refresh` (the refresh token), both HttpOnly,
 *   SameSite=Lax, Path=/, Secure on https, for the rest of the session, and `redirectTo`: the same
 *   path and query without the parameter. A replayed, expired or unknown handoff gives a signed-out
 *   state, no cookies, and the same `redirectTo`;
 * - otherwise the JWT (`Authorization: Bearer` or the `__session` cookie) is verified; when the
 *   cookie's JWT is expired or absent and a `__tessera_refresh` cookie is present, a fresh JWT is
 *   fetched (`setCookies` renews `__session`), or both cookies are cleared once the session is no
 *   longer active. Concurrent requests with one refresh cookie share one refresh (for calls with
 *   the same configuration: options equal key by key, `fetch` and `clock` the same functions). If
 *   tessera cannot be reached for the refresh, the cookies are kept (the next request tries again)
 *   and the request is judged on its JWT alone: signed out when it has none or it is past `exp`
 *   plus the clock skew, still signed in when it is stale but within the skew.
 *
 * Without a secret key it only verifies JWTs, like `authenticateRequest`. Never throws for a bad token
 * or a failed call to tessera; only bad options throw (`ConfigurationError`). The JWT and the refresh
 * token only ever appear in `setCookies`.
 *
 * @example
 * ```ts
 * import { handleBrowserSession } from '@tessera/backend';
 *
 * export default {
 *   async fetch(request: Request) {
 *     const { auth, setCookies, redirectTo } = await handleBrowserSession(request, {
 *       secretKey: env.TESSERA_SECRET_KEY,
 *       apiUrl: env.TESSERA_API_URL,
 *     });
 *     const headers = new Headers();
 *     for (const cookie of setCookies) headers.append('Set-Cookie', cookie);
 *     if (redirectTo !== null) {
 *       headers.set('Location', redirectTo);
 *       return new Response(null, { status: 303, headers });
 *     }
 *     headers.set('Content-Type', 'text/plain');
 *     return new Response(auth.isSignedIn ? `Hello ${auth.userId}` : 'Signed out', { headers });
 *   },
 * };
 * ```
 */
export async function handleBrowserSession(
  request: Request,
  options: BrowserSessionOptions = {},
): Promise<BrowserSessionResult> {
  return browserSessionsFor(options).handle(browserRequestOf(request));
}

/**
 * Signs a browser out: ends the session of the request's JWT (`sessions.end`; when that JWT has
 * expired, the session its `__tessera_refresh` cookie is bound to) and answers the `Set-Cookie`
 * values that clear both cookies. Never throws for a bad or missing token, or when tessera cannot be
 * reached (the cookies are cleared all the same). Without a secret key it only clears the cookies.
 *
 * Only a POST from the app's own origin signs out; anything else is `refused` and changes nothing:
 * another method (answer 405 with `Allow: POST`), an `Origin` header naming another origin than the
 * request's own (scheme and `Host`, so a proxy must pass the original `Host` on), or a
 * `Sec-Fetch-Site` other than `same-origin` or `none` (`same-site` too: a sibling subdomain is
 * another app) (answer 403). A POST with neither `Origin` nor `Sec-Fetch-Site` (an old browser,
 * curl) is allowed: browsers that send cross-origin POSTs send at least one of them.
 *
 * @example
 * ```ts
 * import { signOutBrowserSession } from '@tessera/backend';
 *
 * if (url.pathname === '/sign-out') {
 *   const { setCookies, refused } = await signOutBrowserSession(request, { secretKey: env.TESSERA_SECRET_KEY });
 *   if (refused) {
 *     return Response.json({ errors: [{ code: refused.code }] }, { status: refused.status, headers: refused.headers });
 *   }
 *   const headers = new Headers({ Location: '/' });
 *   for (const cookie of setCookies) headers.append('Set-Cookie', cookie);
 *   return new Response(null, { status: 303, headers });
 * }
 * ```
 */
export async function signOutBrowserSession(
  request: Request,
  options: BrowserSessionOptions = {},
): Promise<SignOutResult> {
  return browserSessionsFor(options).signOut(browserRequestOf(request));
}
