import { type Kysely, Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import * as ticketFamily from '../src/store/migrations/0005-ticket-family-and-audit-log';
import { migrationProvider } from '../src/store/migrations/index';
import type { Database } from '../src/store/schema';
import { type OpenTarget, onEveryMigrationTarget } from './support/migration-targets';
import { earlierSchema, earlierTicketRow, earlierUserRow } from './support/rows';

const BEFORE = '0004-usernames-case-insensitive';
const AFTER = '0005-ticket-family-and-audit-log';

async function migrateTo(db: Kysely<Database>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo(name);
  if (error) throw error;
}

function ticketBefore0005(id: string, userId: string, expiresAt: number) {
  return earlierTicketRow(id, userId, expiresAt - 600_000, { expires_at: expiresAt });
}

function migrationSuite(name: string, open: OpenTarget) {
  describe(`migration 0005 on ${name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('keeps the tickets, marks those already expired as recorded, and can run again, down and up', async () => {
      const target = await open();
      cleanup = target.cleanup;
      const db = target.dialect.db;
      await migrateTo(db, BEFORE);
      const user = earlierUserRow(`user_${'1'.repeat(27)}`, Date.now() - 60_000);
      await earlierSchema(db).insertInto('users').values(user).execute();
      const now = Date.now();
      const expired = ticketBefore0005(`tst_${'1'.repeat(27)}`, user.id, now - 1000);
      const live = ticketBefore0005(`tst_${'2'.repeat(27)}`, user.id, now + 3_600_000);
      await earlierSchema(db).insertInto('tickets').values([expired, live]).execute();

      await migrateTo(db, AFTER);
      const rows = await db
        .selectFrom('tickets')
        .select(['id', 'expiry_recorded', 'details', 'agent_id'])
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { id: expired.id, expiry_recorded: 1, details: null, agent_id: null },
        { id: live.id, expiry_recorded: 0, details: null, agent_id: null },
      ]);
      // A second run (a crash before it was recorded) changes nothing.
      await ticketFamily.up(db as Kysely<unknown>);
      expect(
        await db
          .selectFrom('tickets')
          .select(['id', 'expiry_recorded', 'details', 'agent_id'])
          .orderBy('id')
          .execute(),
      ).toEqual(rows);
      await db
        .insertInto('audit_events')
        .values({
          id: `evt_${'1'.repeat(27)}`,
          type: 'ticket.issued',
          actor: '{"type":"system","id":null,"name":null}',
          user_id: user.id,
          ticket_id: live.id,
          ticket_kind: 'test_session_token',
          session_id: null,
          agent_name: null,
          task_description: null,
          reason: null,
          ip: null,
          user_agent: null,
          data: null,
          created_at: now,
        })
        .execute();

      await migrateTo(db, BEFORE);
      const tables = (await db.introspection.getTables()).map((table) => table.name);
      expect(tables).not.toContain('audit_events');
      expect(tables).not.toContain('agents');
      const columns = (await db.introspection.getTables()).find((table) => table.name === 'tickets')!.columns;
      expect(columns.map((column) => column.name)).not.toContain('details');
      const count = await sql<{ n: number | string }>`select count(*) as n from tickets`.execute(db);
      expect(Number(count.rows[0]?.n)).toBe(2);
      await migrateTo(db, AFTER);
    });
  });
}

onEveryMigrationTarget('migration 0005', migrationSuite);
