import { type SignOutOptions, signOutOptions } from '../../auth/adapter-support';
import { adapterRequestOfWebRequest, signOutRunner } from '../runner';
import { checkableAtStartup } from './startup';

/**
 * A route handler that signs the browser out: ends the session (with the secret key), clears the
 * `__session` and `__tessera_refresh` cookies and answers `303 See Other` to `redirectTo` (default
 * `/`). Never fails for a bad or missing token. A bad option throws here, at startup (with no key
 * source at all, as during a `next build` without the app's secrets, at the first request).
 *
 * Only a POST from the app's own origin signs out (see `signOutBrowserSession`): export it as
 * `POST` (Next answers 405 for the other methods); an `Origin` naming another origin, or a
 * cross-site or same-site `Sec-Fetch-Site`, is answered 403 (`origin_invalid`).
 *
 * @example
 * ```ts
 * // app/sign-out/route.ts
 * import { signOut } from '@tessera/backend/next';
 *
 * export const POST = signOut({ redirectTo: '/' });
 * ```
 */
export function signOut(options?: SignOutOptions): (request: Request) => Promise<Response> {
  if (checkableAtStartup(options ?? {})) signOutRunner(options);
  else signOutOptions(options);
  return async (request) => {
    // The flow is shared per configuration: building the runner again costs a lookup.
    const reply = await signOutRunner(options)(adapterRequestOfWebRequest(request), request);
    const headers = new Headers(reply.headers);
    for (const cookie of reply.setCookies) headers.append('Set-Cookie', cookie);
    if (reply.body === null) return new Response(null, { status: reply.status, headers });
    return Response.json(reply.body, { status: reply.status, headers });
  };
}
