import {
  acceptTicketParams,
  object,
  SESSION_COOKIE_NAME,
  string,
  ticketAcceptanceObject,
} from '@tessera/wire';
import type { ServerContext } from '../../core/context';
import { serializeSession } from '../../sessions/serialize-session';
import { whoIsSignedIn } from '../../tickets/signed-in';
import { acceptTicket } from '../../tickets/ticket-engine';
import { htmlPage, PAGE_HEADERS } from '../pages';
import { defineRoute } from '../route';
import type { HttpRequest } from '../types';
import { jsonResponse } from '../types';

export const SESSION_COOKIE = SESSION_COOKIE_NAME;
const SIGNED_IN_PATH = '/v1/tickets/signed-in';

function sessionCookie(ctx: ServerContext, jwt: string, session: { readonly expire_at: number }): string {
  const maxAge = Math.max(0, Math.floor((session.expire_at - ctx.clock.now()) / 1000));
  const secure = ctx.settings.publicUrl.startsWith('https:') ? '; Secure' : '';
  return `${SESSION_COOKIE}=${jwt}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
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

function readCookie(request: HttpRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

export const ticketRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/tickets/accept',
    operationId: 'acceptTicketInBrowser',
    summary: 'Open a ticket URL: starts the session, sets the __session cookie and redirects (303)',
    auth: 'public',
    errorsAsHtml: true,
    query: object({ ticket: string({ minLength: 1, maxLength: 512 }) }),
    response: { kind: 'redirect' },
    handler: async ({ ctx, query }) => {
      const { session, jwt, redirectTo } = await acceptTicket(ctx, query.ticket, { handoff: true });
      return {
        status: 303,
        headers: {
          ...PAGE_HEADERS,
          location: redirectTo ?? `${ctx.settings.publicUrl}${SIGNED_IN_PATH}`,
          'set-cookie': sessionCookie(ctx, jwt, session),
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
