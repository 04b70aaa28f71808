import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runTogether } from '../src/store/compiled-query';
import type { Dialect } from '../src/store/dialects/dialect';
import { openSqlite } from '../src/store/dialects/sqlite';

/** Small, so that the backstop is reached in a test. */
const BACKSTOP_PAGES = 2_000;

// A scratch schema, so these tests exercise the driver rather than tessera's tables.
interface Scratch {
  items: { id: number; label: string };
  children: { id: number; item_id: number };
}

let dir: string;
let path: string;
let dialect: Dialect;
let db: Kysely<Scratch>;
/** A second connection, as another process would see the file: only committed rows. */
let observer: SQLite.Database;

const committedLabels = () =>
  (observer.prepare('select label from items order by id').all() as { label: string }[]).map(
    (row) => row.label,
  );

const insert = (id: number, label: string) => db.insertInto('items').values({ id, label }).execute();

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-group-commit-'));
  path = join(dir, 'scratch.db');
  dialect = openSqlite(path, { checkpointBackstopPages: BACKSTOP_PAGES });
  db = dialect.db as unknown as Kysely<Scratch>;
  await sql`create table items (id integer primary key, label text not null unique)`.execute(db);
  // Checked at commit, so a violation fails the commit itself, not the statement.
  await sql`create table children (id integer primary key,
    item_id integer not null references items (id) deferrable initially deferred)`.execute(db);
  observer = new SQLite(path, { readonly: true });
});

