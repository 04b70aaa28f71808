import { AUDIT_EVENT_COLUMNS } from './audit-store';
import { runPrepared } from './compiled-query';
import type { Executor } from './database';
import type { AuditEventTable, SessionTable } from './schema';
import { SESSION_COLUMNS } from './sessions-store';

/** `"row"."a", "row"."b"`: a row's columns, named (a column a later migration adds takes its default). */
const columnsOfRow = (columns: readonly string[]) => columns.map((column) => `"row"."${column}"`).join(', ');
const listOf = (columns: readonly string[]) => columns.map((column) => `"${column}"`).join(', ');

/**
 * Postgres only. An acceptance in one statement instead of a transaction: on Postgres each statement
 * is a round trip, `begin` and `commit` two more (nine in all), which bounded accept (bench scenario
 * 9); SQLite has no round trips, and no data-modifying `with`, so it keeps the transaction.
 *
 * In order: the user is locked (`for no key update`, as `lockUserStatus` does, so a ban or a delete
 * in flight waits for the session or is seen) if neither banned nor locked and, for a ticket into an
 * organization, still a member; only then the single-use update moves the ticket from pending to
 * accepted, unexpired; only if it did are the session, the sign-in and the audit events written. One
 * statement is atomic: everything or, when any condition fails, nothing.
 *
 * The session and the events travel as JSON whose keys are their columns (`json_populate_record`
 * reads them by name).
 */
const ACCEPT_PENDING_TICKET = `with "user" as (
  select "id" from "users"
  where "id" = $1 and "banned" = 0 and "locked" = 0
    and ($3::text is null or exists (
      select from "organization_memberships" where "organization_id" = $3 and "user_id" = $1))
  for no key update
), "accepted" as (
  update "tickets" set "status" = 'accepted', "session_id" = $4, "updated_at" = $5
  where "id" = $2 and "status" = 'pending' and "expires_at" > $5 and exists (select from "user")
  returning "id"
), "session" as (
  insert into "sessions" (${listOf(SESSION_COLUMNS)})
  select ${columnsOfRow(SESSION_COLUMNS)}
  from "accepted", json_populate_record(null::"sessions", $6::json) as "row"
), "signed_in" as (
  update "users" set "last_sign_in_at" = $5, "last_active_at" = $5
  where "id" = $1 and exists (select from "accepted")
), "events" as (
  insert into "audit_events" (${listOf(AUDIT_EVENT_COLUMNS)})
  select ${columnsOfRow(AUDIT_EVENT_COLUMNS)}
  from "accepted", json_populate_recordset(null::"audit_events", $7::json) as "row"
)
select count(*)::integer as "accepted" from "accepted"`;

export interface AtOnceAcceptance {
  readonly ticketId: string;
  readonly userId: string;
  readonly organizationId: string | null;
  readonly session: SessionTable;
  readonly events: readonly AuditEventTable[];
  readonly now: number;
}

/**
 * Accepts a pending ticket of an active user in one statement (see above); false when it changed
 * nothing, and the caller must find out why.
 */
export async function acceptPendingTicketAtOnce(
  db: Executor,
  acceptance: AtOnceAcceptance,
): Promise<boolean> {
  const { ticketId, userId, organizationId, session, events, now } = acceptance;
  try {
    // Prepared: planning this statement cost Postgres about as much CPU as running it.
    const rows = await runPrepared<{ accepted: number }>(
      db,
      'tessera_accept_pending_ticket',
      ACCEPT_PENDING_TICKET,
      [userId, ticketId, organizationId, session.id, now, JSON.stringify(session), JSON.stringify(events)],
    );
    return rows[0]?.accepted === 1;
  } catch (error) {
    if (leftToTheTransaction(error)) return false;
    throw error;
  }
}

/**
 * What this statement may fail on that the transaction does not: text that JSON carries and Postgres
 * cannot turn into `text` (a lone UTF-16 surrogate in an agent's name: class 22, data exception), a
 * prepared statement a pooler lost (26000) or whose plan went stale (0A000). One statement writes
 * nothing when it fails, so the transaction, with plain parameters, takes over.
 */
function leftToTheTransaction(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code === '26000' || code === '0A000');
}
