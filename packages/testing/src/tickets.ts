import {
  type ActorToken,
  type AgentTask,
  type BackendApiClient,
  ConfigurationError,
  type Session,
  type SignInToken,
  type TestSessionToken,
} from '@tessera/backend';
import { HANDOFF_PARAM, SESSION_COOKIE_NAME } from '@tessera/wire';
import { type ConnectionOptions, clientFor } from './connection';
import { SignInError, type SignInErrorCode } from './errors';
import type { PageLike } from './page';

/**
 * Any kind of ticket, as its `create` returned it (only that reply carries the `url`).
 *
 * @example
 * ```ts
 * const ticket: Ticket = await client.actorTokens.create({ userId, actor: { sub: 'support_42' } });
 * ```
 */
export type Ticket = TestSessionToken | SignInToken | ActorToken | AgentTask;

/** Where the ticket page posts its form; a refused ticket's error page stays at this address. */
export const BROWSER_ACCEPT_PATH = '/v1/tickets/accept/browser';

const KIND_LABELS: Record<Ticket['object'], string> = {
  test_session_token: 'test session token',
  sign_in_token: 'sign-in token',
  actor_token: 'actor token',
  agent_task: 'agent task',
};

/** Why tessera did not accept the ticket, read from the ticket as it is now. */
function refusal(ticket: Ticket, now = Date.now()): SignInError {
  const [code, reason]: [SignInErrorCode, string] =
    ticket.status === 'accepted'
      ? ['ticket_already_used', 'it had been used already']
      : ticket.status === 'revoked'
        ? ['ticket_revoked', 'it was revoked']
        : ticket.expiresAt <= now
          ? ['ticket_expired', 'it expired']
          : ['ticket_refused', 'the page it opened shows why'];
  return new SignInError(
    code,
    `tessera did not accept the ${KIND_LABELS[ticket.object]} ${ticket.id}: ${reason}.`,
    ticket.id,
  );
}

/**
 * Opens the ticket's URL in the page, waits until the browser has left the ticket page, checks
 * through `read` that tessera accepted it and that the app at its `redirectUrl` holds the session.
 */
export async function openTicket<T extends Ticket>(
  page: PageLike,
  client: BackendApiClient,
  ticket: T,
  read: (id: string) => Promise<T>,
): Promise<{ readonly ticket: T; readonly session: Session }> {
  if (!ticket.url) {
    throw new ConfigurationError('ticket', 'must be the reply to create: only that one carries the url');
  }
  const ticketUrl = new URL(ticket.url);
  // Follows tessera's 303 and the app's own redirect that consumes the handoff (or, on a Clerk app,
  // the handshake nonce).
  await page.goto(ticketUrl.href, { waitUntil: 'commit' });
  // The ticket URL answers a page whose script POSTs the ticket (a GET never accepts it): wait until
  // the browser has left that page and loaded where the acceptance sent it.
  await page.waitForURL((url) => url.pathname !== ticketUrl.pathname, { waitUntil: 'load' });
  const landed = new URL(page.url());
  const refused = landed.origin === ticketUrl.origin && landed.pathname === BROWSER_ACCEPT_PATH;

  const current = await read(ticket.id);
  if (refused || current.status !== 'accepted' || !current.sessionId) throw refusal(current);
  if (current.redirectUrl) {
    const target = new URL(current.redirectUrl);
    if (landed.searchParams.has(HANDOFF_PARAM)) {
      throw new SignInError(
        'handoff_not_redeemed',
        `the app at ${target.origin} did not redeem tessera's handoff: the browser is still at ${landed.origin}${landed.pathname} with ${HANDOFF_PARAM} in the URL. An app on tessera's SDK needs its middleware (withAuth) with the secret key. If it is a Clerk app (clerkMiddleware), list its origin in TESSERA_CLERK_APP_ORIGINS (tessera serve --clerk-app-origins ${target.origin}) so that tessera signs it in through Clerk's handshake.`,
        current.id,
      );
    }
    const cookies = await page.context().cookies(target.origin);
    // A Clerk app keeps `__client_uat` beside `__session`: 0 (or none with the session) is signed out.
    const clientUat = cookies.filter((cookie) => cookie.name.startsWith('__client_uat'));
    const clerkSignedOut = clientUat.length > 0 && clientUat.every((cookie) => cookie.value === '0');
    if (
      clerkSignedOut ||
      !cookies.some((cookie) => cookie.name === SESSION_COOKIE_NAME && cookie.value !== '')
    ) {
      throw new SignInError(
        'session_not_taken',
        `the app at ${target.origin} did not take the session. Is its middleware configured with tessera's secret key (withAuth; or, for a Clerk app, clerkMiddleware with tessera's CLERK_SECRET_KEY and CLERK_PUBLISHABLE_KEY)?`,
        current.id,
      );
    }
  }
  return { ticket: current, session: await client.sessions.get(current.sessionId) };
}

/**
 * Signs the page in with a ticket you created yourself, of any kind (test session token, sign-in
 * token, actor token, agent task): opens its URL, waits until the app at its `redirectUrl` holds the
 * session, and returns the session. Throws a {@link SignInError} whose `code` says why tessera
 * refused it (`ticket_revoked`, `ticket_expired`, `ticket_already_used`, ...).
 *
 * @example
 * ```ts
 * import { signInWithTicket } from '@tessera/testing';
 *
 * const token = await client.signInTokens.create({ userId, redirectUrl: 'http://localhost:3000/' });
 * const session = await signInWithTicket(page, token);
 * ```
 */
export async function signInWithTicket(
  page: PageLike,
  ticket: Ticket,
  options: ConnectionOptions = {},
): Promise<Session> {
  const client = clientFor(options);
  const readers: Record<Ticket['object'], (id: string) => Promise<Ticket>> = {
    test_session_token: client.testSessionTokens.get,
    sign_in_token: client.signInTokens.get,
    actor_token: client.actorTokens.get,
    agent_task: client.agentTasks.get,
  };
  const read = readers[ticket?.object] as ((id: string) => Promise<Ticket>) | undefined;
  if (!read) {
    throw new ConfigurationError(
      'ticket',
      'must be a test session token, sign-in token, actor token or agent task as create returned it',
    );
  }
  const { session } = await openTicket(page, client, ticket, read);
  return session;
}
