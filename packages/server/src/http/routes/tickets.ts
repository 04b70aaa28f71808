import {
  acceptTicketParams,
  object,
  SESSION_COOKIE_NAME,
  string,
  ticketAcceptanceObject,
} from '@tessera/wire';
import { ApiError } from '../../core/api-error';
import type { ServerContext } from '../../core/context';
import { serializeSession } from '../../sessions/serialize-session';
import { whoIsSignedIn } from '../../tickets/signed-in';
import { acceptTicket } from '../../tickets/ticket-engine';
import { clientInfoOf } from '../caller';
import { htmlPage, PAGE_HEADERS, ticketPage } from '../pages';
import { readCookie } from '../request-cookies';
import { defineRoute } from '../route';
import type { HttpRequest } from '../types';
import { jsonResponse } from '../types';

export const SESSION_COOKIE = SESSION_COOKIE_NAME;
const SIGNED_IN_PATH = '/v1/tickets/signed-in';
const BROWSER_ACCEPT_PATH = '/v1/tickets/accept/browser';

/**
 * Refuses the ticket form posted from another site: a page elsewhere could otherwise sign a visitor
 * in as the page's owner (login CSRF) with a ticket of its own. The browser's `Sec-Fetch-Site` decides
 * when sent; otherwise the `Origin` must be this instance's. A request with neither (curl, an old
 * client) is no browser a site could drive, and holds the ticket, the credential, anyway.
 */
function assertSameOriginForm(ctx: ServerContext, request: HttpRequest): void {
  const site = request.headers['sec-fetch-site'];
  const origin = request.headers.origin;
  const sameOrigin =
    site !== undefined
      ? site === 'same-origin'
      : origin === undefined || origin === new URL(ctx.settings.publicUrl).origin;
  if (!sameOrigin) {
    throw new ApiError('origin_invalid', 'A ticket is accepted only from its own page on this instance.');
  }
}

/**
 * The session cookie of tessera's own signed-in page, set only when the browser lands there. Scoped to
 * `/v1/tickets`: cookies ignore ports, so an app on the same host (`127.0.0.1:3000` beside tessera's
 * `127.0.0.1:4000`) would otherwise receive it and mistake it for its own `__session`.
 */
function sessionCookie(ctx: ServerContext, jwt: string, session: { readonly expire_at: number }): string {
  const maxAge = Math.max(0, Math.floor((session.expire_at - ctx.clock.now()) / 1000));
  const secure = ctx.settings.publicUrl.startsWith('https:') ? '; Secure' : '';
  return `${SESSION_COOKIE}=${jwt}; Path=/v1/tickets; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}

/** The request's `Origin` when it is a real http(s) origin; browsers send `null` from opaque contexts. */
function originOf(header: string | undefined): string | null {
  if (!header) return null;
  try {
    const url = new URL(header);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === header
      ? url.origin
      : null;
  } catch {
    return null;
  }
}

export const ticketRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/tickets/accept',
    operationId: 'openTicketUrl',
    summary:
      'Open a ticket URL: a page whose script (or button) POSTs the ticket to /v1/tickets/accept/browser; a GET or HEAD never accepts it',
    auth: 'public',
    errorsAsHtml: true,
    query: object({ ticket: string({ minLength: 1, maxLength: 512 }) }),
    response: { kind: 'html' },
    handler: async ({ query }) => ticketPage(BROWSER_ACCEPT_PATH, query.ticket),
  }),
  defineRoute({
    method: 'POST',
    path: BROWSER_ACCEPT_PATH,
    operationId: 'acceptTicketInBrowser',
    summary: "The ticket page's form: starts the session, sets the __session cookie and redirects (303)",
    auth: 'public',
    errorsAsHtml: true,
    body: acceptTicketParams,
    bodyEncoding: 'form',
    response: { kind: 'redirect' },
    handler: async ({ ctx, body, request }) => {
      assertSameOriginForm(ctx, request);
      const { session, jwt, redirectTo } = await acceptTicket(ctx, body.ticket, {
        handoff: true,
        client: clientInfoOf(request),
      });
      const location = redirectTo ?? `${ctx.settings.publicUrl}${SIGNED_IN_PATH}`;
      // An app elsewhere gets the session through its handoff or Clerk's handshake, never this cookie.
      const landsHere = new URL(location).origin === new URL(ctx.settings.publicUrl).origin;
      return {
        status: 303,
        headers: {
          ...PAGE_HEADERS,
          location,
          ...(landsHere && { 'set-cookie': sessionCookie(ctx, jwt, session) }),
        },
        body: '',
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/tickets/accept',
    operationId: 'acceptTicket',
    summary: 'Exchange a ticket for a session and its first JWT, without a browser',
    auth: 'public',
    body: acceptTicketParams,
    response: { kind: 'object', schema: ticketAcceptanceObject },
    handler: async ({ ctx, body, request }) => {
      const { session, jwt } = await acceptTicket(ctx, body.ticket, {
        authorizedParty: originOf(request.headers.origin),
        client: clientInfoOf(request),
      });
      return jsonResponse(200, {
        object: 'ticket_acceptance',
        session: serializeSession(session, ctx.clock.now()),
        jwt,
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: SIGNED_IN_PATH,
    operationId: 'signedInPage',
    summary: 'Where a ticket without a redirect_url lands: says who this browser is signed in as',
    auth: 'public',
    response: { kind: 'html' },
    handler: async ({ ctx, request }) => {
      const signedIn = await whoIsSignedIn(ctx, readCookie(request, SESSION_COOKIE));
      if (!signedIn) {
        return htmlPage(200, 'Not signed in', [
          'This browser holds no tessera session. Open a ticket URL to sign in.',
        ]);
      }
      return htmlPage(200, `Signed in as ${signedIn.label}`, [
        `User ${signedIn.userId}, session ${signedIn.sessionId}.`,
        'The session JWT is in the __session cookie of this origin.',
      ]);
    },
  }),
];
