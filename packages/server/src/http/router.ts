import type { Route } from './route';

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'method_not_allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not_found' };

interface CompiledRoute {
  readonly route: Route;
  readonly segments: readonly string[];
}

// Ids, organization slugs and template names in paths are never URL-encoded by clients:
// `[A-Za-z0-9_-]` only.
const PARAM_VALUE = /^[A-Za-z0-9_-]{1,128}$/;

export class Router {
  private readonly compiled: readonly CompiledRoute[];
  /** Routes without parameters, by method and path: most requests are answered by one lookup. */
  private readonly exact = new Map<string, Route>();

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => ({ route, segments: route.path.split('/').filter(Boolean) }));
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (!route.path.includes('{') && !this.exact.has(key)) this.exact.set(key, route);
    }
  }

  match(method: string, path: string): RouteMatch {
    const exact = this.exact.get(`${method} ${path}`);
    if (exact) return { kind: 'found', route: exact, params: {} };
    const segments = path.split('/').filter(Boolean);
    const allowed: string[] = [];
    for (const { route, segments: pattern } of this.compiled) {
      const params = matchSegments(pattern, segments);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', route, params };
      if (!allowed.includes(route.method)) allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'method_not_allowed', allowed } : { kind: 'not_found' };
  }
}

function matchSegments(
  pattern: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!;
    const actual = segments[i]!;
    if (expected.startsWith('{')) {
      if (!PARAM_VALUE.test(actual)) return undefined;
      params[expected.slice(1, -1)] = actual;
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}
