import {
  type AuditActorType,
  type AuditEventJSON,
  type AuditEventType,
  auditEventObject,
  type TicketKindName,
} from '@tessera/wire';
import { type JsonObject, readWire } from './read-wire';

/**
 * Who did what an audit event records.
 *
 * @example
 * ```ts
 * const who: AuditActor = event.actor; // { type: 'agent', id: 'agt_...', name: 'checkout-bot' }
 * ```
 */
export interface AuditActor {
  /**
   * `secret_key` (a Backend API call), `cli`, `ticket_holder` (whoever presented a ticket), `actor`
   * or `agent` (named by an actor token or agent task, on acceptance), `system` (tessera itself).
   */
  readonly type: AuditActorType;
  /** The actor's `sub` or the agent's `agt_` id; null for a key, the CLI, a ticket holder or tessera. */
  readonly id: string | null;
  /** The agent's name. */
  readonly name: string | null;
}

/**
 * One entry of the audit log: a ticket issued, accepted, refused or revoked, a session started or
 * ended, a user banned, a key rotated. Timestamps are Unix milliseconds.
 *
 * @example
 * ```ts
 * const { data } = await client.auditEvents.list({ ticketId: token.id, orderBy: '+created_at' });
 * data.map((event) => event.type); // ['ticket.issued', 'ticket.accepted']
 * ```
 */
export interface AuditEvent {
  readonly object: 'audit_event';
  readonly id: string;
  readonly type: AuditEventType;
  readonly actor: AuditActor;
  /** The user it is about: whom the ticket signs in, whose session or account it is. */
  readonly userId: string | null;
  readonly ticketId: string | null;
  readonly ticketKind: TicketKindName | null;
  readonly sessionId: string | null;
  readonly agentName: string | null;
  readonly taskDescription: string | null;
  /** Why an acceptance or a refresh was refused (an error code), or why tessera revoked a ticket. */
  readonly reason: string | null;
  /** The client of a ticket acceptance, as the server saw it. */
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** What else the type has to say, e.g. `{ kid }` of a rotation. Never a secret. */
  readonly data: JsonObject | null;
  readonly createdAt: number;
}

/** Maps an already validated wire object. */
export function toAuditEvent(wire: AuditEventJSON): AuditEvent {
  return Object.freeze({
    object: wire.object,
    id: wire.id,
    type: wire.type,
    actor: Object.freeze({ type: wire.actor.type, id: wire.actor.id, name: wire.actor.name }),
    userId: wire.user_id,
    ticketId: wire.ticket_id,
    ticketKind: wire.ticket_kind,
    sessionId: wire.session_id,
    agentName: wire.agent_name,
    taskDescription: wire.task_description,
    reason: wire.reason,
    ip: wire.ip,
    userAgent: wire.user_agent,
    data: wire.data,
    createdAt: wire.created_at,
  });
}

/**
 * Reads an `audit_event` object from the wire.
 *
 * @example
 * ```ts
 * const event = AuditEvent.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const AuditEvent = {
  fromJSON(json: unknown): AuditEvent {
    return toAuditEvent(readWire(auditEventObject, json, 'AuditEvent'));
  },
};
