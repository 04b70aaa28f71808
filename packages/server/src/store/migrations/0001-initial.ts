import type { Kysely } from 'kysely';
import { atomically } from './atomically';

// `bigint` for millisecond timestamps: SQLite stores any integer; Postgres needs 64 bits.
// Every step is safe to run again: see `atomically`.
export async function up(db: Kysely<unknown>): Promise<void> {
  await atomically(db, createTables);
}

async function createTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('instance')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('secret_key_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('signing_keys')
    .ifNotExists()
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('private_key_pem', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();

  await db.schema
    .createTable('users')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('external_id', 'text')
    .addColumn('username', 'text', (c) => c.unique())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('primary_email_address_id', 'text')
    .addColumn('public_metadata', 'text', (c) => c.notNull())
    .addColumn('private_metadata', 'text', (c) => c.notNull())
    .addColumn('unsafe_metadata', 'text', (c) => c.notNull())
    .addColumn('banned', 'integer', (c) => c.notNull())
    .addColumn('last_sign_in_at', 'bigint')
    .addColumn('last_active_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('users_created_at')
    .ifNotExists()
    .on('users')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema.createIndex('users_external_id').ifNotExists().on('users').column('external_id').execute();

  await db.schema
    .createTable('email_addresses')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('email_address', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('email_addresses_user_id')
    .ifNotExists()
    .on('email_addresses')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('tickets')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('redirect_url', 'text')
    .addColumn('session_id', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('session_max_duration_seconds', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('tickets_kind_created_at')
    .ifNotExists()
    .on('tickets')
    .columns(['kind', 'created_at'])
    .execute();
  await db.schema
    .createIndex('tickets_user_id')
    .ifNotExists()
    .on('tickets')
    .columns(['user_id', 'status'])
    .execute();

  await db.schema
    .createTable('sessions')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('ticket_id', 'text')
    .addColumn('authorized_party', 'text')
    .addColumn('last_active_at', 'bigint', (c) => c.notNull())
    .addColumn('expire_at', 'bigint', (c) => c.notNull())
    .addColumn('abandon_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sessions_user_id')
    .ifNotExists()
    .on('sessions')
    .columns(['user_id', 'status'])
    .execute();
  await db.schema
    .createIndex('sessions_created_at')
    .ifNotExists()
    .on('sessions')
    .columns(['created_at', 'id'])
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .ifNotExists()
    .addColumn('key_hash', 'text', (c) => c.primaryKey())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_sealed', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('idempotency_keys_expires_at')
    .ifNotExists()
    .on('idempotency_keys')
    .column('expires_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'idempotency_keys',
    'sessions',
    'tickets',
    'email_addresses',
    'users',
    'signing_keys',
    'instance',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
