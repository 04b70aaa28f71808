import { CLERK_COOKIES } from '@tessera/wire';
import type { ServerContext } from '../core/context';
import { clerkCookieSuffix, instancePublishableKey } from './cookie-suffix';

/** What every cookie of the handshake shares: where it applies and that scripts cannot read it. */
export interface CookieScope {
  /** The cookie suffix of the instance's publishable key. */
  readonly suffix: string;
  /** The app is on https: the cookies are Secure. */
  readonly secure: boolean;
}

/** The scope of the cookies for an app at `appOrigin` (Secure when it is https). */
export function cookieScopeFor(ctx: ServerContext, appOrigin: string | undefined): CookieScope {
  return {
    suffix: clerkCookieSuffix(instancePublishableKey(ctx)),
    secure: appOrigin?.startsWith('https:') === true,
  };
}

function cookie(name: string, value: string, scope: CookieScope, maxAge?: number): string {
  const attributes = ['Path=/', 'SameSite=Lax', 'HttpOnly'];
  if (maxAge !== undefined) attributes.push(`Max-Age=${maxAge}`);
  if (scope.secure) attributes.push('Secure');
  return [`${name}=${value}`, ...attributes].join('; ');
}

/** A cookie under its plain name and its suffixed one, as Clerk's client may read either. */
function both(name: string, value: string, scope: CookieScope, maxAge?: number): string[] {
  return [cookie(name, value, scope, maxAge), cookie(`${name}_${scope.suffix}`, value, scope, maxAge)];
}

export interface SignedInCookies {
  readonly jwt: string;
  /** The JWT's `iat`: Clerk's client asks for a handshake when a session JWT is older than this. */
  readonly issuedAt: number;
  readonly refreshToken: string;
}

/**
 * The handshake's directives: the session cookies when the client holds an active session, cleared
 * ones (`__client_uat=0`) otherwise; the development-browser cookies in both cases, so the browser
 * keeps its client.
 */
export function handshakeDirectives(
  scope: CookieScope,
  devBrowser: string,
  signedIn: SignedInCookies | undefined,
): string[] {
  const session = signedIn
    ? [
        ...both(CLERK_COOKIES.session, signedIn.jwt, scope),
        ...both(CLERK_COOKIES.clientUat, String(signedIn.issuedAt), scope),
        cookie(`${CLERK_COOKIES.refresh}_${scope.suffix}`, signedIn.refreshToken, scope),
      ]
    : [
        ...both(CLERK_COOKIES.session, '', scope, 0),
        ...both(CLERK_COOKIES.clientUat, '0', scope),
        cookie(`${CLERK_COOKIES.refresh}_${scope.suffix}`, '', scope, 0),
      ];
  return [...session, ...both(CLERK_COOKIES.devBrowser, devBrowser, scope)];
}

/**
 * The session cookies of a refresh, under both names as the handshake sets them, so the pair Clerk's
 * client compares never disagrees.
 */
export function refreshedSessionCookies(scope: CookieScope, jwt: string): string[] {
  return both(CLERK_COOKIES.session, jwt, scope);
}
