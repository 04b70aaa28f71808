import type { Kysely } from 'kysely';

/**
 * Runs a migration's steps in one transaction. Kysely does so itself where DDL is transactional by
 * its reckoning (Postgres), with the record of the migration in the same transaction. On SQLite it
 * runs the steps one statement at a time, so a crash halfway used to leave tables that made the next
 * start fail: here they commit together. Kysely still records the migration in a transaction of its
 * own, after this one, so a crash between the two runs the migration again: its steps must be safe to
 * repeat (`ifNotExists`, or a look first), which also lets a start finish what an earlier version of
 * a migration, not yet atomic, left halfway.
 */
export async function atomically(
  db: Kysely<unknown>,
  steps: (db: Kysely<unknown>) => Promise<void>,
): Promise<void> {
  if (db.isTransaction) await steps(db);
  else await db.transaction().execute(steps);
}
