import { type Kysely, Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import * as organizationsAndClaims from '../src/store/migrations/0007-organizations-and-claims';
import { migrationProvider } from '../src/store/migrations/index';
import type { Database } from '../src/store/schema';
import { type OpenTarget, onEveryMigrationTarget } from './support/migration-targets';
import { earlierSchema, earlierTicketRow, earlierUserRow } from './support/rows';

const BEFORE = '0006-users-locked-and-passwords';
const AFTER = '0007-organizations-and-claims';

async function migrateTo(db: Kysely<Database>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo(name);
  if (error) throw error;
}

const rolesOf = (db: Kysely<Database>) =>
  db
    .selectFrom('organization_roles')
    .innerJoin(
      'organization_role_permissions',
      'organization_role_permissions.role_id',
      'organization_roles.id',
    )
    .innerJoin(
      'organization_permissions',
      'organization_permissions.id',
      'organization_role_permissions.permission_id',
    )
    .select(['organization_roles.key as role', 'organization_permissions.key as permission'])
    .orderBy('organization_roles.key')
    .orderBy('organization_permissions.key')
    .execute();

function migrationSuite(name: string, open: OpenTarget) {
  describe(`migration 0007 on ${name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('keeps tickets without an organization, seeds the default roles once, and can run again, down and up', async () => {
      const target = await open();
      cleanup = target.cleanup;
      const db = target.dialect.db;
      await migrateTo(db, BEFORE);
      const user = earlierUserRow(`user_${'1'.repeat(27)}`, Date.now() - 60_000);
      await earlierSchema(db).insertInto('users').values(user).execute();
      const ticket = earlierTicketRow(`tst_${'1'.repeat(27)}`, user.id, Date.now());
      await earlierSchema(db).insertInto('tickets').values(ticket).execute();

      await migrateTo(db, AFTER);
      expect(await db.selectFrom('tickets').select(['id', 'organization_id']).execute()).toEqual([
        { id: ticket.id, organization_id: null },
      ]);
      const roles = await rolesOf(db);
      expect(roles.filter((row) => row.role === 'org:member')).toEqual([
        { role: 'org:member', permission: 'org:sys_memberships:read' },
      ]);
      expect(roles.filter((row) => row.role === 'org:admin')).toHaveLength(6);

      // A second run (a crash before it was recorded) adds no second set of defaults.
      await organizationsAndClaims.up(db as Kysely<unknown>);
      expect(await rolesOf(db)).toEqual(roles);

      await migrateTo(db, BEFORE);
      const tables = (await db.introspection.getTables()).map((table) => table.name);
      expect(tables).not.toContain('organizations');
      expect(tables).not.toContain('jwt_templates');
      await migrateTo(db, AFTER);
      expect(await rolesOf(db)).toHaveLength(roles.length);
    });
  });
}

onEveryMigrationTarget('migration 0007', migrationSuite);