afterEach(async () => {
  observer.close();
  await dialect.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('group commit on SQLite', () => {
  it('answers a write only once another connection can read it', async () => {
    const seenWhenAnswered: string[][] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        insert(index, `item-${index}`).then(() => seenWhenAnswered.push(committedLabels())),
      ),
    );
    expect(seenWhenAnswered).toHaveLength(50);
    // Written in one turn, committed together: every answer came after all 50 were durable.
    for (const seen of seenWhenAnswered) expect(seen).toHaveLength(50);
  });

  it('refuses only the statement that failed, and keeps the rest of the batch', async () => {
    const results = await Promise.allSettled([
      insert(1, 'one'),
      insert(2, 'one'), // unique violation
      insert(3, 'three'),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(committedLabels()).toEqual(['one', 'three']);
  });

  it('keeps the statements of a unit together: all of them, or none, beside the rest of the batch', async () => {
    const item = (id: number, label: string) => ({
      sql: 'insert into items (id, label) values (?, ?)',
      parameters: [id, label],
    });
    const child = (id: number, itemId: number) => ({
      sql: 'insert into children (id, item_id) select ?, ? where exists (select 1 from items where id = ?)',
      parameters: [id, itemId, itemId],
      required: true,
    });
    const results = await Promise.allSettled([
      runTogether(dialect.db, [item(30, 'kept'), child(1, 30)]),
      insert(31, 'beside'),
      // The second statement fails (a duplicate label): the first is undone with it.
      runTogether(dialect.db, [item(32, 'lost'), item(33, 'kept')]),
      // A required statement changes no row: the unit answers false and keeps nothing.
      runTogether(dialect.db, [item(34, 'refused'), child(2, 99)]),
    ]);
    const [kept, beside, failed, refused] = results;
    expect(kept).toEqual({ status: 'fulfilled', value: true });
    expect(beside?.status).toBe('fulfilled');
    expect(String((failed as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(refused).toEqual({ status: 'fulfilled', value: false });
    expect(committedLabels()).toEqual(['kept', 'beside']);
    expect(observer.prepare('select id from children').all()).toEqual([{ id: 1 }]);
    await expect(
      db.transaction().execute((trx) => runTogether(trx as unknown as typeof dialect.db, [item(35, 'x')])),
    ).rejects.toThrow(/outside a transaction/);
  });

  it('rolls a failed transaction back without touching what others wrote in the same batch', async () => {
    const failed = db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 10, label: 'in-transaction' }).execute();
      throw new Error('changed my mind');
    });
    const outside = insert(11, 'outside');
    await expect(failed).rejects.toThrow('changed my mind');
    await outside;
    expect(committedLabels()).toEqual(['outside']);
  });

  it('lets nothing else run while a transaction is open', async () => {
    const order: string[] = [];
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 20, label: 'first' }).execute();
      await sleep(20); // spans turns of the event loop and other batches' commits
      order.push('transaction done');
      throw new Error('roll back');
    });
    await sleep(1);
    const statement = insert(21, 'second').then(() => order.push('statement done'));
    await expect(transaction).rejects.toThrow('roll back');
    await statement;
    expect(order).toEqual(['transaction done', 'statement done']);
    expect(committedLabels()).toEqual(['second']);
  });

  it('commits a waiting batch right after the open transaction, ahead of transactions queued behind it', async () => {
    const committedWhenStarted: Record<number, string[]> = {};
    const slow = (id: number) =>
      db.transaction().execute(async (trx) => {
        committedWhenStarted[id] = committedLabels();
        await trx
          .insertInto('items')
          .values({ id, label: `slow-${id}` })
          .execute();
        await sleep(30);
      });
    await Promise.all([insert(60, 'quick'), slow(61), slow(62)]);
    expect(committedWhenStarted[61]).toEqual([]);
    // The batch holding `quick` and transaction 61 was committed as soon as 61 ended, before 62 ran.
    expect(committedWhenStarted[62]).toEqual(['quick', 'slow-61']);
  });

  it('ends a transaction whose batch SQLite rolled back on its own: nothing after it is written', async () => {
    await insert(70, 'taken');
    const outside = insert(71, 'same batch');
    const transaction = db.transaction().execute(async (trx) => {
      // OR ROLLBACK: on conflict SQLite abandons the whole transaction, the batch with it.
      await sql`insert or rollback into items (id, label) values (72, 'taken')`.execute(trx).catch(() => {});
      await trx.insertInto('items').values({ id: 73, label: 'after the rollback' }).execute();
    });
    await expect(transaction).rejects.toThrow(/UNIQUE/);
    await expect(outside).rejects.toThrow(/UNIQUE/);
    expect(committedLabels()).toEqual(['taken']);
    await insert(74, 'later');
    expect(committedLabels()).toEqual(['taken', 'later']);
  });

  it('commits a transaction with its batch and answers after', async () => {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 30, label: 'parent' }).execute();
      await trx.insertInto('children').values({ id: 1, item_id: 30 }).execute();
    });
    expect(committedLabels()).toEqual(['parent']);
  });

  it('fails every statement of a batch whose commit fails, and keeps none of them', async () => {
    await sql`pragma foreign_keys = on`.execute(db);
    const results = await Promise.allSettled([
      insert(40, 'innocent'),
      db.insertInto('children').values({ id: 2, item_id: 999 }).execute(), // no such item: refused at commit
      db.selectFrom('items').select('label').execute(),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const result of results) {
      expect(String((result as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    }
    expect(committedLabels()).toEqual([]);
    // The connection is usable afterwards.
    await insert(41, 'after');
    expect(committedLabels()).toEqual(['after']);
  });

  const autocheckpoint = async () =>
    (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)).rows[0]
      ?.wal_autocheckpoint;

  async function untilTheWorkerRuns(): Promise<void> {
    // From the sources the worker is the package's build (`npm run build`; `npm test` builds first).
    expect(existsSync(new URL('../dist/checkpoint-worker.js', import.meta.url)), 'run npm run build').toBe(
      true,
    );
    await vi.waitFor(async () => expect(await autocheckpoint()).toBe(BACKSTOP_PAGES), {
      timeout: 15_000,
      interval: 50,
    });
  }

  it('checkpoints as SQLite does at first, then copies the WAL into the file from a worker', async () => {
    // The worker starts a moment after opening, so as not to slow a cold start.
    expect(await autocheckpoint()).toBe(1000);
    // Once it runs, the serving connection checkpoints only as a backstop.
    await untilTheWorkerRuns();
    const before = statSync(path).size;
    for (let round = 0; round < 20; round++) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => insert(round * 50 + i, `row-${round}-${i}`)));
    }
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(before), {
      timeout: 15_000,
      interval: 20,
    });
  });

  it('keeps the WAL bounded under writes that never pause', async () => {
    await untilTheWorkerRuns();
    const wal = `${path}-wal`;
    let largest = 0;
    let id = 0;
    const label = 'x'.repeat(2_000); // about two rows a page: the WAL grows fast
    // Well past the backstop (about two rows a page, so about six times its pages if the WAL never
    // started over): a count, not a time, however loaded the machine.
    const writes = 12 * BACKSTOP_PAGES;
    while (id < writes) {
      // The next writes are issued before this batch commits: there is never a turn without one.
      const round = Array.from({ length: 20 }, () => {
        id++;
        return insert(id, `${id}-${label}`);
      });
      await Promise.all(round);
      largest = Math.max(largest, statSync(wal).size);
    }
    // The backstop's checkpoint is passive: on a loaded machine the WAL may run on some pages past it
    // before one copies it all (2.1x the backstop was seen), but it starts over long before the 6x it
    // would reach unbounded.
    expect(largest).toBeLessThan(3 * BACKSTOP_PAGES * 4096);
  });

  it('counts a busy or locked database, a full disk and I/O errors as unavailable (503), not constraints', () => {
    const withCode = (code: string) => Object.assign(new Error(code), { code });
    for (const code of [
      'SQLITE_BUSY',
      'SQLITE_BUSY_SNAPSHOT',
      'SQLITE_LOCKED',
      'SQLITE_FULL',
      'SQLITE_IOERR_WRITE',
    ]) {
      expect(dialect.isUnavailable(withCode(code))).toBe(true);
    }
    for (const code of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', 'SQLITE_BUSYNESS']) {
      expect(dialect.isUnavailable(withCode(code))).toBe(false);
    }
  });

  it('commits what is pending when closed', async () => {
    const pending = insert(50, 'last words');
    await dialect.close();
    await pending;
    const reopened = new SQLite(path, { readonly: true });
    expect(reopened.prepare('select label from items').all()).toEqual([{ label: 'last words' }]);
    reopened.close();
    dialect = openSqlite(path); // for afterEach
  });
});
