/** Studio's cookies: only for `/studio`, never sent from another site, never readable by a script. */
export const STUDIO_SESSION_COOKIE = '__tessera_studio';
export const STUDIO_CSRF_COOKIE = '__tessera_studio_csrf';

export function studioCookie(name: string, value: string, secure: boolean, maxAgeSeconds?: number): string {
  const attributes = ['Path=/studio', 'HttpOnly', 'SameSite=Strict'];
  if (maxAgeSeconds !== undefined) attributes.push(`Max-Age=${maxAgeSeconds}`);
  if (secure) attributes.push('Secure');
  return [`${name}=${value}`, ...attributes].join('; ');
}
