import type { Kysely } from 'kysely';
import { atomically } from './atomically';

/** Studio's sign-ins on instances where it asks for the secret key: stored hashed. Safe to run again. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await atomically(db, addStudioSessions);
}

async function addStudioSessions(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('studio_sessions')
    .ifNotExists()
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('studio_sessions').execute();
}
