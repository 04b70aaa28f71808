import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { compileQueriesFor } from '../compiled-query';
import type { Database } from '../schema';
import { type Dialect, errorCode } from './dialect';

/** Timestamps are bigint columns; they fit a JS number, so read them as one (pg gives strings). */
const INT8_OID = 20;
const types = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text'),
};

// Connection-level failures: refused, reset, timed out, or the server shutting down (SQLSTATE 57P0x, 08xxx).
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error/i;

/** An arbitrary constant naming tessera's advisory lock. */
const EXCLUSIVE_LOCK_ID = 0x7e55e7a;

export function openPostgres(url: string, poolSize: number): Dialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types,
    // Bounded waits: a lost database shows as a prompt 503, never a hung request.
    connectionTimeoutMillis: 3000,
    query_timeout: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // A client losing its connection emits 'error': the pool handles it for idle clients, but not for
  // one checked out between two queries of a transaction, where it would crash the process. Its next
  // query fails instead, which the server answers with a 503.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  compileQueriesFor(db, {
    dialect: 'postgres',
    prepared: async (name, text, values) => (await pool.query({ name, text, values: [...values] })).rows,
  });
  return {
    name: 'postgres',
    db,
    exclusive: (work) =>
      db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${EXCLUSIVE_LOCK_ID})`.execute(trx);
        return work(trx);
      }),
    isUniqueViolation: (error) => errorCode(error) === '23505',
    isUnavailable: (error) => {
      const code = errorCode(error) ?? '';
      return (
        UNAVAILABLE_CODES.has(code) ||
        code.startsWith('08') ||
        code.startsWith('57P') ||
        (error instanceof Error && UNAVAILABLE_MESSAGES.test(error.message))
      );
    },
    close: () => db.destroy(),
  };
}
