import type { BackendApiClient } from '@tessera/backend';
import { HANDOFF_PARAM } from '@tessera/wire';

/** One `Set-Cookie` value, parsed for assertions. */
export interface ParsedCookie {
  readonly name: string;
  readonly value: string;
  /** Attribute names lower-cased; flags map to `true`. */
  readonly attributes: Readonly<Record<string, string | true>>;
}

export function parseSetCookie(header: string): ParsedCookie {
  const [pair = '', ...rest] = header.split(';');
  const separator = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const part of rest) {
    const [key = '', ...value] = part.trim().split('=');
    attributes[key.toLowerCase()] = value.length === 0 ? true : value.join('=');
  }
  return { name: pair.slice(0, separator).trim(), value: pair.slice(separator + 1).trim(), attributes };
}

export type Send = (url: string, init: RequestInit) => Promise<Response>;

/**
 * A minimal browser for one app origin: a cookie jar fed by every `Set-Cookie` (Max-Age=0 deletes),
 * redirects not followed (so each 303 can be inspected). `send` takes an absolute URL.
 */
export function testBrowser(appOrigin: string, send: Send = (url, init) => fetch(url, init)) {
  const jar = new Map<string, string>();
  return {
    jar,
    /** GET (or `init.method`) a path, or the path and query of a URL on any origin, on the app. */
    async request(pathOrUrl: string, init: RequestInit = {}): Promise<Response> {
      const target = new URL(pathOrUrl, appOrigin);
      const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      const headers = new Headers(init.headers);
      if (cookie !== '') headers.set('cookie', cookie);
      const response = await send(`${appOrigin}${target.pathname}${target.search}`, {
        ...init,
        headers,
        redirect: 'manual',
      });
      for (const header of response.headers.getSetCookie()) {
        const { name, value, attributes } = parseSetCookie(header);
        if (attributes['max-age'] === '0') jar.delete(name);
        else jar.set(name, value);
      }
      return response;
    },
  };
}

/**
 * What a browser does with a ticket URL: the GET answers a page whose form POSTs the ticket from
 * tessera's origin. Returns the POST's response, redirects not followed.
 */
export async function submitTicketUrl(ticketUrl: string): Promise<Response> {
  const url = new URL(ticketUrl);
  const page = await fetch(url, { redirect: 'manual' });
  if (page.status !== 200) return page;
  const action = /<form method="post" action="([^"]+)"/.exec(await page.text())?.[1];
  if (!action) throw new Error('the ticket page has no form');
  return fetch(new URL(action, url.origin), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url.origin },
    body: new URLSearchParams({ ticket: url.searchParams.get('ticket') ?? '' }),
  });
}

/**
 * Opens a new test session token's URL the way a browser does (on tessera's origin) and returns
 * where tessera redirects: `redirectUrl` with the handoff appended.
 */
export async function handoffLocation(
  client: BackendApiClient,
  userId: string,
  redirectUrl: string,
): Promise<{ location: string; handoff: string; sessionId: string }> {
  const token = await client.testSessionTokens.create({ userId, redirectUrl });
  const response = await submitTicketUrl(token.url!);
  if (response.status !== 303) throw new Error(`accept answered ${response.status}`);
  const location = response.headers.get('location')!;
  const handoff = new URL(location).searchParams.get(HANDOFF_PARAM);
  if (handoff === null) throw new Error('no handoff in the redirect');
  const { sessionId } = await client.testSessionTokens.get(token.id);
  return { location, handoff, sessionId: sessionId! };
}
