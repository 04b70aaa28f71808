import { type Kysely, sql } from 'kysely';

/**
 * A ticket's value now carries the ticket's id, so acceptance finds the ticket by its primary key and
 * then compares the stored hash. The unique index on `token_hash` goes: its keys are random, so each
 * new ticket wrote a page at a random place in it, the largest share of what issuing one cost.
 *
 * Tickets still pending from before carry no id: their hashes move to `legacy_ticket_hashes`, which
 * nothing else writes and which empties as they expire.
 *
 * Kysely runs a migration in a transaction where DDL is transactional, which tells the dialects
 * apart here (`migrate` never disables that). On Postgres the constraint is dropped first: that holds
 * the table's exclusive lock, so no ticket can be written between the copy and the commit. SQLite
 * cannot drop a column's UNIQUE constraint: the table is rebuilt in a transaction of its own, and
 * Kysely records the migration in the next one, so every step is safe to run a second time.
 *
 * Nodes still running the earlier code would issue tickets this one does not find: stop them before
 * the first node of this version starts (README, "Several nodes on Postgres").
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.isTransaction) {
    await sql`alter table tickets drop constraint tickets_token_hash_key`.execute(db);
    await moveLegacyHashes(db);
  } else {
    await db.transaction().execute(async (trx) => {
      await moveLegacyHashes(trx);
      await rebuildTickets(trx, { uniqueTokenHash: false });
    });
  }
}

/** The earlier code finds tickets by the hash of the whole value, which it accepts whatever its shape. */
export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.isTransaction) {
    await sql`alter table tickets add constraint tickets_token_hash_key unique (token_hash)`.execute(db);
    await db.schema.dropTable('legacy_ticket_hashes').execute();
  } else {
    await db.transaction().execute(async (trx) => {
      await rebuildTickets(trx, { uniqueTokenHash: true });
      await trx.schema.dropTable('legacy_ticket_hashes').execute();
    });
  }
}

async function moveLegacyHashes(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('legacy_ticket_hashes')
    .ifNotExists()
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await sql`
    insert into legacy_ticket_hashes (token_hash, ticket_id, expires_at)
    select token_hash, id, expires_at from tickets where status = 'pending'
    on conflict (token_hash) do nothing
  `.execute(db);
}

/** SQLite: a copy of the table under the new definition takes the place of the old one. */
async function rebuildTickets(db: Kysely<unknown>, options: { uniqueTokenHash: boolean }): Promise<void> {
  await createTicketsTable(db, 'tickets_rebuilt', options);
  await sql`insert into tickets_rebuilt (${sql.raw(COLUMNS)}) select ${sql.raw(COLUMNS)} from tickets`.execute(
    db,
  );
  await db.schema.dropTable('tickets').execute();
  await db.schema.alterTable('tickets_rebuilt').renameTo('tickets').execute();
  await db.schema
    .createIndex('tickets_kind_created_at')
    .on('tickets')
    .columns(['kind', 'created_at'])
    .execute();
  await db.schema.createIndex('tickets_user_id').on('tickets').columns(['user_id', 'status']).execute();
}

const COLUMNS =
  'id, kind, user_id, token_hash, status, redirect_url, session_id, expires_at, session_max_duration_seconds, created_at, updated_at';

/** The tickets table as 0001 made it, with or without the unique index on `token_hash`. */
async function createTicketsTable(
  db: Kysely<unknown>,
  name: string,
  options: { uniqueTokenHash: boolean },
): Promise<void> {
  await db.schema
    .createTable(name)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => (options.uniqueTokenHash ? c.notNull().unique() : c.notNull()))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('redirect_url', 'text')
    .addColumn('session_id', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('session_max_duration_seconds', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
