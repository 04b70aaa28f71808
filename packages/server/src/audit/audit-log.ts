import type { AuditActorJSON, AuditEventJSON, AuditEventType, TicketKindName } from '@tessera/wire';
import type { ServerContext } from '../core/context';
import { newId } from '../core/ids';
import * as store from '../store/audit-store';
import type { Executor } from '../store/database';
import type { Paging } from '../store/paging';
import type { AuditEventTable } from '../store/schema';

export type AuditActor = AuditActorJSON;

/** Where a request came from, as recorded for a ticket acceptance. */
export interface ClientInfo {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** Who made a request, and from where: what every audited act is told by its route. */
export interface Caller {
  readonly actor: AuditActor;
  readonly client: ClientInfo;
}

export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: null, name: null };
export const NO_CLIENT: ClientInfo = { ip: null, userAgent: null };

/** One act to record. Only ids, names and reasons: never a ticket value, a JWT or a key. */
export interface AuditEntry {
  readonly type: AuditEventType;
  readonly actor: AuditActor;
  readonly userId?: string | null;
  readonly ticket?: { readonly id: string; readonly kind: TicketKindName } | null;
  readonly sessionId?: string | null;
  readonly agentName?: string | null;
  readonly taskDescription?: string | null;
  readonly reason?: string | null;
  readonly client?: ClientInfo;
  readonly data?: Readonly<Record<string, unknown>> | null;
}

function rowOf(entry: AuditEntry, id: string, now: number): AuditEventTable {
  return {
    id,
    type: entry.type,
    actor: JSON.stringify(entry.actor),
    user_id: entry.userId ?? null,
    ticket_id: entry.ticket?.id ?? null,
    ticket_kind: entry.ticket?.kind ?? null,
    session_id: entry.sessionId ?? null,
    agent_name: entry.agentName ?? null,
    task_description: entry.taskDescription ?? null,
    reason: entry.reason ?? null,
    ip: entry.client?.ip ?? null,
    user_agent: entry.client?.userAgent ?? null,
    data: entry.data ? JSON.stringify(entry.data) : null,
    created_at: now,
  };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The next id after `id` in sort order: its last base62 digit plus one, carrying. */
function successorOf(id: string): string {
  let end = id.length;
  let zeros = '';
  // A KSUID body never carries past its first digit in practice; the `_` stops it regardless.
  while (end > 0 && id[end - 1] === 'z') {
    end--;
    zeros += '0';
  }
  const digit = BASE62.indexOf(id[end - 1] ?? '_');
  if (digit === -1) return `${id}0`; // all carried: a longer id still sorts after
  return `${id.slice(0, end - 1)}${BASE62[digit + 1]}${zeros}`;
}

let lastEventId = '';

/**
 * Event ids sort by time to the millisecond and, within one millisecond, in the order this process
 * made them: the log reads back (by created_at, then id) in the order things happened here. Nodes
 * writing in the same millisecond interleave in no particular order.
 */
function nextEventId(now: number): string {
  const id = newId('event', now);
  lastEventId = id > lastEventId ? id : successorOf(lastEventId);
  return lastEventId;
}

/** The rows of acts, for a store function that writes them with the change they record. */
export function auditRows(entries: readonly AuditEntry[], now: number): AuditEventTable[] {
  return entries.map((entry) => rowOf(entry, nextEventId(now), now));
}

/**
 * Records acts in the caller's transaction, so the log holds an event exactly when the change it
 * records was committed, and never otherwise.
 */
export async function recordEvents(db: Executor, entries: readonly AuditEntry[], now: number): Promise<void> {
  // One compiled insert per event: building a multi-row insert costs more than running two.
  for (const row of auditRows(entries, now)) await store.insertAuditEvent(db, row);
}

export function serializeAuditEvent(row: AuditEventTable): AuditEventJSON {
  return {
    object: 'audit_event',
    id: row.id,
    type: row.type as AuditEventType,
    actor: JSON.parse(row.actor) as AuditActor,
    user_id: row.user_id,
    ticket_id: row.ticket_id,
    ticket_kind: row.ticket_kind as TicketKindName | null,
    session_id: row.session_id,
    agent_name: row.agent_name,
    task_description: row.task_description,
    reason: row.reason,
    ip: row.ip,
    user_agent: row.user_agent,
    data: row.data === null ? null : (JSON.parse(row.data) as Record<string, unknown>),
    created_at: row.created_at,
  };
}

export function listAuditEvents(ctx: ServerContext, filters: store.AuditEventFilters, paging: Paging) {
  return store.listAuditEvents(ctx.db, filters, paging);
}
