import { ERROR_CODES } from '@tessera/wire';
// The types by their file: `next` has no `exports` map, and under NodeNext resolution a declaration
// that imports 'next/server' finds nothing. The value is imported as Next's bundlers alias it.
import { NextResponse } from 'next/server';
import type { NextFetchEvent, NextRequest } from 'next/server.js';
import { redirectHeaders, UNAUTHORIZED_HEADERS, unauthorizedBody } from '../../auth/adapter-support';
import { type AuthenticateRequestOptions, sessionTokenFrom } from '../../auth/authenticate-request';
import { cookieHeaderAfter } from '../../auth/cookies';
import { browserSessionsFor } from '../../browser/browser-session';
import { adapterRequestOfWebRequest } from '../runner';
import {
  type NextAuth,
  nextAuthOf,
  type ProtectCheck,
  type ProtectOptions,
  protectOutcome,
  type SignedInNextAuth,
} from './auth-state';
import { checkableAtStartup } from './startup';
import { AUTH_HEADER, verdictHeader } from './verdict';

/**
 * The handler's `auth`: `await auth()` is the request's auth state; `await auth.protect(...)`
 * returns it when allowed, else ends the request (401, or 404 when signed in but not allowed, or a
 * redirect to `unauthenticatedUrl` / `unauthorizedUrl`), with any renewed cookies.
 *
 * @example
 * ```ts
 * export default tesseraMiddleware(async (auth: MiddlewareAuth, request) => {
 *   if (isAdminRoute(request)) await auth.protect({ role: 'org:admin' });
 * });
 * ```
 */
export interface MiddlewareAuth {
  (): Promise<NextAuth>;
  protect(check?: ProtectCheck, options?: ProtectOptions): Promise<SignedInNextAuth>;
}

/**
 * Your code in the middleware: runs after the browser session is handled (handoff redeemed, JWT
 * renewed), with `auth`. Return nothing to go on to the page, or a `Response` (a `NextResponse`
 * redirect, rewrite, `next()` or any reply); the session cookies are added to it either way.
 *
 * @example
 * ```ts
 * const handler: TesseraMiddlewareHandler = async (auth, request) => {
 *   if (request.nextUrl.pathname.startsWith('/admin')) await auth.protect({ role: 'org:admin' });
 * };
 * ```
 */
export type TesseraMiddlewareHandler = (
  auth: MiddlewareAuth,
  request: NextRequest,
  event: NextFetchEvent,
) => HandlerResult | Promise<HandlerResult>;

/** What a handler may return: nothing (`async () => {}`, the usual one) or a response. */
// biome-ignore lint/suspicious/noConfusingVoidType: a function returning nothing returns void, not undefined
type HandlerResult = Response | undefined | void;

/**
 * Options of `tesseraMiddleware()`: those of `withAuth()` in the other adapters, or a function of
 * the request returning them. Without a key source, `TESSERA_JWT_KEY` or `TESSERA_SECRET_KEY` (with
 * `TESSERA_API_URL`) is read from the environment.
 *
 * @example
 * ```ts
 * const options: TesseraMiddlewareOptions = { authorizedParties: ['https://app.example.com'] };
 * ```
 */
export type TesseraMiddlewareOptions =
  | AuthenticateRequestOptions
  | ((request: NextRequest) => AuthenticateRequestOptions);

/**
 * The function to export from `proxy.ts` (or `middleware.ts`), Next's `NextProxy` signature.
 *
 * @example
 * ```ts
 * export const proxy: TesseraMiddleware = tesseraMiddleware();
 * ```
 */
export type TesseraMiddleware = (request: NextRequest, event: NextFetchEvent) => Promise<Response>;

/** Thrown by the middleware's `auth.protect()` and answered by the middleware. */
class ProtectInterrupt {
  constructor(readonly respond: (request: NextRequest) => Response) {}
}

const OVERRIDE_HEADERS = 'x-middleware-override-headers';
const REQUEST_HEADER_PREFIX = 'x-middleware-request-';

const cookieName = (setCookie: string) => setCookie.slice(0, setCookie.indexOf('=')).trim();

/** `response` with `setCookies` added, unless it sets a cookie of the same name itself. */
function withCookies(response: Response, setCookies: readonly string[]): Response {
  if (setCookies.length === 0) return response;
  const own = new Set(response.headers.getSetCookie().map(cookieName));
  for (const cookie of setCookies) {
    if (!own.has(cookieName(cookie))) response.headers.append('Set-Cookie', cookie);
  }
  return response;
}

/** A mutable copy (a `Response.redirect()` has immutable headers). */
const mutable = (response: Response) =>
  new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });

const continues = (response: Response) =>
  response.headers.has('x-middleware-next') || response.headers.has('x-middleware-rewrite');

/**
 * Adds the request headers server code must see to a response that goes on to the app (`next()` or
 * a rewrite), keeping any the handler overrode itself: the verdict, and the cookies as renewed.
 */
function forwardTo(
  response: Response,
  request: NextRequest,
  verdict: string,
  setCookies: readonly string[],
): void {
  const { headers } = response;
  const overridden = headers.get(OVERRIDE_HEADERS);
  const names = new Set(
    overridden === null
      ? [...request.headers.keys()]
      : overridden
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== ''),
  );
  if (overridden === null) {
    for (const [name, value] of request.headers) headers.set(REQUEST_HEADER_PREFIX + name, value);
  }
  if (setCookies.length > 0) {
    const cookie = names.has('cookie') ? headers.get(`${REQUEST_HEADER_PREFIX}cookie`) : null;
    const after = cookieHeaderAfter(cookie, setCookies);
    if (after === '') {
      names.delete('cookie');
      headers.delete(`${REQUEST_HEADER_PREFIX}cookie`);
    } else {
      names.add('cookie');
      headers.set(`${REQUEST_HEADER_PREFIX}cookie`, after);
    }
  }
  names.add(AUTH_HEADER);
  headers.set(REQUEST_HEADER_PREFIX + AUTH_HEADER, verdict);
  headers.set(OVERRIDE_HEADERS, [...names].join(','));
}

