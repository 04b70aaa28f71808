import { ERROR_CODES } from '@tessera/wire';
import {
  cookieHeaderRenewedFor,
  redirectHeaders,
  rememberSetCookies,
  type SignOutOptions,
  signOutOptions,
  UNAUTHORIZED_HEADERS,
  unauthorizedBody,
} from '../auth/adapter-support';
import type { AuthenticateRequestOptions, AuthState } from '../auth/authenticate-request';
import {
  type BrowserRequest,
  type BrowserSessionResult,
  browserSessionsFor,
} from '../browser/browser-session';
import type { SignOutRefusal } from '../browser/sign-out-guard';

// The bodies of withAuth(), requireAuth() and signOut(), framework-neutral: an adapter turns its
// request into a `BrowserRequest` and writes the `AdapterReply` it gets back, nothing else.

/** A reply for the adapter to send as it is; `body` is JSON, or null for none. */
export interface AdapterReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly setCookies: readonly string[];
  readonly body: unknown;
}

/** What the middleware decided: go on to the app (adding `setCookies` to its response), or reply. */
export type MiddlewareOutcome =
  | { readonly kind: 'next'; readonly auth: AuthState; readonly setCookies: readonly string[] }
  | { readonly kind: 'reply'; readonly auth: AuthState; readonly reply: AdapterReply };

/**
 * The request as the adapter read it; `perRequest` is any object living as long as the request (the
 * framework's request or context), so stacked middlewares see the cookies an earlier one renewed.
 */
export type RunMiddleware = (request: BrowserRequest, perRequest: object) => Promise<MiddlewareOutcome>;

/** The parts of a request that only a handoff, a cookie to set or a sign-out reads. */
export interface RequestOrigin {
  readonly url: URL;
  readonly origin: string | null | undefined;
  readonly fetchSite: string | null | undefined;
}

/**
 * A request as an adapter read it: the method and the `Authorization` header at once, the `Cookie`
 * header and the rest (`RequestOrigin`) when first read. Verifying a Bearer JWT needs none of them,
 * and parsing the URL alone cost more than verifying a JWT seen before.
 */
export class AdapterRequest implements BrowserRequest {
  #cookie: string | null | undefined;
  #cookieRead = false;
  readonly #readCookie: () => string | null | undefined;
  #rest: RequestOrigin | undefined;
  readonly #readRest: () => RequestOrigin;

  constructor(
    readonly method: string,
    readonly authorization: string | null | undefined,
    readCookie: () => string | null | undefined,
    readRest: () => RequestOrigin,
  ) {
    this.#readCookie = readCookie;
    this.#readRest = readRest;
  }

  /** Read when first needed: a request with a Bearer token is verified without it. */
  get cookie(): string | null | undefined {
    if (!this.#cookieRead) {
      this.#cookie = this.#readCookie();
      this.#cookieRead = true;
    }
    return this.#cookie;
  }

  get #origin(): RequestOrigin {
    this.#rest ??= this.#readRest();
    return this.#rest;
  }

  get url(): URL {
    return this.#origin.url;
  }

  get origin(): string | null | undefined {
    return this.#origin.origin;
  }

  get fetchSite(): string | null | undefined {
    return this.#origin.fetchSite;
  }
}

/** A web-standard `Request` (Next.js's `NextRequest` is one) as the adapters read requests. */
export function adapterRequestOfWebRequest(request: Request): BrowserRequest {
  const { headers } = request;
  return new AdapterRequest(
    request.method,
    headers.get('authorization'),
    () => headers.get('cookie'),
    () => ({
      url: new URL(request.url),
      origin: headers.get('origin'),
      fetchSite: headers.get('sec-fetch-site'),
    }),
  );
}

/** The request with the cookies an earlier middleware on it left; itself when none did. */
function withCurrentCookie(received: BrowserRequest, perRequest: object): BrowserRequest {
  const renewed = cookieHeaderRenewedFor(perRequest);
  if (renewed === undefined) return received;
  return new AdapterRequest(
    received.method,
    received.authorization,
    () => renewed,
    () => received,
  );
}

/** Options validated now (a bad one throws at construction); the flow is shared per configuration. */
export function authMiddleware(
  options: AuthenticateRequestOptions | undefined,
  refuse: boolean,
): RunMiddleware {
  const sessions = browserSessionsFor(options ?? {});
  return (received, perRequest) => {
    const request = withCurrentCookie(received, perRequest);
    return sessions.handle(request).then((result) => outcomeOf(result, request, perRequest, refuse));
  };
}

/** What the middleware does with the flow's result: redirect, refuse, or go on. */
function outcomeOf(
  { auth, setCookies, redirectTo }: BrowserSessionResult,
  request: BrowserRequest,
  perRequest: object,
  refuse: boolean,
): MiddlewareOutcome {
  if (setCookies.length > 0) rememberSetCookies(perRequest, request.cookie, setCookies);
  if (redirectTo !== null) {
    return {
      kind: 'reply',
      auth,
      reply: { status: 303, headers: redirectHeaders(redirectTo), setCookies, body: null },
    };
  }
  if (refuse && !auth.isSignedIn) {
    return {
      kind: 'reply',
      auth,
      reply: {
        status: 401,
        headers: UNAUTHORIZED_HEADERS,
        setCookies,
        body: unauthorizedBody(auth.reason),
      },
    };
  }
  return { kind: 'next', auth, setCookies };
}

/** Why, for the `long_message`; the `message` is the registry's. */
const REFUSAL_REASONS: Record<SignOutRefusal['code'], string> = {
  method_not_allowed: 'Sign out with a POST.',
  origin_invalid: "A sign-out must come from the app's own origin.",
};

/** The wire-shaped error reply for a refused sign-out; its code is one of the registry's. */
export function refusalReply(refused: SignOutRefusal): AdapterReply {
  const error = {
    code: refused.code,
    message: ERROR_CODES[refused.code].message,
    long_message: REFUSAL_REASONS[refused.code],
    meta: null,
  };
  return { status: refused.status, headers: refused.headers, setCookies: [], body: { errors: [error] } };
}

/** The sign-out handler: a 303 to `redirectTo` clearing the cookies, or a 405 / 403 refusal. */
export function signOutRunner(
  options: SignOutOptions | undefined,
): (request: BrowserRequest, perRequest: object) => Promise<AdapterReply> {
  const { redirectTo, auth } = signOutOptions(options);
  const sessions = browserSessionsFor(auth);
  return async (received, perRequest) => {
    const request = withCurrentCookie(received, perRequest);
    const { setCookies, refused } = await sessions.signOut(request);
    if (refused !== null) return refusalReply(refused);
    return { status: 303, headers: redirectHeaders(redirectTo), setCookies, body: null };
  };
}
