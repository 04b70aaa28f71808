import type { HttpRequest } from './types';

/** A cookie the request carries, by exact name; the first one wins, as browsers send the most specific first. */
export function readCookie(request: HttpRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
