import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { withEnvironmentDefaults } from '../../auth/adapter-support';
import {
  type AuthenticateRequestOptions,
  type AuthState,
  createAuthenticator,
  sessionTokenFrom,
  signedOut,
} from '../../auth/authenticate-request';
import { sharedFlows } from '../../browser/shared-flows';
import { ConfigurationError } from '../../errors';
import { readEnv } from '../../internal/env';
import {
  type NextAuth,
  nextAuthOf,
  type ProtectCheck,
  type ProtectOptions,
  protectOutcome,
  type SignedInNextAuth,
} from './auth-state';
import { AUTH_HEADER, readVerdict } from './verdict';

/** The request headers server code sees (Next's `ReadonlyHeaders`, or any `Headers`). */
interface HeaderReader {
  get(name: string): string | null;
}

/** One verifier per configuration and environment, as the middleware has. */
const authenticatorFor = sharedFlows(
  (options: AuthenticateRequestOptions) => createAuthenticator(withEnvironmentDefaults(options)),
  (options) =>
    options.jwtKey !== undefined || options.jwksUrl !== undefined || options.secretKey !== undefined
      ? [options.apiUrl === undefined ? readEnv('TESSERA_API_URL') : undefined]
      : [readEnv('TESSERA_JWT_KEY'), readEnv('TESSERA_SECRET_KEY'), readEnv('TESSERA_API_URL')],
);

/**
 * The auth state of a request the middleware ran on, from the headers it forwarded: signed out when
 * its verdict says so, else the JWT (`Authorization: Bearer`, else the `__session` cookie, as the
 * middleware renewed it) verified here again. Throws a `ConfigurationError` when the middleware did
 * not run.
 */
export async function authFromHeaders(
  requestHeaders: HeaderReader,
  options: AuthenticateRequestOptions = {},
): Promise<NextAuth> {
  const verdict = requestHeaders.get(AUTH_HEADER);
  if (verdict === null) {
    throw new ConfigurationError(
      'tesseraMiddleware',
      'did not run on this request: export it from proxy.ts (or middleware.ts) with a matcher that covers this route, or auth() cannot answer',
    );
  }
  const reason = readVerdict(verdict);
  if (reason !== null) return nextAuthOf(signedOut(reason), null, options);
  const token = sessionTokenFrom(requestHeaders.get('authorization'), requestHeaders.get('cookie'));
  const state: AuthState = await authenticatorFor(options)(token);
  return nextAuthOf(state, token, options);
}

/**
 * `auth()` for server code, with `auth.protect()`.
 *
 * @example
 * ```ts
 * const { userId } = await auth();
 * const signedIn = await auth.protect({ permission: 'org:invoices:read' });
 * ```
 */
export interface ServerAuth {
  (): Promise<NextAuth>;
  /**
   * The auth state when the request is signed in and passes `check`; otherwise redirects to
   * `unauthenticatedUrl` / `unauthorizedUrl` (`redirect()`), or, without one, calls `notFound()`.
   */
  protect(check?: ProtectCheck, options?: ProtectOptions): Promise<SignedInNextAuth>;
}

/**
 * Who is signed in on the current request, in server components, route handlers and server actions
 * (Clerk's `auth()`): `{ isSignedIn, userId, sessionId, orgId, orgRole, orgSlug, orgPermissions,
 * has(), actor, sessionClaims, getToken(), reason }`. It reads the request headers
 * `tesseraMiddleware()` forwarded and verifies the JWT itself with the environment's key
 * (`TESSERA_JWT_KEY`, else `TESSERA_SECRET_KEY` with `TESSERA_API_URL`), so nothing a client sends
 * can sign it in; throws a `ConfigurationError` on a route the middleware did not run on.
 *
 * `auth.protect(check?, options?)` returns the signed-in state, or redirects (`unauthenticatedUrl`,
 * `unauthorizedUrl`), or calls `notFound()`; `check` is `{ role }`, `{ permission }` or a predicate
 * of `has`.
 *
 * @example
 * ```tsx
 * // app/page.tsx
 * import { auth } from '@tessera/backend/next';
 *
 * export default async function Home() {
 *   const { isSignedIn, userId } = await auth();
 *   return <h1>{isSignedIn ? `Signed in as ${userId}` : 'Signed out'}</h1>;
 * }
 *
 * // app/invoices/page.tsx: only members allowed to read invoices
 * const { orgId } = await auth.protect({ permission: 'org:invoices:read', unauthenticatedUrl: '/' });
 * ```
 */
export const auth: ServerAuth = Object.assign(async () => authFromHeaders(await headers()), {
  async protect(check?: ProtectCheck, options?: ProtectOptions): Promise<SignedInNextAuth> {
    const outcome = protectOutcome(await auth(), check, options);
    if (outcome.kind === 'allowed') return outcome.auth;
    if (outcome.redirectTo !== undefined) redirect(String(outcome.redirectTo));
    notFound();
  },
});
