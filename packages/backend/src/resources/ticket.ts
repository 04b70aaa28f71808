import type { TicketStatus } from '@tessera/wire';

/** The wire fields every kind of ticket has. */
interface TicketWireFields {
  readonly id: string;
  readonly user_id: string;
  readonly status: TicketStatus;
  readonly token: string | null;
  readonly url: string | null;
  readonly redirect_url: string | null;
  readonly session_id: string | null;
  readonly organization_id: string | null;
  readonly expires_at: number;
  readonly session_max_duration_in_seconds: number;
  readonly created_at: number;
  readonly updated_at: number;
}

/**
 * What every kind of ticket (test session token, sign-in token, actor token, agent task) has: a
 * one-time credential that signs whoever presents it in as `userId`. Timestamps are Unix milliseconds.
 *
 * @example
 * ```ts
 * const isUsable = (ticket: TicketFields, now = Date.now()) =>
 *   ticket.status === 'pending' && ticket.expiresAt > now;
 * ```
 */
export interface TicketFields {
  readonly id: string;
  /** Whom accepting it signs in. */
  readonly userId: string;
  readonly status: TicketStatus;
  /** The ticket; a secret. Only in the reply to create (null afterwards). */
  readonly token: string | null;
  /** The accept URL carrying the ticket; a secret. Only in the reply to create (null afterwards). */
  readonly url: string | null;
  /** Where the browser lands after accepting it. */
  readonly redirectUrl: string | null;
  /** The session it started, once accepted. */
  readonly sessionId: string | null;
  /** The organization the session starts in (the user must be a member), if one was given. */
  readonly organizationId: string | null;
  /** Unix ms after which it can no longer be accepted (it stays `pending`). */
  readonly expiresAt: number;
  /** Lifetime of the session it starts. */
  readonly sessionMaxDurationInSeconds: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * A ticket as `create` returns it: the one reply that holds its `token` and `url` (a retried create
 * with the same idempotency key gets that same reply), so both are strings here.
 *
 * @example
 * ```ts
 * const token: IssuedTicket<TestSessionToken> = await client.testSessionTokens.create({ userId: 'user_...' });
 * await client.testSessionTokens.accept(token.token); // no `!` needed
 * ```
 */
export type IssuedTicket<Ticket extends TicketFields> = Ticket & {
  readonly token: string;
  readonly url: string;
};

/** The reply to a create, checked to hold what only that reply holds. */
export function asIssued<Ticket extends TicketFields>(ticket: Ticket): IssuedTicket<Ticket> {
  if (typeof ticket.token !== 'string' || typeof ticket.url !== 'string') {
    throw new TypeError(`the reply to create ${ticket.id} holds no token and url`);
  }
  return ticket as IssuedTicket<Ticket>;
}

/** Maps the fields every kind of ticket has, from an already validated wire object. */
export function toTicketFields(wire: TicketWireFields): TicketFields {
  return {
    id: wire.id,
    userId: wire.user_id,
    status: wire.status,
    token: wire.token,
    url: wire.url,
    redirectUrl: wire.redirect_url,
    sessionId: wire.session_id,
    organizationId: wire.organization_id,
    expiresAt: wire.expires_at,
    sessionMaxDurationInSeconds: wire.session_max_duration_in_seconds,
    createdAt: wire.created_at,
    updatedAt: wire.updated_at,
  };
}
