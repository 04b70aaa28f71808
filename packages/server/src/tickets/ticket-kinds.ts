import type { ErrorCode, IdKind, TicketKindName } from '@tessera/wire';
import type { AuditActor } from '../audit/audit-log';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import type { TicketTable } from '../store/schema';

/** What only some kinds carry, stored as `tickets.details`. */
export interface TicketDetails {
  /** An actor token's actor, as given (`sub` and any other keys). */
  readonly actor?: Readonly<Record<string, unknown>>;
  readonly agent_name?: string;
  readonly task_description?: string;
  /** A test session token's custom claims for its session. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

export function detailsOf(ticket: TicketTable): TicketDetails {
  return ticket.details === null ? {} : (JSON.parse(ticket.details) as TicketDetails);
}

/**
 * What differs between kinds of ticket: data, not code. Issue, accept, revoke and expiry are the
 * engine's, the same for all kinds.
 */
export interface TicketKind {
  readonly name: TicketKindName;
  readonly idKind: IdKind;
  /** The resource name used in messages, e.g. "Test session token". */
  readonly label: string;
  /** The error code for revoking one that is no longer pending. */
  readonly cannotBeRevoked: ErrorCode;
  /** Why the instance refuses this kind right now (naming the setting that allows it), if it does. */
  readonly refusal: (ctx: ServerContext) => ApiError | undefined;
  /** The session's `actor` (the JWT's `act` claim): null for a session that is simply the user's. */
  readonly sessionActor: (ticket: TicketTable, details: TicketDetails) => Record<string, unknown> | null;
  /** Who the audit log says accepted it. */
  readonly acceptedBy: (ticket: TicketTable, details: TicketDetails) => AuditActor;
}

/** Whoever presented a ticket: the credential is the ticket, not a person we know. */
export const TICKET_HOLDER: AuditActor = { type: 'ticket_holder', id: null, name: null };

export const TEST_SESSION_TOKEN_KIND: TicketKind = {
  name: 'test_session_token',
  idKind: 'testSessionToken',
  label: 'Test session token',
  cannotBeRevoked: 'test_session_token_cannot_be_revoked',
  refusal: (ctx) =>
    ctx.environment === 'production' && !ctx.settings.testSessionTokensEnabled
      ? new ApiError(
          'test_session_tokens_disabled',
          'Test session tokens are disabled on this production instance. Set TESSERA_ENABLE_TEST_SESSION_TOKENS=true to allow them.',
        )
      : undefined,
  // Marked, so an app can tell a test sign-in from a real one.
  sessionActor: (ticket) => ({ sub: ticket.id, type: 'test_session_token' }),
  acceptedBy: () => TICKET_HOLDER,
};

/** A magic link an app sends its user: a plain sign-in, allowed in production (https redirects only). */
export const SIGN_IN_TOKEN_KIND: TicketKind = {
  name: 'sign_in_token',
  idKind: 'signInToken',
  label: 'Sign-in token',
  cannotBeRevoked: 'sign_in_token_cannot_be_revoked',
  refusal: () => undefined,
  sessionActor: () => null,
  acceptedBy: () => TICKET_HOLDER,
};

/** Impersonation by a named person: the session and its JWTs carry the actor as given. */
export const ACTOR_TOKEN_KIND: TicketKind = {
  name: 'actor_token',
  idKind: 'actorToken',
  label: 'Actor token',
  cannotBeRevoked: 'actor_token_cannot_be_revoked',
  refusal: () => undefined,
  sessionActor: (_ticket, details) => ({ ...details.actor }),
  acceptedBy: (_ticket, details) => ({
    type: 'actor',
    id: typeof details.actor?.sub === 'string' ? details.actor.sub : null,
    name: null,
  }),
};

/**
 * An agent acting for a user. The session's actor names the agent and the task, so an app can tell
 * the agent from the user and restrict what it may do (docs/API.md, "The act claim").
 */
export const AGENT_TASK_KIND: TicketKind = {
  name: 'agent_task',
  idKind: 'agentTask',
  label: 'Agent task',
  cannotBeRevoked: 'agent_task_cannot_be_revoked',
  refusal: () => undefined,
  sessionActor: (ticket, details) => ({
    type: 'agent',
    sub: ticket.agent_id,
    agent_name: details.agent_name,
    task_id: ticket.id,
    permissions: '*',
  }),
  acceptedBy: (ticket, details) => ({ type: 'agent', id: ticket.agent_id, name: details.agent_name ?? null }),
};

export const TICKET_KINDS: Readonly<Record<TicketKindName, TicketKind>> = {
  test_session_token: TEST_SESSION_TOKEN_KIND,
  sign_in_token: SIGN_IN_TOKEN_KIND,
  actor_token: ACTOR_TOKEN_KIND,
  agent_task: AGENT_TASK_KIND,
};

export function ticketKindNamed(name: string): TicketKind | undefined {
  return Object.hasOwn(TICKET_KINDS, name) ? TICKET_KINDS[name as TicketKindName] : undefined;
}
