import type {
  AuthenticateRequestOptions,
  AuthState,
  SignedInAuthState,
  SignedOutAuthState,
} from '../../auth/authenticate-request';
import type { HasParams } from '../../auth/has';
import { createBackendApiClient } from '../../client/create-client';
import { readEnv } from '../../internal/env';

/**
 * Options of `getToken()`: with `template`, a JWT made from that JWT template for the session's
 * user, minted by tessera with the secret key (`secretKey` of the middleware, else
 * `TESSERA_SECRET_KEY`).
 *
 * @example
 * ```ts
 * const { getToken } = await auth();
 * const jwt = await getToken({ template: 'supabase' });
 * ```
 */
export interface GetTokenOptions {
  readonly template?: string | undefined;
}

/**
 * The request's session JWT (already verified), or null when signed out; with `{ template }`, a JWT
 * made from that template (one call to tessera).
 *
 * @example
 * ```ts
 * const jwt = await (await auth()).getToken();
 * await fetch('https://api.example.com/orders', { headers: { Authorization: `Bearer ${jwt}` } });
 * ```
 */
export type GetToken = (options?: GetTokenOptions) => Promise<string | null>;

/**
 * What `auth()` answers for a signed-in request: the adapters' `AuthState` (`userId`, `sessionId`,
 * `orgId`, `orgRole`, `orgSlug`, `orgPermissions`, `has()`, `actor`, `claims`, ...) with Clerk's
 * `sessionClaims` (the same claims) and `getToken()`.
 *
 * @example
 * ```ts
 * const { userId, sessionClaims }: SignedInNextAuth = await auth.protect();
 * ```
 */
export type SignedInNextAuth = SignedInAuthState & {
  readonly sessionClaims: SignedInAuthState['claims'];
  readonly getToken: GetToken;
};

/**
 * What `auth()` answers for a signed-out request: every field null, `has()` false, and `reason`.
 *
 * @example
 * ```ts
 * const state = await auth();
 * if (!state.isSignedIn) console.warn(state.reason); // SignedOutNextAuth
 * ```
 */
export type SignedOutNextAuth = SignedOutAuthState & {
  readonly sessionClaims: null;
  readonly getToken: GetToken;
};

/**
 * Who is signed in, as `auth()` (server code) and the middleware handler's `auth()` answer it.
 *
 * @example
 * ```ts
 * const { isSignedIn, userId, orgId, has }: NextAuth = await auth();
 * ```
 */
export type NextAuth = SignedInNextAuth | SignedOutNextAuth;

/** The auth state with `sessionClaims` and `getToken()`; `token` is the JWT it was verified from. */
export function nextAuthOf(
  state: AuthState,
  token: string | null,
  options: AuthenticateRequestOptions,
): NextAuth {
  if (!state.isSignedIn) return { ...state, sessionClaims: null, getToken: async () => null };
  const getToken: GetToken = async (tokenOptions) => {
    if (tokenOptions?.template === undefined) return token;
    const client = createBackendApiClient({
      secretKey: options.secretKey ?? readEnv('TESSERA_SECRET_KEY'),
      apiUrl: options.apiUrl,
      apiVersion: options.apiVersion,
      fetch: options.fetch,
    });
    return (await client.sessions.getToken(state.sessionId, tokenOptions.template)).jwt;
  };
  return { ...state, sessionClaims: state.claims, getToken };
}

/**
 * Where `protect()` sends a request it refuses. Without a URL, the middleware answers 401 (signed
 * out) or 404 (signed in, not allowed); server code calls `notFound()`.
 *
 * @example
 * ```ts
 * await auth.protect({ unauthenticatedUrl: '/sign-in', unauthorizedUrl: '/' });
 * ```
 */
export interface ProtectOptions {
  /** Where to redirect a signed-out request. */
  readonly unauthenticatedUrl?: string | URL | undefined;
  /** Where to redirect a signed-in request that fails the role, permission or predicate. */
  readonly unauthorizedUrl?: string | URL | undefined;
}

/**
 * What `protect()` requires beyond being signed in: a role and/or a permission in the active
 * organization (as `has()`), or a predicate of `has`; the redirect URLs may come with it.
 *
 * @example
 * ```ts
 * await auth.protect({ permission: 'org:invoices:read' });
 * await auth.protect((has) => has({ role: 'org:admin' }) || has({ role: 'org:billing' }));
 * ```
 */
export type ProtectCheck = (HasParams & ProtectOptions) | ((has: SignedInAuthState['has']) => boolean);

/** The outcome of `protect()`: allowed, or why not and where to go. */
export type ProtectOutcome =
  | { readonly kind: 'allowed'; readonly auth: SignedInNextAuth }
  | { readonly kind: 'unauthenticated' | 'unauthorized'; readonly redirectTo: string | URL | undefined };

export function protectOutcome(
  auth: NextAuth,
  check: ProtectCheck | undefined,
  options: ProtectOptions | undefined,
): ProtectOutcome {
  const urls = { ...(typeof check === 'object' ? check : {}), ...options };
  if (!auth.isSignedIn) return { kind: 'unauthenticated', redirectTo: urls.unauthenticatedUrl };
  let allowed = true;
  if (typeof check === 'function') allowed = check(auth.has) === true;
  else if (check?.role !== undefined || check?.permission !== undefined) {
    allowed = auth.has({
      ...(check.role === undefined ? {} : { role: check.role }),
      ...(check.permission === undefined ? {} : { permission: check.permission }),
    });
  }
  return allowed ? { kind: 'allowed', auth } : { kind: 'unauthorized', redirectTo: urls.unauthorizedUrl };
}
