import { type Kysely, sql } from 'kysely';
import { addColumnsIfMissing } from './add-columns';
import { atomically } from './atomically';

/**
 * - `users.locked`: a locked user cannot be signed in (every kind of ticket is refused, as for a ban),
 *   but, unlike a ban, keeps the sessions they have.
 * - `users.password_digest` and `password_hasher`: a password, only ever as a digest (tessera's own
 *   scrypt, or an imported bcrypt or argon2 one, by `password_hasher`).
 * Safe to run again (see `atomically`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Kysely runs a migration in a transaction on Postgres only, which tells the two apart (as in 0003).
  const postgres = db.isTransaction;
  await atomically(db, (trx) =>
    addColumnsIfMissing(
      trx,
      'users',
      [
        ['locked', sql`integer not null default 0`],
        ['password_digest', sql`text`],
        ['password_hasher', sql`text`],
      ],
      postgres,
    ),
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await atomically(db, async (trx) => {
    for (const column of ['password_hasher', 'password_digest', 'locked']) {
      await trx.schema.alterTable('users').dropColumn(column).execute();
    }
  });
}
