import type { Kysely } from 'kysely';
import { atomically } from './atomically';

/**
 * Handoffs carry a session to the app's origin; refresh tokens keep it alive there. Both stored hashed.
 * Every step is safe to run again: see `atomically`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await atomically(db, addHandoffs);
}

async function addHandoffs(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('session_handoffs')
    .ifNotExists()
    .addColumn('handoff_hash', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('redeemed_at', 'bigint')
    .execute();
  // No `if not exists` for a column in SQLite: look first.
  const sessions = (await db.introspection.getTables()).find((table) => table.name === 'sessions');
  if (!sessions?.columns.some((column) => column.name === 'refresh_token_hash')) {
    await db.schema.alterTable('sessions').addColumn('refresh_token_hash', 'text').execute();
  }
  await db.schema
    .createIndex('sessions_refresh_token_hash')
    .ifNotExists()
    .on('sessions')
    .column('refresh_token_hash')
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('sessions_refresh_token_hash').execute();
  await db.schema.alterTable('sessions').dropColumn('refresh_token_hash').execute();
  await db.schema.dropTable('session_handoffs').execute();
}
