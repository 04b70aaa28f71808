import { type Kysely, sql } from 'kysely';
import { newId } from '../../core/ids';
import { addColumnsIfMissing } from './add-columns';
import { atomically } from './atomically';

/** Clerk's system permissions, and which of them its two default roles hold. */
const SYSTEM_PERMISSIONS = [
  ['org:sys_profile:manage', 'Manage organization', 'Update the organization’s name, slug and logo'],
  ['org:sys_profile:delete', 'Delete organization', 'Delete the organization'],
  ['org:sys_memberships:read', 'Read members', 'See the organization’s members'],
  ['org:sys_memberships:manage', 'Manage members', 'Invite, remove and change the role of members'],
  ['org:sys_domains:read', 'Read domains', 'See the organization’s domains'],
  ['org:sys_domains:manage', 'Manage domains', 'Add, verify and remove domains'],
] as const;
const DEFAULT_ROLES = [
  [
    'org:admin',
    'Admin',
    'Can manage the organization and its members',
    SYSTEM_PERMISSIONS.map(([key]) => key),
  ],
  ['org:member', 'Member', 'Can see the organization and its members', ['org:sys_memberships:read']],
] as const;

/**
 * Organizations, their members' roles and the roles' permissions; JWT templates; the instance's
 * session token template; the active organization and custom claims of a session and of a ticket.
 * - `organization_memberships.role_id` names the role, so renaming a role's key moves its members.
 * - The default roles and system permissions are rows like any other, so a default role can be given
 *   custom permissions; they are added once, found again by key.
 * Every step is safe to run again (see `atomically`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.isTransaction;
  await atomically(db, async (trx) => {
    await trx.schema
      .createTable('organizations')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('image_url', 'text')
      .addColumn('max_allowed_memberships', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('admin_delete_enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('public_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('private_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await trx.schema
      .createIndex('organizations_created_at')
      .ifNotExists()
      .on('organizations')
      .columns(['created_at', 'id'])
      .execute();

    await trx.schema
      .createTable('organization_permissions')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await trx.schema
      .createTable('organization_roles')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('is_creator_eligible', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await trx.schema
      .createTable('organization_role_permissions')
      .ifNotExists()
      .addColumn('role_id', 'text', (c) => c.notNull())
      .addColumn('permission_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('organization_role_permissions_pk', ['role_id', 'permission_id'])
      .execute();
    await trx.schema
      .createIndex('organization_role_permissions_permission')
      .ifNotExists()
      .on('organization_role_permissions')
      .column('permission_id')
      .execute();

    await trx.schema
      .createTable('organization_memberships')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('role_id', 'text', (c) => c.notNull())
      .addColumn('public_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('private_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('organization_memberships_org_user', ['organization_id', 'user_id'])
      .execute();
    await trx.schema
      .createIndex('organization_memberships_user')
      .ifNotExists()
      .on('organization_memberships')
      .columns(['user_id', 'created_at'])
      .execute();
    await trx.schema
      .createIndex('organization_memberships_role')
      .ifNotExists()
      .on('organization_memberships')
      .column('role_id')
      .execute();

    await trx.schema
      .createTable('jwt_templates')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('claims', 'text', (c) => c.notNull())
      .addColumn('lifetime', 'integer', (c) => c.notNull())
      .addColumn('allowed_clock_skew', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await addColumnsIfMissing(
      trx,
      'instance',
      [
        ['session_claims', sql`text`],
        ['session_claims_updated_at', sql`bigint`],
      ],
      postgres,
    );
    await addColumnsIfMissing(
      trx,
      'sessions',
      [
        ['last_active_organization_id', sql`text`],
        ['claims', sql`text`],
      ],
      postgres,
    );
    await addColumnsIfMissing(trx, 'tickets', [['organization_id', sql`text`]], postgres);

    await seedDefaultRoles(trx, Date.now());
  });
}

async function seedDefaultRoles(db: Kysely<unknown>, now: number): Promise<void> {
  const permissionIds = new Map<string, string>();
  for (const [key, name, description] of SYSTEM_PERMISSIONS) {
    const found = await sql<{
      id: string;
    }>`select id from organization_permissions where key = ${key}`.execute(db);
    let id = found.rows[0]?.id;
    if (!id) {
      id = newId('organizationPermission', now);
      await sql`insert into organization_permissions (id, key, name, description, type, created_at, updated_at)
        values (${id}, ${key}, ${name}, ${description}, 'system', ${now}, ${now})`.execute(db);
    }
    permissionIds.set(key, id);
  }
  for (const [key, name, description, permissions] of DEFAULT_ROLES) {
    const found = await sql<{ id: string }>`select id from organization_roles where key = ${key}`.execute(db);
    if (found.rows[0]) continue;
    const id = newId('organizationRole', now);
    await sql`insert into organization_roles (id, key, name, description, is_creator_eligible, created_at, updated_at)
      values (${id}, ${key}, ${name}, ${description}, ${key === 'org:admin' ? 1 : 0}, ${now}, ${now})`.execute(
      db,
    );
    for (const permission of permissions) {
      await sql`insert into organization_role_permissions (role_id, permission_id)
        values (${id}, ${permissionIds.get(permission)!})`.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await atomically(db, async (trx) => {
    for (const table of [
      'jwt_templates',
      'organization_memberships',
      'organization_role_permissions',
      'organization_roles',
      'organization_permissions',
      'organizations',
    ]) {
      await trx.schema.dropTable(table).ifExists().execute();
    }
    await trx.schema.alterTable('tickets').dropColumn('organization_id').execute();
    await trx.schema.alterTable('sessions').dropColumn('claims').execute();
    await trx.schema.alterTable('sessions').dropColumn('last_active_organization_id').execute();
    await trx.schema.alterTable('instance').dropColumn('session_claims_updated_at').execute();
    await trx.schema.alterTable('instance').dropColumn('session_claims').execute();
  });
}
