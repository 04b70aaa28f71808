import { idSchema } from '../ids';
import {
  fields,
  type Infer,
  integer,
  jsonObject,
  literal,
  nullable,
  object,
  optional,
  string,
} from '../schema';
import { orderBy, pagingQuery, timestamp } from './common';
import { TICKET_KINDS } from './ticket';

/** Everything the audit log records, one type per kind of act. */
export const AUDIT_EVENT_TYPES = [
  'ticket.issued',
  'ticket.accepted',
  'ticket.accept_failed',
  'ticket.revoked',
  'ticket.expired',
  'session.started',
  'session.revoked',
  'session.ended',
  'session.refresh_refused',
  'user.created',
  'user.updated',
  'user.banned',
  'user.unbanned',
  'user.locked',
  'user.unlocked',
  'user.deleted',
  'signing_key.rotated',
  'testing_token.issued',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/**
 * Who did it. `secret_key`: a Backend API call; `cli`: the same through `tessera`; `ticket_holder`:
 * whoever presented a ticket; `actor` and `agent`: the acting party named by an actor token or an
 * agent task, on acceptance; `system`: tessera itself (expiry, a redirect no longer allowed).
 */
export const AUDIT_ACTOR_TYPES = [
  'secret_key',
  'cli',
  'studio',
  'ticket_holder',
  'actor',
  'agent',
  'system',
] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

export const auditActorObject = object(
  fields(() => ({
    type: literal(...AUDIT_ACTOR_TYPES),
    /** The actor's `sub`, the agent's `agt_` id; null for a key, the CLI, a ticket holder or tessera. */
    id: nullable(string()),
    /** The agent's name. */
    name: nullable(string()),
  })),
);

export const auditEventObject = object(
  fields(() => ({
    object: literal('audit_event'),
    id: idSchema('event'),
    type: literal(...AUDIT_EVENT_TYPES),
    actor: auditActorObject,
    /** The user it is about: whom the ticket signs in, whose session or account it is. */
    user_id: nullable(string()),
    ticket_id: nullable(string()),
    ticket_kind: nullable(literal(...TICKET_KINDS)),
    session_id: nullable(string()),
    agent_name: nullable(string()),
    task_description: nullable(string()),
    /** Why an acceptance or a refresh was refused (an error code), or why tessera revoked a ticket. */
    reason: nullable(string()),
    /** The client of a ticket acceptance, as the server saw it. */
    ip: nullable(string()),
    user_agent: nullable(string()),
    /** What else the type has to say, e.g. `{ kid }` of a rotation. Never a secret. */
    data: nullable(jsonObject()),
    created_at: timestamp,
  })),
);

export const listAuditEventsQuery = object(
  fields(() => ({
    user_id: optional(idSchema('user')),
    type: optional(literal(...AUDIT_EVENT_TYPES)),
    ticket_id: optional(string({ minLength: 1, maxLength: 64 })),
    session_id: optional(idSchema('session')),
    created_after: optional(integer({ min: 0, description: 'Only events created after this Unix ms' })),
    created_before: optional(integer({ min: 0, description: 'Only events created before this Unix ms' })),
    ...pagingQuery,
    order_by: orderBy('created_at'),
  })),
);

export type AuditEventJSON = Infer<typeof auditEventObject>;
export type AuditActorJSON = Infer<typeof auditActorObject>;
export type ListAuditEventsQuery = Infer<typeof listAuditEventsQuery>;
