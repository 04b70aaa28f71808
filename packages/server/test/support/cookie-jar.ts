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

/**
 * What a browser keeps for one site: `apply` takes the `Set-Cookie` directives of a response (a
 * `Max-Age` of 0 or less, or an `Expires` in the past, deletes; a positive `Max-Age` lasts that long
 * on `now`), `header` is the `Cookie` header of the next request. Paths and domains are not modelled:
 * every cookie here is `Path=/` on the one site.
 */
export class CookieJar {
  private readonly cookies = new Map<string, { value: string; expiresAt: number | undefined }>();

  constructor(private readonly now: () => number) {}

  apply(directives: Iterable<string>): void {
    for (const directive of directives) {
      const { name, value, attributes } = parseSetCookie(directive);
      const maxAge = attributes.find((attribute) => attribute.startsWith('max-age='));
      const expires = attributes.find((attribute) => attribute.startsWith('expires='));
      let expiresAt: number | undefined;
      if (maxAge !== undefined) expiresAt = this.now() + Number(maxAge.slice('max-age='.length)) * 1000;
      else if (expires !== undefined) expiresAt = Date.parse(expires.slice('expires='.length));
      if (expiresAt !== undefined && expiresAt <= this.now()) this.cookies.delete(name);
      else this.cookies.set(name, { value, expiresAt });
    }
  }

  get(name: string): string | undefined {
    const cookie = this.cookies.get(name);
    if (cookie === undefined || (cookie.expiresAt !== undefined && cookie.expiresAt <= this.now())) return;
    return cookie.value;
  }

  set(name: string, value: string): void {
    this.cookies.set(name, { value, expiresAt: undefined });
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  names(): string[] {
    return [...this.cookies.keys()].filter((name) => this.get(name) !== undefined).sort();
  }

  /** The `Cookie` header a browser would send now, or undefined when it has none. */
  header(): string | undefined {
    const pairs = this.names().map((name) => `${name}=${this.get(name)}`);
    return pairs.length === 0 ? undefined : pairs.join('; ');
  }
}
