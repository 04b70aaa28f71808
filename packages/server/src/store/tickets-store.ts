import type { TicketStatus } from '@tessera/wire';
import { auditEventStatement } from './audit-store';
import { columnsOf, compiledOnce, runTogether } from './compiled-query';
import type { Executor } from './database';
import { limitOf, offsetOf, orderingOf, type Paging } from './paging';
import type { AuditEventTable, TicketTable } from './schema';

export interface TicketFilters {
  readonly user_id?: string;
  readonly agent_id?: string;
  readonly status?: TicketStatus;
}

/** Every column, with its SQL type: in `insert ... select`, Postgres would take a bare parameter as text. */
const TICKET_COLUMN_TYPES = {
  id: 'text',
  kind: 'text',
  user_id: 'text',
  token_hash: 'text',
  status: 'text',
  redirect_url: 'text',
  session_id: 'text',
  expires_at: 'bigint',
  session_max_duration_seconds: 'integer',
  details: 'text',
  agent_id: 'text',
  expiry_recorded: 'integer',
  organization_id: 'text',
  created_at: 'bigint',
  updated_at: 'bigint',
} as const satisfies Record<keyof TicketTable, string>;
const TICKET_COLUMNS = columnsOf<TicketTable>(TICKET_COLUMN_TYPES);

export async function insertTicket(db: Executor, ticket: TicketTable): Promise<void> {
  await db.insertInto('tickets').values(ticket).execute();
}

const insertTicketForActiveUserQuery = compiledOnce(TICKET_COLUMNS, (db, ticket: TicketTable, dialect) =>
  db
    .insertInto('tickets')
    .columns(TICKET_COLUMNS)
    .expression((eb) => {
      const user = eb
        .selectFrom('users')
        .select(
          TICKET_COLUMNS.map((column) =>
            eb.cast(eb.val(ticket[column]), TICKET_COLUMN_TYPES[column]).as(column),
          ),
        )
        .where('users.id', '=', ticket.user_id)
        .where('users.banned', '=', 0)
        .where('users.locked', '=', 0);
      // Postgres runs writers side by side: the row lock makes a ban or a delete in flight either
      // wait for this ticket (a deletion then revokes it; after a ban it is refused on accept) or be
      // seen by it. SQLite has one writer.
      return dialect === 'postgres' ? user.forShare() : user;
    }),
);

/**
 * Inserts the ticket only if its user exists and is neither banned nor locked, checked by the
 * statement that writes it: no ticket can be issued to a user deleted, banned or locked a moment before. The audit events of the
 * issue are written with it, or not at all. False when refused.
 */
export async function insertTicketForActiveUser(
  db: Executor,
  ticket: TicketTable,
  events: readonly AuditEventTable[],
): Promise<boolean> {
  return runTogether(db, [
    { ...insertTicketForActiveUserQuery.bind(db, ticket), required: true },
    ...events.map((event) => auditEventStatement(db, event)),
  ]);
}

export async function findTicketById(
  db: Executor,
  kind: string,
  id: string,
): Promise<TicketTable | undefined> {
  return db
    .selectFrom('tickets')
    .selectAll()
    .where('id', '=', id)
    .where('kind', '=', kind)
    .executeTakeFirst();
}

const findTicketForAcceptanceQuery = compiledOnce(['id'], (db, { id }: { id: string }) =>
  db.selectFrom('tickets').selectAll().where('id', '=', id),
);

/** Any kind of ticket, by the id its value carries: the value's hash is compared by the caller. */
export async function findTicketForAcceptance(db: Executor, id: string): Promise<TicketTable | undefined> {
  return (await findTicketForAcceptanceQuery(db, { id })).rows[0];
}

/** A ticket issued before values carried their id, by the hash of its value. */
export async function findLegacyTicket(db: Executor, tokenHash: string): Promise<TicketTable | undefined> {
  return db
    .selectFrom('legacy_ticket_hashes')
    .innerJoin('tickets', 'tickets.id', 'legacy_ticket_hashes.ticket_id')
    .selectAll('tickets')
    .where('legacy_ticket_hashes.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function listTickets(
  db: Executor,
  kind: string,
  filters: TicketFilters,
  paging: Paging,
): Promise<{ rows: TicketTable[]; totalCount: number }> {
  let query = db.selectFrom('tickets').where('kind', '=', kind);
  if (filters.user_id) query = query.where('user_id', '=', filters.user_id);
  if (filters.agent_id) query = query.where('agent_id', '=', filters.agent_id);
  if (filters.status) query = query.where('status', '=', filters.status);
  const { column, direction } = orderingOf<'created_at' | 'updated_at' | 'expires_at'>(
    paging.order_by,
    'created_at',
  );
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy(column, direction)
      .orderBy('id', direction)
      .limit(limitOf(paging))
      .offset(offsetOf(paging))
      .execute(),
    query.select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow(),
  ]);
  return { rows, totalCount: Number(count.count) };
}

const markTicketAcceptedQuery = compiledOnce(
  ['id', 'sessionId', 'now'],
  (db, { id, sessionId, now }: { id: string; sessionId: string; now: number }) =>
    db
      .updateTable('tickets')
      .set({ status: 'accepted', session_id: sessionId, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now),
);

/**
 * The single-use guard: only one caller can move a pending ticket to accepted, whatever the
 * concurrency or the number of nodes, because the condition and the write are one statement.
 */
export async function markTicketAccepted(
  db: Executor,
  id: string,
  sessionId: string,
  now: number,
): Promise<boolean> {
  const result = await markTicketAcceptedQuery(db, { id, sessionId, now });
  return (result.numAffectedRows ?? 0n) > 0n;
}

/** Revokes a pending ticket of this kind; false when there is none (unknown, or no longer pending). */
export async function revokeTicket(db: Executor, kind: string, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('tickets')
    .set({ status: 'revoked', updated_at: now })
    .where('id', '=', id)
    .where('kind', '=', kind)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Revokes a user's pending tickets (their deletion); returns the ones it revoked. */
export async function revokeUserTickets(
  db: Executor,
  userId: string,
  now: number,
): Promise<Pick<TicketTable, 'id' | 'kind'>[]> {
  return db
    .updateTable('tickets')
    .set({ status: 'revoked', updated_at: now })
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .returning(['id', 'kind'])
    .execute();
}

export type ExpiredTicket = Pick<TicketTable, 'id' | 'kind' | 'user_id' | 'expires_at'>;

/**
 * Marks pending tickets that expired by `now` as recorded, at most `limit` of them, and returns them
 * for the audit log (in the caller's transaction). Two nodes cannot both take one: the update is the
 * claim.
 */
export async function claimExpiredTickets(
  db: Executor,
  now: number,
  limit: number,
): Promise<ExpiredTicket[]> {
  const due = db
    .selectFrom('tickets')
    .select('id')
    .where('status', '=', 'pending')
    .where('expiry_recorded', '=', 0)
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit);
  return db
    .updateTable('tickets')
    .set({ expiry_recorded: 1 })
    .where('id', 'in', due)
    .where('expiry_recorded', '=', 0)
    .returning(['id', 'kind', 'user_id', 'expires_at'])
    .execute();
}
