import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { type Driver, Kysely, SqliteDialect } from 'kysely';
import { compileQueriesFor } from '../compiled-query';
import type { Database } from '../schema';
import { type Dialect, errorCode } from './dialect';
import { LockWaitTimeout } from './fifo-mutex';
import { type Checkpointer, startCheckpointer } from './sqlite-checkpointer';
import { GroupCommitDriver } from './sqlite-group-commit';

const STATEMENT_CACHE_SIZE = 500;
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
/**
 * How long a transaction waits for the open one to end, as long as the Postgres pool waits for a
 * connection: past it the request is answered 503 (`service_unavailable`), never left hanging.
 */
export const TRANSACTION_WAIT_TIMEOUT_MS = 3000;

/** Kysely's SQLite dialect (SQL, introspection) over our own driver. */
class GroupCommitSqliteDialect extends SqliteDialect {
  constructor(
    sqlite: SQLite.Database,
    private readonly driver: GroupCommitDriver,
  ) {
    super({ database: sqlite });
  }

  override createDriver(): Driver {
    return this.driver;
  }
}

/**
 * Kysely prepares every statement again on every call, which costs more than running it. The SQL
 * text of a query is the same on every request, so the prepared statement is kept and reused (one
 * connection, queries serialised: a statement is never in use twice at once).
 */
function cachePreparedStatements(sqlite: SQLite.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const statements = new Map<string, SQLite.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = statements.get(source);
    if (statement === undefined) {
      statement = prepare(source);
      if (statements.size < STATEMENT_CACHE_SIZE) statements.set(source, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
}

export interface SqliteOptions {
  /** For tests, which cannot write 200 MB to see the backstop work. */
  readonly checkpointBackstopPages?: number;
  readonly transactionWaitTimeoutMs?: number;
}

export function openSqlite(path: string, options: SqliteOptions = {}): Dialect {
  if (path !== ':memory:') {
    // The file holds the signing private keys: only its owner may read it. SQLite gives the -wal and
    // -shm files the same mode as the database file.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    closeSync(openSync(path, 'a', 0o600));
  }
  const sqlite = new SQLite(path);
  // WAL lets readers run beside the single writer; NORMAL stays durable across a crash of the process.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  // Once checkpointed, the WAL file is cut back to this size instead of keeping its largest.
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  // A savepoint (a transaction, a unit of `runTogether`) keeps what it may undo in a statement
  // journal: in memory that costs about 3 µs a unit, in a temporary file about 25 µs. It holds only
  // the pages one unit changed.
  sqlite.pragma('temp_store = MEMORY');
  let checkpointer: Checkpointer | undefined;
  if (path !== ':memory:') checkpointer = startCheckpointer(path, sqlite, options.checkpointBackstopPages);
  cachePreparedStatements(sqlite);
  const driver = new GroupCommitDriver(sqlite, {
    waitTimeoutMs: options.transactionWaitTimeoutMs ?? TRANSACTION_WAIT_TIMEOUT_MS,
  });
  const db = new Kysely<Database>({ dialect: new GroupCommitSqliteDialect(sqlite, driver) });
  compileQueriesFor(db, {
    dialect: 'sqlite',
    direct: (query, parameters) => driver.runStatement(query, parameters),
    together: (statements) => driver.runTogether(statements),
  });
  return {
    name: 'sqlite',
    db,
    // One connection, and the driver runs one transaction at a time: a transaction is already exclusive.
    exclusive: (work) => db.transaction().execute(work),
    isUniqueViolation: (error) => /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/.test(errorCode(error) ?? ''),
    // Busy or locked (another process), a full disk, an I/O error: nothing of the request was kept,
    // and a retry may succeed. So too a wait for this connection's open transaction that timed out.
    isUnavailable: (error) =>
      error instanceof LockWaitTimeout ||
      /^SQLITE_(BUSY|LOCKED|FULL|IOERR)(_|$)/.test(errorCode(error) ?? ''),
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}
