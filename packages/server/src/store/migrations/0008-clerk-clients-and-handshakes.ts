import type { Kysely } from 'kysely';
import { atomically } from './atomically';

/**
 * Clients (a browser holding sessions, found by its development-browser token) and the nonces of
 * Clerk's handshake. Tokens and nonces are stored hashed. Every step is safe to run again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await atomically(db, addClientsAndHandshakes);
}

async function addClientsAndHandshakes(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('clients')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dev_browser_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('handshake_nonces')
    .ifNotExists()
    .addColumn('nonce_hash', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('sealed_dev_browser', 'text', (c) => c.notNull())
    .addColumn('redirect_origin', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('redeemed_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('sessions_client_id')
    .ifNotExists()
    .on('sessions')
    .column('client_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('sessions_client_id').execute();
  await db.schema.dropTable('handshake_nonces').execute();
  await db.schema.dropTable('clients').execute();
}
