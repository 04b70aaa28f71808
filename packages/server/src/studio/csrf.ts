import { timingSafeEqual } from 'node:crypto';
import { pooledRandomBytes } from '../core/random-pool';
import { readCookie } from '../http/request-cookies';
import type { HttpRequest } from '../http/types';
import { STUDIO_CSRF_COOKIE, studioCookie } from './cookies';

/**
 * The form token of a browser: kept in an HttpOnly, SameSite=Strict cookie and echoed by every form
 * (`_csrf`). A new browser gets one with its first page.
 */
export function csrfTokenOf(request: HttpRequest, secure: boolean): { token: string; setCookie?: string } {
  const existing = readCookie(request, STUDIO_CSRF_COOKIE);
  if (existing && /^[\w-]{43}$/.test(existing)) return { token: existing };
  const token = pooledRandomBytes(32).toString('base64url');
  return { token, setCookie: studioCookie(STUDIO_CSRF_COOKIE, token, secure) };
}

/**
 * Whether a POST is one of Studio's own forms: from Studio's origin (the browser's `Sec-Fetch-Site`,
 * else `Origin`) and carrying the browser's form token. A page on another site can do neither.
 */
export function isSameOriginForm(
  request: HttpRequest,
  form: URLSearchParams,
  cookieToken: string | undefined,
): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = request.headers.origin;
  if (site === undefined && origin !== undefined) {
    const host = request.headers.host;
    if (host === undefined || (origin !== `http://${host}` && origin !== `https://${host}`)) return false;
  }
  const sent = form.get('_csrf') ?? '';
  if (cookieToken === undefined || sent.length !== cookieToken.length) return false;
  return timingSafeEqual(Buffer.from(sent), Buffer.from(cookieToken));
}
