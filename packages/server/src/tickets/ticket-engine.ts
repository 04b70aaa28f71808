import {
  auditRows,
  type Caller,
  type ClientInfo,
  NO_CLIENT,
  recordEvents,
  SYSTEM_ACTOR,
} from '../audit/audit-log';
import { clerkLandingRedirect } from '../clerk/handshake';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { newId } from '../core/ids';
import { digestsEqual, sha256Hex } from '../core/secrets';
import { assertMember } from '../organizations/memberships-service';
import { handoffRedirect } from '../sessions/handoffs';
import { signJwtFor } from '../sessions/sessions-service';
import type { Executor } from '../store/database';
import type { Paging } from '../store/paging';
import type { SessionTable, TicketTable } from '../store/schema';
import { insertSession } from '../store/sessions-store';
import * as store from '../store/tickets-store';
import { findUserStatus, lockUserStatus, recordSignIn } from '../store/users-store';
import { userRefusal } from '../users/user-refusal';
import { acceptAtOnce } from './accept-at-once';
import {
  type AcceptOptions,
  acceptedWrites,
  findTicketToAccept,
  redirectRefusalOf,
  refusalOf,
} from './acceptance';
import { ticketEntry } from './ticket-audit';
import {
  detailsOf,
  TICKET_HOLDER,
  type TicketDetails,
  type TicketKind,
  ticketKindNamed,
} from './ticket-kinds';
import { newTicketValue, ticketLookupOf } from './ticket-value';

export type { AcceptOptions } from './acceptance';

/** A stored ticket, as the services and routes see it. */
export type Ticket = TicketTable;
export type { TicketFilters } from '../store/tickets-store';

export interface TicketRequest {
  readonly userId: string;
  readonly redirectUrl: string | null;
  readonly expiresInSeconds: number;
  readonly sessionMaxDurationSeconds: number;
  /** What only this kind carries (an actor, an agent's name and task). */
  readonly details?: TicketDetails;
  readonly agentId?: string;
  /** The parameter that named the user, for errors (default `user_id`). */
  readonly userParam?: string;
  /** The organization the session starts in; the user must be a member, when issued and when accepted. */
  readonly organizationId?: string | null;
}

export interface IssuedTicket {
  readonly ticket: TicketTable;
  /** The ticket value in clear: returned once, to the issuer; only its hash is stored. */
  readonly value: string;
}

export interface Acceptance {
  readonly ticket: TicketTable;
  readonly session: SessionTable;
  readonly jwt: string;
  /** Where to send the browser: `redirect_url`, carrying a handoff when it is on another origin. */
  readonly redirectTo: string | null;
}

export function assertKindAllowed(ctx: ServerContext, kind: TicketKind): void {
  const refusal = kind.refusal(ctx);
  if (refusal) throw refusal;
}

export async function issueTicket(
  ctx: ServerContext,
  kind: TicketKind,
  request: TicketRequest,
  caller: Caller,
): Promise<IssuedTicket> {
  assertKindAllowed(ctx, kind);
  if (request.organizationId) await assertTicketMembership(ctx, request);
  const now = ctx.clock.now();
  const id = newId(kind.idKind, now);
  const value = newTicketValue(id);
  const ticket: TicketTable = {
    id,
    kind: kind.name,
    user_id: request.userId,
    token_hash: sha256Hex(value),
    status: 'pending',
    redirect_url: request.redirectUrl,
    session_id: null,
    expires_at: now + request.expiresInSeconds * 1000,
    session_max_duration_seconds: request.sessionMaxDurationSeconds,
    details: request.details ? JSON.stringify(request.details) : null,
    agent_id: request.agentId ?? null,
    expiry_recorded: 0,
    organization_id: request.organizationId ?? null,
    created_at: now,
    updated_at: now,
  };
  const issued = ticketEntry(ticket, request.details ?? {}, {
    type: 'ticket.issued',
    actor: caller.actor,
    client: caller.client,
  });
  const insert = () => store.insertTicketForActiveUser(ctx.db, ticket, auditRows([issued], now));
  // One statement checks the user and writes the ticket; only a refusal needs to read why. A user
  // unbanned (or created) between the two is given a second try rather than a wrong reason.
  for (let attempt = 1; !(await insert()); attempt++) {
    const user = await findUserStatus(ctx.db, request.userId);
    const userParam = request.userParam ?? 'user_id';
    if (!user) throw ApiError.notFound('User', userParam);
    const refusal = userRefusal(user, `User ${request.userId}`, { param_name: userParam });
    if (refusal) throw refusal;
    // Refused twice, yet neither banned nor locked when read: a ban or a lock and its lifting raced us.
    if (attempt === 2) {
      throw new ApiError(
        'user_banned',
        `User ${request.userId} was banned or locked while the ticket was issued; try again.`,
        { param_name: userParam },
      );
    }
  }
  return { ticket, value };
}

