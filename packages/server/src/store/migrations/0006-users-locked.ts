import { type Kysely, sql } from 'kysely';
import { addColumnsIfMissing } from './add-columns';
import { atomically } from './atomically';

/**
 * `users.locked`: a locked user cannot be signed in (every kind of ticket is refused, as for a ban),
 * but, unlike a ban, keeps the sessions they have. Safe to run again (see `atomically`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Kysely runs a migration in a transaction on Postgres only, which tells the two apart (as in 0003).
  const postgres = db.isTransaction;
  await atomically(db, (trx) =>
    addColumnsIfMissing(trx, 'users', [['locked', sql`integer not null default 0`]], postgres),
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await atomically(db, (trx) => trx.schema.alterTable('users').dropColumn('locked').execute());
}
