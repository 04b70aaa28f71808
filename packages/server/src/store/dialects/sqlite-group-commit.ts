import type SQLite from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SelectQueryNode,
} from 'kysely';
import type { BoundStatement } from '../compiled-query';
import { FifoMutex } from './fifo-mutex';

const TRANSACTION_SAVEPOINT = 'tessera_transaction';
const UNIT_SAVEPOINT = 'tessera_unit';

/** The statements of one SQLite transaction; whoever ran one learns its fate from `settled`. */
class Batch {
  readonly settled: Promise<void>;
  resolve!: () => void;
  reject!: (error: unknown) => void;
  /** Why the batch was lost, once it was. */
  failure: unknown;

  constructor() {
    this.settled = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = (error) => {
        this.failure = error;
        reject(error);
      };
    });
    // Every statement of the batch awaits `settled`; this only keeps a failure from counting as unhandled.
    this.settled.catch(() => {});
  }
}

function resultOf<R>(statement: SQLite.Statement, parameters: readonly unknown[]): QueryResult<R> {
  if (statement.reader) return { rows: statement.all(parameters) as R[] };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/**
 * Kysely's driver for the one better-sqlite3 connection, with group commit.
 *
 * A commit is the expensive part of a small write: SQLite writes every page the transaction changed
 * to the WAL, two system calls a page, and neighbouring writes change many of the same pages (a
 * table's last page, indexes ordered by time). Writes that arrive in the same turn of the event loop
 * (50 clients creating tokens at once) therefore share one SQLite transaction, committed when the
 * turn ends. Nothing is acknowledged early: every statement that ran in a batch, a read included,
 * settles only once its batch is committed, and fails with it if the commit fails.
 *
 * Kysely transactions run inside the batch as a savepoint, and nothing else runs while one is open
 * (a rollback must undo only its own statements). A read with no batch open runs at once: it can
 * only see committed data.
 */
export class GroupCommitDriver implements Driver {
  readonly #sqlite: SQLite.Database;
  /** Held by an open Kysely transaction, and by a commit. */
  readonly #mutex = new FifoMutex();
  /** How long a transaction, or a statement, waits for the open transaction before giving up. */
  readonly #waitTimeoutMs: number;
  #batch: Batch | undefined;
  #unit: { savepoint: SQLite.Statement; rollback: SQLite.Statement; release: SQLite.Statement } | undefined;

  constructor(sqlite: SQLite.Database, options: { readonly waitTimeoutMs: number }) {
    this.#sqlite = sqlite;
    this.#waitTimeoutMs = options.waitTimeoutMs;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Lease(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    await this.#mutex.lock(this.#waitTimeoutMs);
    lease.holdsMutex = true;
    try {
      lease.batch = this.#openBatch();
      this.#sqlite.exec(`savepoint ${TRANSACTION_SAVEPOINT}`);
    } catch (error) {
      this.#release(lease);
      throw error;
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    const batch = lease.batch;
    try {
      // A batch that failed meanwhile took the savepoint with it; `settled` tells why.
      if (batch === this.#batch) this.#sqlite.exec(`release ${TRANSACTION_SAVEPOINT}`);
    } catch (error) {
      this.#afterFailure(error);
      throw error;
    } finally {
      this.#release(lease);
    }
    await batch?.settled;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    const batch = lease.batch;
    try {
      if (batch === this.#batch && this.#sqlite.inTransaction) {
        this.#sqlite.exec(`rollback to ${TRANSACTION_SAVEPOINT}; release ${TRANSACTION_SAVEPOINT}`);
      }
    } catch (error) {
      this.#afterFailure(error);
    } finally {
      this.#release(lease);
    }
    // What made the transaction give up may be another statement of the batch: answer once it is durable.
    await batch?.settled;
  }

  // Savepoints inside a Kysely transaction (`trx.savepoint()`): the lease holds the mutex already.
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    this.runInTransaction(connection as Lease, `savepoint ${quoteName(name)}`, []);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    this.runInTransaction(connection as Lease, `rollback to ${quoteName(name)}`, []);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    this.runInTransaction(connection as Lease, `release ${quoteName(name)}`, []);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    this.#release(connection as Lease);
  }

  /** Commits what is pending, then closes the connection. */
  async destroy(): Promise<void> {
    const batch = this.#batch;
    if (batch) {
      await this.#mutex.lock();
      try {
        this.#commit(batch);
      } finally {
        this.#mutex.unlock();
      }
    }
    this.#sqlite.close();
  }

  /** A statement outside any Kysely transaction: it waits for none to be open, and joins the batch. */
  runStatement<R>(sql: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
    if (this.#mutex.locked) {
      return this.#mutex.lock(this.#waitTimeoutMs).then(() => {
        try {
          return this.#runInBatch<R>(sql, parameters);
        } finally {
          // Held only while the statement runs, not until its batch commits.
          this.#mutex.unlock();
        }
      });
    }
    try {
      return this.#runInBatch<R>(sql, parameters);
    } catch (error) {
      return Promise.reject(error); // a statement that cannot be prepared, or a closed connection
    }
  }

  /**
   * Statements that must be kept together, outside any Kysely transaction: they run at once, one
   * after another, in a savepoint of the batch (better-sqlite3 is synchronous, so nothing else can
   * run between them), and settle with the batch. A `required` statement that changes no row undoes
   * the unit and answers false; a failing statement undoes it and fails it.
   */
  runTogether(statements: readonly BoundStatement[]): Promise<boolean> {
    if (this.#mutex.locked) {
      return this.#mutex.lock(this.#waitTimeoutMs).then(() => {
        try {
          return this.#runUnitInBatch(statements);
        } finally {
          this.#mutex.unlock();
        }
      });
    }
    return this.#runUnitInBatch(statements);
  }

  #runUnitInBatch(statements: readonly BoundStatement[]): Promise<boolean> {
    let batch: Batch;
    let kept = true;
    const unit = this.#unitStatements();
    try {
      batch = this.#openBatch();
      unit.savepoint.run();
    } catch (error) {
      this.#afterFailure(error);
      return Promise.reject(error);
    }
    try {
      for (const { sql, parameters, required } of statements) {
        const { changes } = this.#sqlite.prepare(sql).run(parameters);
        if (required && changes === 0) {
          kept = false;
          break;
        }
      }
      if (!kept) unit.rollback.run();
      unit.release.run();
    } catch (error) {
      try {
        if (this.#sqlite.inTransaction) {
          this.#sqlite.exec(`rollback to ${UNIT_SAVEPOINT}; release ${UNIT_SAVEPOINT}`);
        }
      } catch {
        // The statement's error is the one to report; a lost batch is handled below.
      }
      this.#afterFailure(error);
      return batch.settled.then(() => Promise.reject(error));
    }
    return batch.settled.then(() => kept);
  }

  /** Prepared once: `exec` would parse them again for every unit. */
  #unitStatements() {
    this.#unit ??= {
      savepoint: this.#sqlite.prepare(`savepoint ${UNIT_SAVEPOINT}`),
      rollback: this.#sqlite.prepare(`rollback to ${UNIT_SAVEPOINT}`),
      release: this.#sqlite.prepare(`release ${UNIT_SAVEPOINT}`),
    };
    return this.#unit;
  }

  /** A statement of an open Kysely transaction (the lease holds the mutex): it runs at once. */
  runInTransaction<R>(lease: Lease, sql: string, parameters: readonly unknown[]): QueryResult<R> {
    // SQLite gave up the whole batch (a full disk, say): nothing this transaction does may be kept,
    // and running on would write outside any transaction.
    if (lease.batch !== this.#batch) throw lease.batch?.failure ?? new Error('the transaction is over');
    try {
      return resultOf<R>(this.#sqlite.prepare(sql), parameters);
    } catch (error) {
      this.#afterFailure(error);
      throw error;
    }
  }

  iterate(sql: string, parameters: readonly unknown[]): IterableIterator<unknown> {
    return this.#sqlite.prepare(sql).iterate(parameters);
  }

  #runInBatch<R>(sql: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
    const statement = this.#sqlite.prepare(sql);
    if (statement.readonly && this.#batch === undefined) {
      return Promise.resolve(resultOf<R>(statement, parameters));
    }
    const batch = this.#openBatch();
    let result: QueryResult<R>;
    try {
      result = resultOf<R>(statement, parameters);
    } catch (error) {
      this.#afterFailure(error);
      // A refusal (a unique index, say) may come from another statement of the batch: once it is durable.
      return batch.settled.then(() => Promise.reject(error));
    }
    return batch.settled.then(() => result);
  }

  #openBatch(): Batch {
    if (this.#batch) return this.#batch;
    // Only a batch ever opens a transaction; one left over by a bug must not swallow the next batch.
    if (this.#sqlite.inTransaction) this.#sqlite.exec('rollback');
    this.#sqlite.exec('begin');
    const batch = new Batch();
    this.#batch = batch;
    // After this turn's I/O callbacks, so that every request read in it joins the batch.
    setImmediate(() => this.#commitWhenFree(batch));
    return batch;
  }

  #commitWhenFree(batch: Batch): void {
    if (!this.#mutex.locked) {
      this.#commit(batch);
      return;
    }
    // A transaction is open: commit right after it, ahead of anyone queued behind it.
    void this.#mutex.lockFirst().then(() => {
      try {
        this.#commit(batch);
      } finally {
        this.#mutex.unlock();
      }
    });
  }

  #commit(batch: Batch): void {
    if (this.#batch !== batch) return; // already failed
    this.#batch = undefined;
    try {
      this.#sqlite.exec('commit');
      batch.resolve();
    } catch (error) {
      try {
        if (this.#sqlite.inTransaction) this.#sqlite.exec('rollback');
      } catch {
        // The commit's error is the one to report; the connection is reset by the next batch.
      }
      batch.reject(error);
    }
  }

  /** Some errors (a full disk, an I/O error) make SQLite roll the whole transaction back: the batch is lost. */
  #afterFailure(error: unknown): void {
    const batch = this.#batch;
    if (batch && !this.#sqlite.inTransaction) {
      this.#batch = undefined;
      batch.reject(error);
    }
  }

  #release(lease: Lease): void {
    if (!lease.holdsMutex) return;
    lease.holdsMutex = false;
    this.#mutex.unlock();
  }
}

function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** What Kysely holds as a connection: inside a transaction once `beginTransaction` took the mutex. */
class Lease implements DatabaseConnection {
  holdsMutex = false;
  batch: Batch | undefined;

  constructor(private readonly driver: GroupCommitDriver) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      if (!this.holdsMutex) return this.driver.runStatement<R>(query.sql, query.parameters);
      return Promise.resolve(this.driver.runInTransaction<R>(this, query.sql, query.parameters));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(query.query)) throw new Error('SQLite can only stream select queries');
    // A stream keeps its statement busy between rows: nothing else may run meanwhile, a commit included.
    if (!this.holdsMutex) throw new Error('on SQLite, stream() runs only inside a transaction');
    for (const row of this.driver.iterate(query.sql, query.parameters)) yield { rows: [row as R] };
  }
}
