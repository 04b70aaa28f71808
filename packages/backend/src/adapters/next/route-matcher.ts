import { ConfigurationError } from '../../errors';

/**
 * Routes for `createRouteMatcher`: a path pattern (`'/dashboard(.*)'`, `'/orgs/:slug'`,
 * `'/api/:path*'`), a `RegExp`, a list of them, or a predicate of the request.
 *
 * @example
 * ```ts
 * const routes: RouteMatcherParam = ['/dashboard(.*)', /^\/admin\//];
 * ```
 */
export type RouteMatcherParam =
  | string
  | RegExp
  | readonly (string | RegExp)[]
  | ((request: RouteRequest) => boolean);

/**
 * What a route matcher reads of a request: Next's `nextUrl`, or a web `Request`'s `url`.
 *
 * @example
 * ```ts
 * isProtectedRoute({ nextUrl: new URL('https://app.example.com/protected') }); // true
 * ```
 */
export type RouteRequest = { readonly nextUrl: { readonly pathname: string } } | { readonly url: string };

const NAME = /^[A-Za-z0-9_]+/;

/** The pattern inside the parentheses at `start` (balanced, escapes skipped), and where it ends. */
function groupAt(pattern: string, start: number): { body: string; end: number } {
  let depth = 0;
  for (let i = start; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') i++;
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) {
      const body = pattern.slice(start + 1, i);
      if (body === '' || body.startsWith('?')) break;
      return { body, end: i + 1 };
    }
  }
  throw new ConfigurationError('routes', `has an unbalanced or empty group in ${JSON.stringify(pattern)}`);
}

const escapeRegExp = (text: string) => text.replace(/[.+*?^${}()[\]|/\\]/g, '\\$&');

/**
 * A path pattern as path-to-regexp (v6, which Next's `matcher` and Clerk's `createRouteMatcher` use)
 * reads it: `:name` one segment, `(regex)` a group, either followed by `?`, `*` or `+` (taking the
 * `/` before it along); case-insensitive, with an optional trailing slash.
 */
export function patternToRegExp(pattern: string): RegExp {
  if (!pattern.startsWith('/')) {
    throw new ConfigurationError('routes', `must start with "/": ${JSON.stringify(pattern)}`);
  }
  let source = '';
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    let body: string | null = null;
    let next = i + 1;
    if (char === ':') {
      const name = NAME.exec(pattern.slice(i + 1))?.[0];
      if (name === undefined) {
        throw new ConfigurationError('routes', `has a ":" without a name in ${JSON.stringify(pattern)}`);
      }
      next = i + 1 + name.length;
      body = '[^\\/#\\?]+?';
      if (pattern[next] === '(') {
        const group = groupAt(pattern, next);
        body = group.body;
        next = group.end;
      }
    } else if (char === '(') {
      const group = groupAt(pattern, i);
      body = group.body;
      next = group.end;
    } else if (char === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[i + 1]!);
      i += 2;
      continue;
    } else if (char === '*' || char === '+' || char === '?' || char === '{' || char === '}') {
      throw new ConfigurationError(
        'routes',
        `has an unexpected "${char}" in ${JSON.stringify(pattern)} (write "(.*)" for any rest of the path)`,
      );
    } else {
      source += escapeRegExp(char);
      i++;
      continue;
    }
    const modifier = pattern[next];
    const prefix = source.endsWith('\\/') ? '\\/' : '';
    if (prefix !== '') source = source.slice(0, -2);
    if (modifier === '?') source += `(?:${prefix}(?:${body}))?`;
    else if (modifier === '*') source += `(?:${prefix}(?:${body})(?:${prefix}(?:${body}))*)?`;
    else if (modifier === '+') source += `(?:${prefix}(?:${body})(?:${prefix}(?:${body}))*)`;
    else source += `${prefix}(?:${body})`;
    i = modifier === '?' || modifier === '*' || modifier === '+' ? next + 1 : next;
  }
  try {
    return new RegExp(`^${source}[\\/#\\?]?$`, 'i');
  } catch {
    throw new ConfigurationError('routes', `is not a valid pattern: ${JSON.stringify(pattern)}`);
  }
}

function pathnameOf(request: RouteRequest): string {
  return 'nextUrl' in request ? request.nextUrl.pathname : new URL(request.url).pathname;
}

/**
 * The path as received and as Next routes it: percent-decoded segment by segment, repeated slashes
 * collapsed. A matcher tests both, so `/prot%65cted` is as protected as `/protected`.
 */
function pathVariants(pathname: string): string[] {
  const decoded = pathname
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/')
    .replace(/\/{2,}/g, '/');
  return decoded === pathname ? [pathname] : [pathname, decoded];
}

/**
 * A predicate for route protection in `tesseraMiddleware` (Clerk's `createRouteMatcher`): true when
 * the request's path matches one of `routes`. Patterns follow Next's `matcher` syntax
 * (path-to-regexp): `'/dashboard(.*)'` is `/dashboard` and everything under it, `':name'` one
 * segment, `':name*'` any number; matching is case-insensitive, a trailing slash optional, and the
 * path is also tried percent-decoded. A bad pattern throws a `ConfigurationError` here, at startup.
 *
 * @example
 * ```ts
 * import { createRouteMatcher, tesseraMiddleware } from '@tessera/backend/next';
 *
 * const isProtectedRoute = createRouteMatcher(['/dashboard(.*)', '/api/invoices/:id']);
 *
 * export default tesseraMiddleware(async (auth, request) => {
 *   if (isProtectedRoute(request)) await auth.protect();
 * });
 * ```
 */
export function createRouteMatcher(routes: RouteMatcherParam): (request: RouteRequest) => boolean {
  if (typeof routes === 'function') return (request) => routes(request) === true;
  const list: readonly (string | RegExp)[] = Array.isArray(routes) ? routes : [routes as string | RegExp];
  const expressions = list.map((route) => {
    if (route instanceof RegExp) return route;
    if (typeof route !== 'string') {
      throw new ConfigurationError('routes', 'must be path patterns, regular expressions or a function');
    }
    return patternToRegExp(route);
  });
  return (request) =>
    pathVariants(pathnameOf(request)).some((path) =>
      expressions.some((expression) => {
        expression.lastIndex = 0;
        return expression.test(path);
      }),
    );
}
