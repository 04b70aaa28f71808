import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Dialect } from '../src/store/dialects/dialect';
import { openSqlite } from '../src/store/dialects/sqlite';

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
  dialect = openSqlite(path);
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

  it('checkpoints as SQLite does at first, then copies the WAL into the file from a worker', async () => {
    const autocheckpoint = async () =>
      (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)).rows[0]
        ?.wal_autocheckpoint;
    // The worker starts a moment after opening, so as not to slow a cold start.
    expect(await autocheckpoint()).toBe(1000);
    const deadline = Date.now() + 5_000;
    while ((await autocheckpoint()) !== 0 && Date.now() < deadline) await sleep(50);
    // Once it runs, the serving connection takes no checkpoints of its own.
    expect(await autocheckpoint()).toBe(0);

    const before = statSync(path).size;
    for (let round = 0; round < 20; round++) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => insert(round * 50 + i, `row-${round}-${i}`)));
    }
    while (statSync(path).size <= before && Date.now() < deadline + 5_000) await sleep(20);
    expect(statSync(path).size).toBeGreaterThan(before);
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
