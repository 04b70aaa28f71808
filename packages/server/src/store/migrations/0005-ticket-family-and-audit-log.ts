import { type Kysely, sql } from 'kysely';
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
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await atomically(db, async (trx) => {
    const tickets = (await trx.introspection.getTables()).find((table) => table.name === 'tickets');
    const has = (column: string) => tickets?.columns.some((c) => c.name === column) ?? false;
    if (!has('details')) await trx.schema.alterTable('tickets').addColumn('details', 'text').execute();
    if (!has('agent_id')) await trx.schema.alterTable('tickets').addColumn('agent_id', 'text').execute();
    if (!has('expiry_recorded')) {
      await trx.schema
        .alterTable('tickets')
        .addColumn('expiry_recorded', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    }
    await sql`create index if not exists tickets_unrecorded_expiry on tickets (expires_at)
      where status = 'pending' and expiry_recorded = 0`.execute(trx);

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
    // The id sorts by time, so (created_at, id) orders the log and serves retention's purge.
    for (const [name, columns] of [
      ['audit_events_created_at', ['created_at', 'id']],
      ['audit_events_user_id', ['user_id', 'created_at']],
      ['audit_events_ticket_id', ['ticket_id']],
      ['audit_events_session_id', ['session_id']],
    ] as const) {
      await trx.schema
        .createIndex(name)
        .ifNotExists()
        .on('audit_events')
        .columns([...columns])
        .execute();
    }
  });
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await atomically(db, async (trx) => {
    await trx.schema.dropTable('audit_events').ifExists().execute();
    await trx.schema.dropTable('agents').ifExists().execute();
    await sql`drop index if exists tickets_unrecorded_expiry`.execute(trx);
    await trx.schema.alterTable('tickets').dropColumn('expiry_recorded').execute();
    await trx.schema.alterTable('tickets').dropColumn('agent_id').execute();
    await trx.schema.alterTable('tickets').dropColumn('details').execute();
  });
}
