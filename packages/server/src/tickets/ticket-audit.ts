import type { AuditEntry } from '../audit/audit-log';
import type { TicketTable } from '../store/schema';
import type { TicketDetails, TicketKind } from './ticket-kinds';

/** The audit entry of an act on a ticket, with what the ticket's kind carries. */
export function ticketEntry(
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
