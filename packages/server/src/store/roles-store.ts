import { sql } from 'kysely';
import type { Executor } from './database';
import { substringMatcher } from './like';
import { limitOf, offsetOf, orderingOf, type Paging } from './paging';
import type { OrganizationPermissionTable, OrganizationRoleTable } from './schema';

/** A role with its permissions, in key order. */
export interface RoleRecord extends OrganizationRoleTable {
  readonly permissions: readonly OrganizationPermissionTable[];
}

export interface KeyListFilters {
  readonly query?: string;
}

type KeyOrderColumn = 'created_at' | 'name' | 'key';

function likeKeyOrName(query: string | undefined) {
  if (!query) return undefined;
  const { contains } = substringMatcher(query);
  return sql<boolean>`(${contains('key')} or ${contains('name')})`;
}

async function withPermissions(db: Executor, roles: readonly OrganizationRoleTable[]): Promise<RoleRecord[]> {
  if (roles.length === 0) return [];
  const links = await db
    .selectFrom('organization_role_permissions')
    .innerJoin(
      'organization_permissions',
      'organization_permissions.id',
      'organization_role_permissions.permission_id',
    )
    .selectAll('organization_permissions')
    .select('organization_role_permissions.role_id')
    .where(
      'organization_role_permissions.role_id',
      'in',
      roles.map((role) => role.id),
    )
    .orderBy('organization_permissions.key')
    .execute();
  return roles.map((role) => ({
    ...role,
    permissions: links
      .filter((link) => link.role_id === role.id)
      .map(({ role_id: _roleId, ...permission }) => permission),
  }));
}

export async function insertPermission(db: Executor, permission: OrganizationPermissionTable): Promise<void> {
  await db.insertInto('organization_permissions').values(permission).execute();
}

export async function findPermission(
  db: Executor,
  by: { id: string } | { key: string },
): Promise<OrganizationPermissionTable | undefined> {
  const query = db.selectFrom('organization_permissions').selectAll();
  return ('id' in by ? query.where('id', '=', by.id) : query.where('key', '=', by.key)).executeTakeFirst();
}

/** The permissions named by these keys or ids, as found. */
export async function findPermissionsByKeyOrId(
  db: Executor,
  keysOrIds: readonly string[],
): Promise<OrganizationPermissionTable[]> {
  if (keysOrIds.length === 0) return [];
  return db
    .selectFrom('organization_permissions')
    .selectAll()
    .where((eb) => eb.or([eb('key', 'in', [...keysOrIds]), eb('id', 'in', [...keysOrIds])]))
    .execute();
}

export async function listPermissions(db: Executor, filters: KeyListFilters, paging: Paging) {
  const { column, direction } = orderingOf<KeyOrderColumn>(paging.order_by, 'created_at');
  const like = likeKeyOrName(filters.query);
  let query = db.selectFrom('organization_permissions').selectAll();
  if (like) query = query.where(like);
  return query
    .orderBy(column, direction)
    .orderBy('id', direction)
    .limit(limitOf(paging))
    .offset(offsetOf(paging))
    .execute();
}

export async function countPermissions(db: Executor, filters: KeyListFilters): Promise<number> {
  const like = likeKeyOrName(filters.query);
  let query = db
    .selectFrom('organization_permissions')
    .select((eb) => eb.fn.countAll<number | string>().as('n'));
  if (like) query = query.where(like);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

export async function updatePermission(
  db: Executor,
  id: string,
  changes: Partial<Omit<OrganizationPermissionTable, 'id' | 'created_at' | 'type'>>,
): Promise<void> {
  await db.updateTable('organization_permissions').set(changes).where('id', '=', id).execute();
}

/** Deletes the permission; the roles holding it lose it. */
export async function deletePermission(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('organization_role_permissions').where('permission_id', '=', id).execute();
  await db.deleteFrom('organization_permissions').where('id', '=', id).execute();
}

export async function insertRole(
  db: Executor,
  role: OrganizationRoleTable,
  permissionIds: readonly string[],
): Promise<void> {
  await db.insertInto('organization_roles').values(role).execute();
  await setRolePermissions(db, role.id, permissionIds);
}

/** Replaces the role's permissions with these. */
export async function setRolePermissions(db: Executor, roleId: string, permissionIds: readonly string[]) {
  await db.deleteFrom('organization_role_permissions').where('role_id', '=', roleId).execute();
  if (permissionIds.length === 0) return;
  await db
    .insertInto('organization_role_permissions')
    .values([...new Set(permissionIds)].map((permission_id) => ({ role_id: roleId, permission_id })))
    .execute();
}

export async function addRolePermission(db: Executor, roleId: string, permissionId: string): Promise<void> {
  await db
    .insertInto('organization_role_permissions')
    .values({ role_id: roleId, permission_id: permissionId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function removeRolePermission(
  db: Executor,
  roleId: string,
  permissionId: string,
): Promise<void> {
  await db
    .deleteFrom('organization_role_permissions')
    .where('role_id', '=', roleId)
    .where('permission_id', '=', permissionId)
    .execute();
}

export async function findRole(
  db: Executor,
  by: { id: string } | { key: string },
): Promise<RoleRecord | undefined> {
  const query = db.selectFrom('organization_roles').selectAll();
  const role = await ('id' in by
    ? query.where('id', '=', by.id)
    : query.where('key', '=', by.key)
  ).executeTakeFirst();
  return role ? (await withPermissions(db, [role]))[0] : undefined;
}

export async function listRoles(
  db: Executor,
  filters: KeyListFilters,
  paging: Paging,
): Promise<RoleRecord[]> {
  const { column, direction } = orderingOf<KeyOrderColumn>(paging.order_by, 'created_at');
  const like = likeKeyOrName(filters.query);
  let query = db.selectFrom('organization_roles').selectAll();
  if (like) query = query.where(like);
  const roles = await query
    .orderBy(column, direction)
    .orderBy('id', direction)
    .limit(limitOf(paging))
    .offset(offsetOf(paging))
    .execute();
  return withPermissions(db, roles);
}

export async function countRoles(db: Executor, filters: KeyListFilters): Promise<number> {
  const like = likeKeyOrName(filters.query);
  let query = db.selectFrom('organization_roles').select((eb) => eb.fn.countAll<number | string>().as('n'));
  if (like) query = query.where(like);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

export async function updateRole(
  db: Executor,
  id: string,
  changes: Partial<Omit<OrganizationRoleTable, 'id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('organization_roles').set(changes).where('id', '=', id).execute();
}

/** Whether any membership holds this role. */
export async function roleInUse(db: Executor, roleId: string): Promise<boolean> {
  const row = await db
    .selectFrom('organization_memberships')
    .select('id')
    .where('role_id', '=', roleId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteRole(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('organization_role_permissions').where('role_id', '=', id).execute();
  await db.deleteFrom('organization_roles').where('id', '=', id).execute();
}
