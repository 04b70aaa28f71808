import type { ERROR_CODES } from '@tessera/wire';

/** A code of the registry, with the registry's status. */
type Refusal<C extends keyof typeof ERROR_CODES, H> = {
  readonly status: (typeof ERROR_CODES)[C]['status'];
  readonly code: C;
  readonly headers: H;
};

/**
 * Why a sign-out was refused before anything was ended or cleared: answered as a wire-shaped error
 * with `status` and `headers`.
 *
 * @example
 * ```ts
 * const { refused } = await signOutBrowserSession(request);
 * if (refused) return Response.json({ errors: [{ code: refused.code }] }, { status: refused.status, headers: refused.headers });
 * ```
 */
export type SignOutRefusal =
  | Refusal<'method_not_allowed', { readonly Allow: 'POST' }>
  | Refusal<'origin_invalid', Readonly<Record<string, never>>>;

const METHOD_NOT_ALLOWED: SignOutRefusal = {
  status: 405,
  code: 'method_not_allowed',
  headers: { Allow: 'POST' },
};
const ORIGIN_INVALID: SignOutRefusal = { status: 403, code: 'origin_invalid', headers: {} };

/** `Sec-Fetch-Site` values a sign-out accepts: the app's own pages, or the user's own action. */
const ALLOWED_FETCH_SITES = new Set(['same-origin', 'none']);

/** The parts of a request a sign-out is judged on. */
export interface SignOutRequest {
  readonly method: string;
  /** The request's own origin is that of this URL (scheme and `Host`). */
  readonly url: URL;
  readonly origin: string | null | undefined;
  readonly fetchSite: string | null | undefined;
}

/**
 * Why `request` may not sign the browser out, or null. Only a POST (a link or an image cannot end a
 * session), from the app's own origin: an `Origin` header naming another origin (or `null`) and a
 * `Sec-Fetch-Site` other than `same-origin` or `none` (`same-site` included: a sibling subdomain is
 * another app) are refused. A request with neither header (an old browser, curl) is allowed, as
 * every browser that sends cross-origin POSTs sends at least one of them.
 */
export function signOutRefusal(request: SignOutRequest): SignOutRefusal | null {
  if (request.method.toUpperCase() !== 'POST') return METHOD_NOT_ALLOWED;
  const fetchSite = request.fetchSite?.trim().toLowerCase();
  if (fetchSite && !ALLOWED_FETCH_SITES.has(fetchSite)) return ORIGIN_INVALID;
  const origin = request.origin?.trim();
  if (origin && origin.toLowerCase() !== request.url.origin) return ORIGIN_INVALID;
  return null;
}