function refusal(redirectTo: string | URL | undefined, fallback: () => Response) {
  return new ProtectInterrupt((request) =>
    redirectTo === undefined
      ? fallback()
      : NextResponse.redirect(new URL(String(redirectTo), request.url), 307),
  );
}

function middlewareAuth(state: NextAuth): MiddlewareAuth {
  return Object.assign(async () => state, {
    async protect(check?: ProtectCheck, options?: ProtectOptions): Promise<SignedInNextAuth> {
      const outcome = protectOutcome(state, check, options);
      if (outcome.kind === 'allowed') return outcome.auth;
      if (outcome.kind === 'unauthenticated') {
        const reason = state.isSignedIn ? 'token-missing' : state.reason;
        throw refusal(outcome.redirectTo, () =>
          Response.json(unauthorizedBody(reason), { status: 401, headers: UNAUTHORIZED_HEADERS }),
        );
      }
      throw refusal(outcome.redirectTo, () =>
        Response.json(
          {
            errors: [
              {
                code: 'resource_not_found',
                message: ERROR_CODES.resource_not_found.message,
                long_message: 'Nothing is here for this session.',
                meta: null,
              },
            ],
          },
          { status: 404 },
        ),
      );
    },
  });
}

/**
 * Next.js middleware (Clerk's `clerkMiddleware`) that authenticates every request and keeps a
 * tessera browser session on the app's origin. Export it from `proxy.ts` (Next 16, Node.js runtime)
 * or `middleware.ts` (Node.js or edge); it uses web APIs only.
 *
 * On each request it runs what `handleBrowserSession` does with a secret key (`secretKey`, else
 * `TESSERA_SECRET_KEY`): a GET or HEAD with `__tessera_handoff` is redeemed and answered
 * `303 See Other` to the same URL without it, setting `__session` and `__tessera_refresh`; an expired
 * cookie JWT is renewed with the refresh cookie; both cookies are cleared once the session is
 * revoked or ended. Then `handler(auth, request, event)` runs, if given. The request goes on to the
 * app with its `Cookie` header as renewed and the middleware's verdict in a header that `auth()`
 * reads (any copy the client sent is replaced); `auth()` verifies the JWT again itself, so the
 * verdict can sign a request out but never in.
 *
 * Options are those of `withAuth()` (or a function of the request returning them); fixed options are
 * checked here, at startup (a `ConfigurationError` names the bad one). With no key source at all,
 * neither given nor in the environment (as during a `next build` without the app's secrets), the
 * error waits for the first request.
 *
 * @example
 * ```ts
 * // proxy.ts
 * import { createRouteMatcher, tesseraMiddleware } from '@tessera/backend/next';
 *
 * const isProtectedRoute = createRouteMatcher(['/protected(.*)']);
 *
 * export default tesseraMiddleware(async (auth, request) => {
 *   if (isProtectedRoute(request)) await auth.protect();
 * });
 *
 * export const config = {
 *   matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
 * };
 * ```
 */
export function tesseraMiddleware(options?: AuthenticateRequestOptions): TesseraMiddleware;
export function tesseraMiddleware(
  handler: TesseraMiddlewareHandler,
  options?: TesseraMiddlewareOptions,
): TesseraMiddleware;
export function tesseraMiddleware(
  handler?: TesseraMiddlewareHandler | AuthenticateRequestOptions,
  options?: TesseraMiddlewareOptions,
): TesseraMiddleware {
  // As Clerk's: a function first is the handler; options come second, or first without a handler.
  const run = typeof handler === 'function' ? (handler as TesseraMiddlewareHandler) : undefined;
  const given = run === undefined ? (handler as TesseraMiddlewareOptions | undefined) : options;
  const perRequest = typeof given === 'function' ? given : undefined;
  const fixed = typeof given === 'function' ? undefined : (given ?? {});
  if (fixed !== undefined && checkableAtStartup(fixed)) browserSessionsFor(fixed);

  return async (request, event) => {
    const resolved = fixed ?? perRequest!(request);
    const { auth, setCookies, redirectTo } = await browserSessionsFor(resolved).handle(
      adapterRequestOfWebRequest(request),
    );
    if (redirectTo !== null) {
      const headers = new Headers(redirectHeaders(new URL(redirectTo, request.url).href));
      for (const cookie of setCookies) headers.append('Set-Cookie', cookie);
      return new Response(null, { status: 303, headers });
    }
    const cookie = request.headers.get('cookie');
    const token = auth.isSignedIn
      ? sessionTokenFrom(
          request.headers.get('authorization'),
          setCookies.length > 0 ? cookieHeaderAfter(cookie, setCookies) : cookie,
        )
      : null;
    const state = nextAuthOf(auth, token, resolved);
    let response: Response | undefined;
    try {
      const returned = run === undefined ? undefined : await run(middlewareAuth(state), request, event);
      response = returned instanceof Response ? returned : undefined;
    } catch (error) {
      if (!(error instanceof ProtectInterrupt)) throw error;
      return withCookies(mutable(error.respond(request)), setCookies);
    }
    const out = response === undefined ? NextResponse.next() : mutable(response);
    if (response === undefined || continues(out)) {
      forwardTo(out, request, verdictHeader(auth.isSignedIn ? null : auth.reason), setCookies);
    }
    return withCookies(out, setCookies);
  };
}