/** A ticket into an organization is for one of its members: checked when issued (and again when accepted). */
async function assertTicketMembership(ctx: ServerContext, request: TicketRequest): Promise<void> {
  try {
    await assertMember(ctx.db, request.organizationId!, request.userId);
  } catch (error) {
    // "Not a member" of a user who does not exist would mislead: say the user is unknown.
    const userParam = request.userParam ?? 'user_id';
    if (!(await findUserStatus(ctx.db, request.userId))) throw ApiError.notFound('User', userParam);
    throw error;
  }
}

export async function getTicket(ctx: ServerContext, kind: TicketKind, id: string): Promise<TicketTable> {
  const ticket = await store.findTicketById(ctx.db, kind.name, id);
  if (!ticket) throw ApiError.notFound(kind.label);
  return ticket;
}

export function listTickets(
  ctx: ServerContext,
  kind: TicketKind,
  filters: store.TicketFilters,
  paging: Paging,
) {
  return store.listTickets(ctx.db, kind.name, filters, paging);
}

export async function revokeTicket(
  ctx: ServerContext,
  kind: TicketKind,
  id: string,
  caller: Caller,
): Promise<TicketTable> {
  const now = ctx.clock.now();
  const revoked = await ctx.db.transaction().execute(async (trx) => {
    if (!(await store.revokeTicket(trx, kind.name, id, now))) return undefined;
    const ticket = await store.findTicketById(trx, kind.name, id);
    if (!ticket) return undefined;
    await recordEvents(
      trx,
      [
        ticketEntry(ticket, detailsOf(ticket), {
          type: 'ticket.revoked',
          actor: caller.actor,
          client: caller.client,
        }),
      ],
      now,
    );
    return ticket;
  });
  if (revoked) return revoked;
  const ticket = await getTicket(ctx, kind, id);
  throw new ApiError(
    kind.cannotBeRevoked,
    `${kind.label} ${ticket.id} is ${ticket.status}; only a pending one can be revoked.`,
    { status: ticket.status },
  );
}

/**
 * Where the browser goes once the session started. Cookies do not cross sites: an app on another
 * origin gets the session through a handoff, or, when it authenticates with Clerk's SDKs, through
 * Clerk's handshake (a nonce its own middleware redeems).
 */
async function landingOf(
  ctx: ServerContext,
  trx: Executor,
  options: AcceptOptions,
  session: SessionTable,
  redirectUrl: string | null,
  now: number,
): Promise<string | null> {
  if (!options.handoff || redirectUrl === null) return redirectUrl;
  const origin = new URL(redirectUrl).origin;
  if (ctx.settings.clerkAppOrigins.includes(origin)) {
    return clerkLandingRedirect(trx, session, redirectUrl, now);
  }
  if (origin === new URL(ctx.settings.publicUrl).origin) return redirectUrl;
  return handoffRedirect(trx, session.id, redirectUrl, now);
}

/**
 * Accepts a ticket: validates it, marks it accepted (once only, also when requests race) and starts
 * the session, all in one transaction (on Postgres, one statement when it succeeds), then signs the
 * session's first JWT.
 */
