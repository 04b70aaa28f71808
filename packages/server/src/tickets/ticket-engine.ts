import {
  type AuditEntry,
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
import { insertNewSession, signJwtFor } from '../sessions/sessions-service';
import type { Executor } from '../store/database';
import type { Paging } from '../store/paging';
import type { SessionTable, TicketTable } from '../store/schema';
import * as store from '../store/tickets-store';
import { findUserStatus, lockUserStatus, recordSignIn } from '../store/users-store';
import { userRefusal } from '../users/user-refusal';
import { checkRedirectUrl } from './redirect-policy';
import {
  detailsOf,
  TICKET_HOLDER,
  type TicketDetails,
  type TicketKind,
  ticketKindNamed,
} from './ticket-kinds';
import { newTicketValue, ticketLookupOf } from './ticket-value';

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

/** The audit entry of an act on a ticket, with what the ticket's kind carries. */
function ticketEntry(
  ticket: TicketTable,
  details: TicketDetails,
  entry: Pick<AuditEntry, 'type' | 'actor'> & Partial<AuditEntry>,
): AuditEntry {
  return {
    userId: ticket.user_id,
    ticket: { id: ticket.id, kind: ticket.kind as TicketKind['name'] },
    agentName: details.agent_name ?? null,
    taskDescription: details.task_description ?? null,
    ...entry,
  };
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

/** Why a ticket that exists cannot be accepted now, if it cannot. */
function refusalOf(ticket: TicketTable, now: number): ApiError | undefined {
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
function redirectRefusalOf(ctx: ServerContext, redirectUrl: string): ApiError | undefined {
  try {
    checkRedirectUrl(redirectUrl, ctx.settings, ctx.environment);
    return undefined;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
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

export interface AcceptOptions {
  readonly authorizedParty?: string | null;
  /** Redirect a browser on another origin through a handoff. */
  readonly handoff?: boolean;
  /** Who presented the ticket, for the audit log. */
  readonly client?: ClientInfo;
}

/**
 * Accepts a ticket: validates it, marks it accepted (once only, also when requests race) and starts
 * the session, all in one transaction, then signs the session's first JWT.
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
  // The ticket a refused acceptance was for, so the refusal can be recorded once the transaction is
  // over. Only once the value proved to be the ticket's: without it, anyone knowing an id (it is in
  // a JWT's act) could write to the log.
  let attempted: TicketTable | undefined;
  const outcome = await ctx.db
    .transaction()
    .execute(async (trx) => {
      const now = ctx.clock.now();
      const found =
        lookup.by === 'id'
          ? await store.findTicketForAcceptance(trx, lookup.id)
          : await store.findLegacyTicket(trx, tokenHash);
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

      const redirectOrigin = found.redirect_url ? new URL(found.redirect_url).origin : null;
      const started = await insertNewSession(
        trx,
        {
          userId: found.user_id,
          maxDurationSeconds: found.session_max_duration_seconds,
          actor: kind.sessionActor(found, details),
          ticketId: found.id,
          authorizedParty: options.authorizedParty ?? redirectOrigin,
          organizationId: found.organization_id,
          claims: details.claims ?? null,
        },
        now,
      );
      if (!(await store.markTicketAccepted(trx, found.id, started.id, now))) {
        // Another request accepted it between our read and our write; the transaction rolls back.
        throw new ApiError('ticket_already_used', 'This ticket has already been used.');
      }
      await recordSignIn(trx, found.user_id, now);
      const acceptedBy = kind.acceptedBy(found, details);
      await recordEvents(
        trx,
        [
          ticketEntry(found, details, {
            type: 'ticket.accepted',
            actor: acceptedBy,
            sessionId: started.id,
            client,
          }),
          ticketEntry(found, details, {
            type: 'session.started',
            actor: acceptedBy,
            sessionId: started.id,
            client,
          }),
        ],
        now,
      );
      const accepted: TicketTable = { ...found, status: 'accepted', session_id: started.id, updated_at: now };
      const redirectTo = await landingOf(ctx, trx, options, started, found.redirect_url, now);
      return { ticket: accepted, session: started, redirectTo };
    })
    .catch(async (error: unknown) => {
      if (attempted && error instanceof ApiError) await recordRefusal(ctx, attempted, error, client);
      throw error;
    });
  if ('refused' in outcome) throw outcome.refused;
  const { ticket, session, redirectTo } = outcome;
  // The user was checked and the session started a moment ago, in the transaction: sign at once.
  const jwt = await signJwtFor(ctx, session, ctx.settings.sessionTokenLifetimeSeconds);
  return { ticket, session, jwt, redirectTo };
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
