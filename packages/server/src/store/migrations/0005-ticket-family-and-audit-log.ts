import { type Kysely, sql } from 'kysely';
import { addColumnsIfMissing } from './add-columns';
import { atomically } from './atomically';

/**
 * The ticket family and the audit log.
 * - `tickets.details`: what only some kinds carry (an actor token's actor, an agent task's agent name
 *   and task), as JSON; `tickets.agent_id`, an agent task's agent, to list them by agent. `tickets.expiry_recorded`: set once the audit log has recorded that a pending
 *   ticket expired; a partial index holds only the tickets still to be looked at, so housekeeping
 *   finds them without a scan and an accepted or revoked ticket leaves it.
 * - `agents`: one id per agent name.
 * - `audit_events`: who became whom, when and why; indexed for the filters the API offers.
 * Every step is safe to run again (see `atomically`): the columns are added only when missing.
 * Pending tickets that had already expired are marked recorded: they get no `ticket.expired`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Kysely runs a migration in a transaction on Postgres only, which tells the two apart (as in 0003).
  const postgres = db.isTransaction;
  await atomically(db, async (trx) => {
    await addColumnsIfMissing(
      trx,
      'tickets',
      [
        ['details', sql`text`],
        ['agent_id', sql`text`],
        ['expiry_recorded', sql`integer not null default 0`],
      ],
      postgres,
    );
    // Tickets that expired before this version are history, not news: they get no expiry event.
    await sql`update tickets set expiry_recorded = 1
      where status = 'pending' and expires_at <= ${Date.now()}`.execute(trx);
    await sql`create index if not exists tickets_unrecorded_expiry on tickets (expires_at)
      where status = 'pending' and expiry_recorded = 0`.execute(trx);
    await sql`create index if not exists tickets_agent_id on tickets (agent_id, created_at)
      where agent_id is not null`.execute(trx);

    await trx.schema
      .createTable('agents')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await trx.schema
      .createTable('audit_events')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('ticket_id', 'text')
      .addColumn('ticket_kind', 'text')
      .addColumn('session_id', 'text')
      .addColumn('agent_name', 'text')
      .addColumn('task_description', 'text')
      .addColumn('reason', 'text')
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('data', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    // (created_at, id) orders the log and serves retention's purge. The ticket and session indexes
    // hold only events that name one: the issue of a ticket, on the hot path, names no session.
    await trx.schema
      .createIndex('audit_events_created_at')
      .ifNotExists()
      .on('audit_events')
      .columns(['created_at', 'id'])
      .execute();
    await sql`create index if not exists audit_events_ticket_id on audit_events (ticket_id)
      where ticket_id is not null`.execute(trx);
    await sql`create index if not exists audit_events_session_id on audit_events (session_id)
      where session_id is not null`.execute(trx);
    // By user, except the issue of a ticket: on the hot path of creating one, this index (its keys
    // scattered over every user) would cost as much as the rest of the event. Those events are found
    // through their ticket, whose user is indexed (store/audit-store.ts).
    await sql`create index if not exists audit_events_user_id on audit_events (user_id, created_at)
      where type <> 'ticket.issued'`.execute(trx);
  });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await atomically(db, async (trx) => {
    await trx.schema.dropTable('audit_events').ifExists().execute();
    await trx.schema.dropTable('agents').ifExists().execute();
    await sql`drop index if exists tickets_unrecorded_expiry`.execute(trx);
    await sql`drop index if exists tickets_agent_id`.execute(trx);
    await trx.schema.alterTable('tickets').dropColumn('expiry_recorded').execute();
    await trx.schema.alterTable('tickets').dropColumn('agent_id').execute();
    await trx.schema.alterTable('tickets').dropColumn('details').execute();
  });
}
