import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type KyselyPlugin, Migrator, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/database';
import { migrationProvider } from '../src/store/migrations/index';
import { startTestServer } from './support/tessera';

interface SchemaEntry {
  type: string;
  name: string;
  sql: string | null;
}

let dir: string;
let files = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-migration-crash-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const newFile = () => join(dir, `tessera-${files++}.db`);

/** Tables and indexes in the order they were created, and the migrations recorded as applied. */
function schemaOf(path: string): { entries: SchemaEntry[]; applied: string[] } {
  const sqlite = new SQLite(path, { readonly: true });
  try {
    const entries = sqlite
      .prepare(
        "select type, name, sql from sqlite_master where name not like 'sqlite\\_%' escape '\\' order by type, name",
      )
      .all() as SchemaEntry[];
    const applied = (
      sqlite.prepare('select name from kysely_migration order by name').all() as { name: string }[]
    ).map((row) => row.name);
    return { entries, applied };
  } finally {
    sqlite.close();
  }
}

async function migrateCleanly(path: string): Promise<void> {
  const dialect = await openDatabase({ kind: 'sqlite', path });
  await dialect.close();
}

/** A process that dies just before its `crashAt`-th statement (counting from 1), as Kysely's migrator issues them. */
async function migrateUntilCrash(path: string, crashAt: number): Promise<{ crashed: boolean }> {
  let statements = 0;
  const crash: KyselyPlugin = {
    transformQuery(args) {
      statements++;
      if (statements === crashAt) throw new Error('the process died here');
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SQLite(path) }) });
  try {
    const { error } = await new Migrator({
      db: db.withPlugin(crash),
      provider: migrationProvider,
    }).migrateToLatest();
    return { crashed: error !== undefined };
  } finally {
    await db.destroy();
  }
}

describe('migrations after a crash on SQLite', () => {
  it('starts, with the schema of a clean database, whichever statement of the migrations the crash came before', async () => {
    const clean = newFile();
    await migrateCleanly(clean);
    const expected = schemaOf(clean);
    let crashes = 0;
    for (let crashAt = 1; ; crashAt++) {
      const path = newFile();
      const { crashed } = await migrateUntilCrash(path, crashAt);
      if (!crashed) break; // past the last statement
      crashes++;
      await migrateCleanly(path);
      expect(schemaOf(path), `a crash before statement ${crashAt}`).toEqual(expected);
    }
    expect(crashes).toBeGreaterThan(20); // every statement of 0001, 0002 and 0003 was a crash point
  });

  it('starts on a database that the earlier, non-atomic 0001 left halfway, and its schema matches a clean one', async () => {
    const clean = newFile();
    await migrateCleanly(clean);
    const expected = schemaOf(clean);
    // What a crash left behind when each step of 0001 committed alone: its first tables and indexes.
    const reference = new SQLite(clean, { readonly: true });
    const firstSteps = (
      reference
        .prepare(
          "select sql from sqlite_master where sql is not null and tbl_name in ('instance', 'signing_keys', 'users') order by rowid",
        )
        .all() as { sql: string }[]
    ).slice(0, 3);
    reference.close();
    expect(firstSteps).toHaveLength(3); // two tables and users: half of 0001
    const path = newFile();
    const halfway = new SQLite(path);
    for (const { sql } of firstSteps) halfway.exec(sql);
    halfway.close();

    const server = await startTestServer({ databaseUrl: path });
    try {
      await server.createUser({ username: 'after-the-crash' });
    } finally {
      await server.close();
    }
    expect(schemaOf(path)).toEqual(expected);
  });
});
