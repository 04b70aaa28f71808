import type { AuditEventType } from '@tessera/wire';
import { sql } from 'kysely';
import { type BoundStatement, columnsOf, compiledOnce } from './compiled-query';
import type { Executor } from './database';
import { limitOf, offsetOf, orderingOf, type Paging } from './paging';
import type { AuditEventTable } from './schema';

/** A literal, not a parameter: the planner uses the partial index only for a condition it can read. */
const ISSUED = sql.lit('ticket.issued');

export interface AuditEventFilters {
  readonly user_id?: string;
  readonly type?: AuditEventType;
  readonly ticket_id?: string;
  readonly session_id?: string;
  readonly created_after?: number;
  readonly created_before?: number;
}

export const AUDIT_EVENT_COLUMNS = columnsOf<AuditEventTable>({
  id: true,
  type: true,
  actor: true,
  user_id: true,
  ticket_id: true,
  ticket_kind: true,
  session_id: true,
  agent_name: true,
  task_description: true,
  reason: true,
  ip: true,
  user_agent: true,
  data: true,
  created_at: true,
});

// Compiled once: issuing and accepting a ticket write events on their hot paths.
const insertAuditEventQuery = compiledOnce(AUDIT_EVENT_COLUMNS, (db, event: AuditEventTable) =>
  db.insertInto('audit_events').values(event),
);

export async function insertAuditEvent(db: Executor, event: AuditEventTable): Promise<void> {
  await insertAuditEventQuery(db, event);
}

/** The insert of one event, to run with the change it records (`runTogether`). */
export function auditEventStatement(db: Executor, event: AuditEventTable): BoundStatement {
  return insertAuditEventQuery.bind(db, event);
}

export async function listAuditEvents(
  db: Executor,
  filters: AuditEventFilters,
  paging: Paging,
): Promise<{ rows: AuditEventTable[]; totalCount: number }> {
  let query = db.selectFrom('audit_events');
  const userId = filters.user_id;
  if (userId) {
    // Two halves, each on an index: audit_events_user_id holds every event but a ticket's issue,
    // which is found through the ticket (tickets_user_id).
    query = query.where((eb) =>
      eb.or([
        eb.and([eb('user_id', '=', userId), eb('type', '<>', ISSUED)]),
        eb.and([
          eb('type', '=', ISSUED),
          eb(
            'ticket_id',
            'in',
            eb.selectFrom('tickets').select('tickets.id').where('tickets.user_id', '=', userId),
          ),
        ]),
      ]),
    );
  }
  if (filters.type) query = query.where('type', '=', filters.type);
  if (filters.ticket_id) query = query.where('ticket_id', '=', filters.ticket_id);
  if (filters.session_id) query = query.where('session_id', '=', filters.session_id);
  if (filters.created_after !== undefined) query = query.where('created_at', '>', filters.created_after);
  if (filters.created_before !== undefined) query = query.where('created_at', '<', filters.created_before);
  const { direction } = orderingOf<'created_at'>(paging.order_by, 'created_at');
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy('created_at', direction)
      .orderBy('id', direction)
      .limit(limitOf(paging))
      .offset(offsetOf(paging))
      .execute(),
    query.select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow(),
  ]);
  return { rows, totalCount: Number(count.count) };
}

/** Deletes events older than `before` (retention). */
export async function purgeAuditEvents(db: Executor, before: number): Promise<void> {
  await db.deleteFrom('audit_events').where('created_at', '<', before).execute();
}
