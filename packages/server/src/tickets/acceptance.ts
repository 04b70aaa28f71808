import type { ClientInfo } from '../audit/audit-log';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { newSessionRow } from '../sessions/sessions-service';
import type { Executor } from '../store/database';
import type { SessionTable, TicketTable } from '../store/schema';
import { findLegacyTicket, findTicketForAcceptance } from '../store/tickets-store';
import { checkRedirectUrl } from './redirect-policy';
import { ticketEntry } from './ticket-audit';
import type { TicketDetails, TicketKind } from './ticket-kinds';
import type { TicketLookup } from './ticket-value';

// What accepting a ticket reads, checks and writes: one definition for both ways of accepting, the
// transaction (ticket-engine.ts, every database) and the single statement (accept-at-once.ts, Postgres).

export interface AcceptOptions {
  readonly authorizedParty?: string | null;
  /** Redirect a browser on another origin through a handoff. */
  readonly handoff?: boolean;
  /** Who presented the ticket, for the audit log. */
  readonly client?: ClientInfo;
}

/** The ticket a value names, whose hash the caller still has to compare. */
export function findTicketToAccept(
  db: Executor,
  lookup: Exclude<TicketLookup, { by: 'none' }>,
  tokenHash: string,
): Promise<TicketTable | undefined> {
  return lookup.by === 'id' ? findTicketForAcceptance(db, lookup.id) : findLegacyTicket(db, tokenHash);
}

/** Why a ticket that exists cannot be accepted now, if it cannot. */
export function refusalOf(ticket: TicketTable, now: number): ApiError | undefined {
  if (ticket.status === 'accepted')
    return new ApiError('ticket_already_used', 'This ticket has already been used.');
  if (ticket.status === 'revoked') return new ApiError('ticket_revoked', 'This ticket has been revoked.');
  if (ticket.expires_at <= now) return new ApiError('ticket_expired', 'This ticket has expired.');
  return undefined;
}

/**
 * Why the ticket's stored `redirect_url` may no longer be followed: the allow-list (or the
 * environment) can have changed since the ticket was issued, so it is checked again at acceptance.
 */
export function redirectRefusalOf(ctx: ServerContext, redirectUrl: string): ApiError | undefined {
  try {
    checkRedirectUrl(redirectUrl, ctx.settings, ctx.environment);
    return undefined;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

/** The session an accepted ticket starts, and the audit entries saying so. */
export function acceptedWrites(
  ticket: TicketTable,
  kind: TicketKind,
  details: TicketDetails,
  options: AcceptOptions,
  client: ClientInfo,
  now: number,
) {
  const redirectOrigin = ticket.redirect_url ? new URL(ticket.redirect_url).origin : null;
  const session: SessionTable = newSessionRow(
    {
      userId: ticket.user_id,
      maxDurationSeconds: ticket.session_max_duration_seconds,
      actor: kind.sessionActor(ticket, details),
      ticketId: ticket.id,
      authorizedParty: options.authorizedParty ?? redirectOrigin,
      organizationId: ticket.organization_id,
      claims: details.claims ?? null,
    },
    now,
  );
  const actor = kind.acceptedBy(ticket, details);
  const entries = [
    ticketEntry(ticket, details, { type: 'ticket.accepted', actor, sessionId: session.id, client }),
    ticketEntry(ticket, details, { type: 'session.started', actor, sessionId: session.id, client }),
  ];
  const accepted: TicketTable = { ...ticket, status: 'accepted', session_id: session.id, updated_at: now };
  return { session, entries, accepted };
}
