/** One `Set-Cookie` directive, split: the name, the value and the attributes (lower-cased). */
export interface CookieDirective {
  readonly name: string;
  readonly value: string;
  readonly attributes: readonly string[];
}

export function parseSetCookie(directive: string): CookieDirective {
  const [pair = '', ...attributes] = directive.split(';').map((part) => part.trim());
  const eq = pair.indexOf('=');
  return {
    name: eq < 0 ? pair : pair.slice(0, eq),
    value: eq < 0 ? '' : pair.slice(eq + 1),
    attributes: attributes
      .filter((attribute) => attribute !== '')
      .map((attribute) => attribute.toLowerCase()),
  };
}

interface StoredCookie {
  readonly name: string;
  readonly value: string;
  readonly path: string;
  readonly expiresAt: number | undefined;
}

/** RFC 6265 path-match: `requestPath` is `cookiePath` or below it. */
function pathMatches(cookiePath: string, requestPath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/**
 * What a browser keeps for one host: `apply` takes the `Set-Cookie` directives of a response (a
 * `Max-Age` of 0 or less, or an `Expires` in the past, deletes; a positive `Max-Age` lasts that long
 * on `now`), `header` is the `Cookie` header of the next request to a path. As in a browser, a cookie
 * is one per name and `Path`, and is sent only to paths under its `Path` (`/` when it names none);
 * ports are not told apart (cookies ignore them), domains are not modelled.
 */
export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  constructor(private readonly now: () => number) {}

  apply(directives: Iterable<string>): void {
    for (const directive of directives) {
      const { name, value, attributes } = parseSetCookie(directive);
      const maxAge = attributes.find((attribute) => attribute.startsWith('max-age='));
      const expires = attributes.find((attribute) => attribute.startsWith('expires='));
      const pathAttribute = attributes.find((attribute) => attribute.startsWith('path='));
      const path = pathAttribute?.slice('path='.length) || '/';
      let expiresAt: number | undefined;
      if (maxAge !== undefined) expiresAt = this.now() + Number(maxAge.slice('max-age='.length)) * 1000;
      else if (expires !== undefined) expiresAt = Date.parse(expires.slice('expires='.length));
      const key = `${path} ${name}`;
      if (expiresAt !== undefined && expiresAt <= this.now()) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path, expiresAt });
    }
  }

  /** The live cookies a request to `path` carries, the longest `Path` first (as browsers order them). */
  private sentTo(path: string): StoredCookie[] {
    return [...this.cookies.values()]
      .filter((cookie) => cookie.expiresAt === undefined || cookie.expiresAt > this.now())
      .filter((cookie) => pathMatches(cookie.path, path))
      .sort((a, b) => b.path.length - a.path.length || a.name.localeCompare(b.name));
  }

  /** The value of the cookie `name` that a request to `path` carries (the most specific one). */
  get(name: string, path = '/'): string | undefined {
    return this.sentTo(path).find((cookie) => cookie.name === name)?.value;
  }

  /** Sets a cookie for `Path=/`, with no expiry. */
  set(name: string, value: string): void {
    this.cookies.set(`/ ${name}`, { name, value, path: '/', expiresAt: undefined });
  }

  /** Deletes the cookie `name`, whatever its path. */
  delete(name: string): void {
    for (const [key, cookie] of this.cookies) if (cookie.name === name) this.cookies.delete(key);
  }

  /** The names of the cookies a request to `path` carries, sorted. */
  names(path = '/'): string[] {
    return [...new Set(this.sentTo(path).map((cookie) => cookie.name))].sort();
  }

  /** The `Cookie` header a browser would send now to `path`, or undefined when it has none. */
  header(path = '/'): string | undefined {
    const pairs = this.sentTo(path).map((cookie) => `${cookie.name}=${cookie.value}`);
    return pairs.length === 0 ? undefined : pairs.join('; ');
  }
}
