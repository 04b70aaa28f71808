import type { ServerContext } from '../core/context';
import type { HttpRequest, HttpResponse } from '../http/types';
import type { StudioApi } from './api';

/** What a Studio page handler gets: the person's request, read and admitted by Studio's gate. */
export interface StudioRequest {
  readonly ctx: ServerContext;
  readonly request: HttpRequest;
  /** The `{name}` segments of the route's path. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** A POST's urlencoded form (Studio's forms post nothing else); empty for a GET. */
  readonly form: URLSearchParams;
  /** The token every form carries back (`<input name="_csrf">`); `csrfField()` writes it. */
  readonly csrfToken: string;
  /** Studio's client of the Backend API: every read and action goes through it. */
  readonly api: StudioApi;
  /** Studio asked for the secret key (not a loopback development instance): show "Sign out". */
  readonly gated: boolean;
}

export interface StudioRoute {
  readonly method: 'GET' | 'POST';
  /** Under `/studio`, with `{name}` segments, e.g. `/studio/users/{id}`. */
  readonly path: string;
  readonly handler: (request: StudioRequest) => Promise<HttpResponse>;
}

/**
 * A path segment as the value it encodes; undefined for an empty one, a malformed escape, or one that
 * decodes to a `/` (which would reach another API path): such a path matches no page.
 */
function decodedSegment(segment: string): string | undefined {
  if (segment === '') return undefined;
  try {
    const value = decodeURIComponent(segment);
    return value.includes('/') ? undefined : value;
  } catch {
    return undefined;
  }
}

/** Finds the route for a method and path; `{name}` matches one non-empty segment (see decodedSegment). */
export function matchStudioRoute(
  routes: readonly StudioRoute[],
  method: string,
  path: string,
): { route: StudioRoute; params: Record<string, string> } | undefined {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((part, index) => {
      const segment = segments[index] ?? '';
      if (part.startsWith('{') && part.endsWith('}')) {
        const value = decodedSegment(segment);
        if (value === undefined) return false;
        params[part.slice(1, -1)] = value;
        return true;
      }
      return part === segment;
    });
    if (matches) return { route, params };
  }
  return undefined;
}
