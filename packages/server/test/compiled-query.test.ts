import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledOnce } from '../src/store/compiled-query';
import type { Dialect } from '../src/store/dialects/dialect';
import { openSqlite } from '../src/store/dialects/sqlite';

let dialect: Dialect;

beforeAll(async () => {
  dialect = openSqlite(':memory:');
  await sql`create table things (id text primary key, size integer not null, kind text not null)`.execute(
    dialect.db,
  );
});

afterAll(() => dialect.close());

describe('compiledOnce', () => {
  const insertThing = compiledOnce(['id', 'size'], (db, thing: { id: string; size: number }) =>
    // biome-ignore lint/suspicious/noExplicitAny: a scratch table outside tessera's schema
    (db as any).insertInto('things').values({ id: thing.id, size: thing.size, kind: 'fixed' }),
  );
  const bigThings = compiledOnce(['min'], (db, { min }: { min: number }) =>
    // biome-ignore lint/suspicious/noExplicitAny: a scratch table outside tessera's schema
    (db as any).selectFrom('things').select(['id', 'kind']).where('size', '>=', min).orderBy('id'),
  );

  it('runs the same compiled query with new values each time, constants kept', async () => {
    await insertThing(dialect.db, { id: 'a', size: 1 });
    await insertThing(dialect.db, { id: 'b', size: 5 });
    await dialect.db.transaction().execute((trx) => insertThing(trx, { id: 'c', size: 9 }));
    expect((await bigThings(dialect.db, { min: 5 })).rows).toEqual([
      { id: 'b', kind: 'fixed' },
      { id: 'c', kind: 'fixed' },
    ]);
    expect((await bigThings(dialect.db, { min: 100 })).rows).toEqual([]);
  });

  it('refuses a query in which a value does not become a parameter', async () => {
    const inlined = compiledOnce(['id'], (db, _: { id: string }) =>
      // biome-ignore lint/suspicious/noExplicitAny: a scratch table outside tessera's schema
      (db as any).selectFrom('things').selectAll().where('id', '=', sql.lit('a')),
    );
    await expect(inlined(dialect.db, { id: 'a' })).rejects.toThrow(/value "id" did not become a parameter/);
  });

  it('refuses a parameter computed from a value, which could not be filled in later', async () => {
    const concatenated = compiledOnce(['id'], (db, { id }: { id: string }) =>
      // biome-ignore lint/suspicious/noExplicitAny: a scratch table outside tessera's schema
      (db as any).selectFrom('things').selectAll().where('id', '=', id).where('kind', '=', `${id}-kind`),
    );
    const arithmetic = compiledOnce(['size'], (db, { size }: { size: number }) =>
      // biome-ignore lint/suspicious/noExplicitAny: a scratch table outside tessera's schema
      (db as any)
        .selectFrom('things')
        .selectAll()
        .where('size', '=', size)
        .where('size', '<', size * 2),
    );
    await expect(concatenated(dialect.db, { id: 'a' })).rejects.toThrow(/computed from a value/);
    await expect(arithmetic(dialect.db, { size: 1 })).rejects.toThrow(/computed from a value/);
  });
});
