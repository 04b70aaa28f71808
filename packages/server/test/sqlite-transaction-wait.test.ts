import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Dialect } from '../src/store/dialects/dialect';
import { openSqlite, TRANSACTION_WAIT_TIMEOUT_MS } from '../src/store/dialects/sqlite';
import { expectError, startTestServer } from './support/tessera';

/** A scratch table, so the test exercises the driver rather than tessera's tables. */
interface Scratch {
  items: { id: string };
}

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-transaction-wait-'));
});

afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

interface HeldTransaction {
  /** Settles once the transaction holds the lock. */
  readonly opened: Promise<void>;
  readonly end: () => void;
  readonly done: Promise<void>;
}

/** Opens a transaction that stays open until `end` is called. */
function holdTransaction(dialect: Dialect): HeldTransaction {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => {
    end = resolve;
  });
  let markOpened!: () => void;
  const opened = new Promise<void>((resolve) => {
    markOpened = resolve;
  });
  const done = dialect.db.transaction().execute(async (trx) => {
    await sql`select 1`.execute(trx);
    markOpened();
    await ended;
  });
  return { opened, end, done };
}

const failureOf = (work: Promise<unknown>): Promise<unknown> =>
  work.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('a transaction waiting on SQLite', () => {
  it('gives up after its timeout with an error the server answers 503, and the lock still works after', async () => {
    const dialect = openSqlite(join(dir, 'tessera.db'), { transactionWaitTimeoutMs: 50 });
    try {
      const db = dialect.db as unknown as Kysely<Scratch>;
      await db.schema.createTable('items').addColumn('id', 'text').execute();
      const held = holdTransaction(dialect);
      await held.opened;
      const failure = await failureOf(
        db.transaction().execute((trx) => trx.selectFrom('items').selectAll().execute()),
      );
      expect(failure).toMatchObject({ code: 'TESSERA_LOCK_WAIT_TIMEOUT' });
      expect(dialect.isUnavailable(failure)).toBe(true);
      // A statement outside any transaction waits the same way.
      const statement = await failureOf(db.insertInto('items').values({ id: 'x' }).execute());
      expect(dialect.isUnavailable(statement)).toBe(true);
      held.end();
      await held.done;
      // The waits that gave up left no trace in the queue: the next transaction runs at once.
      await db.transaction().execute((trx) => trx.insertInto('items').values({ id: 'y' }).execute());
      expect(await db.selectFrom('items').select('id').execute()).toEqual([{ id: 'y' }]);
    } finally {
      await dialect.close();
    }
  });

  it('answers a request 503 service_unavailable, with Retry-After, once the open transaction outlasts the timeout', async () => {
    const server = await startTestServer({ databaseUrl: join(dir, 'tessera.db') });
    try {
      const held = holdTransaction(server.tessera.context.dialect);
      await held.opened;
      // Only the timers: the group commit's setImmediate keeps running.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const reply = server.post('/v1/users', { username: 'waits' });
      await vi.advanceTimersByTimeAsync(TRANSACTION_WAIT_TIMEOUT_MS);
      const answered = await reply;
      expectError(answered, 503, 'service_unavailable');
      expect(answered.headers['retry-after']).toBe('1');
      vi.useRealTimers();
      held.end();
      await held.done;
      await server.createUser({ username: 'after' });
    } finally {
      vi.useRealTimers();
      await server.close();
    }
  });
});