export async function acceptTicket(
  ctx: ServerContext,
  value: string,
  options: AcceptOptions = {},
): Promise<Acceptance> {
  const lookup = ticketLookupOf(value);
  if (lookup.by === 'none') throw new ApiError('ticket_not_found', 'This ticket is not valid.');
  const tokenHash = sha256Hex(value);
  const client = options.client ?? NO_CLIENT;
  // On Postgres, the acceptance in one statement; a refusal, or anything it does not do, comes here.
  // (Not even awaited on SQLite, whose acceptances start their transaction without a turn to spare.)
  const atOnce =
    ctx.dialect.name === 'postgres' ? await acceptAtOnce(ctx, lookup, tokenHash, options) : undefined;
  if (atOnce) return withJwt(ctx, atOnce);
  // The ticket a refused acceptance was for, so the refusal can be recorded once the transaction is
  // over. Only once the value proved to be the ticket's: without it, anyone knowing an id (it is in
  // a JWT's act) could write to the log.
  let attempted: TicketTable | undefined;
  const outcome = await ctx.db
    .transaction()
    .execute(async (trx) => {
      const now = ctx.clock.now();
      const found = await findTicketToAccept(trx, lookup, tokenHash);
      const kind = found && ticketKindNamed(found.kind);
      // The same answer for an unknown id and a wrong secret, and a comparison that takes the same time.
      if (!found || !kind || !digestsEqual(found.token_hash, tokenHash)) {
        throw new ApiError('ticket_not_found', 'This ticket is not valid.');
      }
      attempted = found;
      const details = detailsOf(found);
      const refusal = refusalOf(found, now);
      if (refusal) throw refusal;
      assertKindAllowed(ctx, kind);
      const user = await lockUserStatus(trx, found.user_id);
      if (!user) throw new ApiError('ticket_not_found', 'This ticket is not valid.');
      const userRefused = userRefusal(user, 'This user');
      if (userRefused) throw userRefused;
      // Removed from the organization (or the organization deleted) since the ticket was issued.
      if (found.organization_id !== null) await assertMember(trx, found.organization_id, found.user_id);
      const redirectRefusal = found.redirect_url ? redirectRefusalOf(ctx, found.redirect_url) : undefined;
      if (redirectRefusal) {
        // Revoked rather than left pending: a link to a destination the operator has since removed
        // must not come back to life if the origin is listed again; the issuer makes a new one.
        const revoked = await store.revokeTicket(trx, found.kind, found.id, now);
        const reason = redirectRefusal.code;
        await recordEvents(
          trx,
          [
            ticketEntry(found, details, {
              type: 'ticket.accept_failed',
              actor: TICKET_HOLDER,
              reason,
              client,
            }),
            // Two nodes may refuse it at once: only the one whose update revoked it says so.
            ...(revoked
              ? [ticketEntry(found, details, { type: 'ticket.revoked', actor: SYSTEM_ACTOR, reason })]
              : []),
          ],
          now,
        );
        attempted = undefined; // recorded here, with the revocation
        return { refused: redirectRefusal } as const;
      }

      const { session, entries, accepted } = acceptedWrites(found, kind, details, options, client, now);
      await insertSession(trx, session);
      if (!(await store.markTicketAccepted(trx, found.id, session.id, now))) {
        // Another request accepted it between our read and our write; the transaction rolls back.
        throw new ApiError('ticket_already_used', 'This ticket has already been used.');
      }
      await recordSignIn(trx, found.user_id, now);
      await recordEvents(trx, entries, now);
      const redirectTo = await landingOf(ctx, trx, options, session, found.redirect_url, now);
      return { ticket: accepted, session, redirectTo };
    })
    .catch(async (error: unknown) => {
      if (attempted && error instanceof ApiError) await recordRefusal(ctx, attempted, error, client);
      throw error;
    });
  if ('refused' in outcome) throw outcome.refused;
  return withJwt(ctx, outcome);
}

/** The acceptance with its session's first JWT. */
async function withJwt(ctx: ServerContext, accepted: Omit<Acceptance, 'jwt'>): Promise<Acceptance> {
  // The user was checked and the session started a moment ago, with the ticket: sign at once.
  const jwt = await signJwtFor(ctx, accepted.session, ctx.settings.sessionTokenLifetimeSeconds);
  return { ...accepted, jwt };
}

/** Records a refused acceptance of a ticket that exists: which ticket, why, and from where. */
async function recordRefusal(
  ctx: ServerContext,
  ticket: TicketTable,
  refusal: ApiError,
  client: ClientInfo,
): Promise<void> {
  const reason = refusal.code;
  const entry = ticketEntry(ticket, detailsOf(ticket), {
    type: 'ticket.accept_failed',
    actor: TICKET_HOLDER,
    reason,
    client,
  });
  // The refusal is the answer: a database failing to record it must not turn a 4xx into a 500.
  await recordEvents(ctx.db, [entry], ctx.clock.now()).catch(() => {});
}
