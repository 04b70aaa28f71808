import { type Kysely, sql } from 'kysely';

/**
 * Usernames become case-insensitive: `Tina` and `tina` are one user. A unique index on
 * `lower(username)` decides, and lookups compare `lower(username)`, which that index serves. The
 * column keeps the spelling the user gave, for display. (Usernames are ASCII by their pattern, so
 * SQLite's ASCII-only `lower` and Postgres's agree. Email addresses were always stored lower-cased.)
 *
 * The case-sensitive unique constraint from 0001 stays: the new index implies it, and dropping it
 * would mean rebuilding the table on SQLite for nothing.
 *
 * Existing users whose usernames differ only in case cannot both keep them, and which one should is
 * not ours to guess: the migration refuses, naming the users, and changes nothing. Rename one of each
 * pair with the earlier version (`PATCH /v1/users/{id}`), then start this one again. Each step is
 * safe to run a second time (`if not exists`), so a crash between them on SQLite is harmless.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const collisions = await sql<{ id: string; username: string }>`
    select id, username from users
    where lower(username) in (
      select lower(username) from users where username is not null
      group by lower(username) having count(*) > 1
    )
    order by lower(username), id
  `.execute(db);
  if (collisions.rows.length > 0) {
    const users = collisions.rows.map((row) => `${row.id} (${JSON.stringify(row.username)})`).join(', ');
    throw new Error(
      `Migration 0004 makes usernames case-insensitive, but these users' usernames differ only in case: ${users}. Rename all but one of each with the earlier version, then start again.`,
    );
  }
  await sql`create unique index if not exists users_username_lower on users (lower(username))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists users_username_lower`.execute(db);
}
