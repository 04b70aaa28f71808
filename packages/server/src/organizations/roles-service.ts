import {
  type CreatePermissionParams,
  type CreateRoleParams,
  DEFAULT_ROLE_KEYS,
  SYSTEM_PERMISSION_PREFIX,
  type UpdatePermissionParams,
  type UpdateRoleParams,
} from '@tessera/wire';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { newId } from '../core/ids';
import { transactionOfUniqueWrites } from '../core/unique-transaction';
import type { Executor } from '../store/database';
import type { Paging } from '../store/paging';
import * as store from '../store/roles-store';
import type { OrganizationPermissionTable } from '../store/schema';

function keyTaken(what: string): ApiError {
  return new ApiError('form_identifier_exists', `That ${what} key is taken. Please try another.`, {
    param_name: 'key',
  });
}

function inTransaction<T>(ctx: ServerContext, work: (trx: Executor) => Promise<T>): Promise<T> {
  return transactionOfUniqueWrites(ctx, work, () => keyTaken('role or permission'));
}

function refuseSystemKey(key: string): void {
  if (key.startsWith(SYSTEM_PERMISSION_PREFIX)) {
    throw ApiError.invalidParam('key', `Keys starting with ${SYSTEM_PERMISSION_PREFIX} are tessera’s own.`);
  }
}

/** The ids of the permissions named (by key or id), or 422 naming the first unknown one. */
export async function permissionIdsOf(
  db: Executor,
  names: readonly string[],
  param = 'permissions',
): Promise<string[]> {
  const found = await store.findPermissionsByKeyOrId(db, names);
  const ids = names.map((name, index) => {
    const permission = found.find((candidate) => candidate.key === name || candidate.id === name);
    if (!permission) {
      throw ApiError.invalidParam(
        `${param}[${index}]`,
        `There is no permission ${name}; create it first (POST /v1/organization_permissions).`,
      );
    }
    return permission.id;
  });
  return [...new Set(ids)];
}

export async function createPermission(ctx: ServerContext, params: CreatePermissionParams, db?: Executor) {
  refuseSystemKey(params.key);
  const now = ctx.clock.now();
  const permission: OrganizationPermissionTable = {
    id: newId('organizationPermission', now),
    key: params.key,
    name: params.name,
    description: params.description ?? '',
    type: 'user',
    created_at: now,
    updated_at: now,
  };
  const work = async (trx: Executor) => {
    if (await store.findPermission(trx, { key: params.key })) throw keyTaken('permission');
    await store.insertPermission(trx, permission);
    return permission;
  };
  return db ? work(db) : inTransaction(ctx, work);
}

export async function getPermission(ctx: ServerContext, id: string) {
  const permission = await store.findPermission(ctx.db, { id });
  if (!permission) throw ApiError.notFound('Permission');
  return permission;
}

async function changePermission<T>(
  ctx: ServerContext,
  id: string,
  work: (trx: Executor, permission: OrganizationPermissionTable) => Promise<T>,
) {
  return inTransaction(ctx, async (trx) => {
    const permission = await store.findPermission(trx, { id });
    if (!permission) throw ApiError.notFound('Permission');
    if (permission.type === 'system') {
      throw new ApiError(
        'system_permission_immutable',
        `${permission.key} is a system permission; it cannot be changed.`,
      );
    }
    return work(trx, permission);
  });
}

export async function updatePermission(ctx: ServerContext, id: string, params: UpdatePermissionParams) {
  return changePermission(ctx, id, async (trx, permission) => {
    if (params.key !== undefined && params.key !== permission.key) {
      refuseSystemKey(params.key);
      if (await store.findPermission(trx, { key: params.key })) throw keyTaken('permission');
    }
    const changes = {
      updated_at: ctx.clock.now(),
      ...(params.key !== undefined && { key: params.key }),
      ...(params.name !== undefined && { name: params.name }),
      ...(params.description !== undefined && { description: params.description }),
    };
    await store.updatePermission(trx, id, changes);
    return { ...permission, ...changes };
  });
}

/** Deletes a custom permission; every role holding it loses it, and their next JWTs with it. */
export async function deletePermission(ctx: ServerContext, id: string): Promise<void> {
  await changePermission(ctx, id, (trx) => store.deletePermission(trx, id));
}

export function listPermissions(ctx: ServerContext, filters: store.KeyListFilters, paging: Paging) {
  return store.listPermissions(ctx.db, filters, paging);
}

export function countPermissions(ctx: ServerContext, filters: store.KeyListFilters) {
  return store.countPermissions(ctx.db, filters);
}

export async function createRole(ctx: ServerContext, params: CreateRoleParams, db?: Executor) {
  const now = ctx.clock.now();
  const work = async (trx: Executor) => {
    if (await store.findRole(trx, { key: params.key })) throw keyTaken('role');
    const permissionIds = await permissionIdsOf(trx, params.permissions ?? []);
    await store.insertRole(
      trx,
      {
        id: newId('organizationRole', now),
        key: params.key,
        name: params.name,
        description: params.description ?? null,
        is_creator_eligible: 0,
        created_at: now,
        updated_at: now,
      },
      permissionIds,
    );
    return (await store.findRole(trx, { key: params.key }))!;
  };
  return db ? work(db) : inTransaction(ctx, work);
}

export async function getRole(ctx: ServerContext, id: string) {
  const role = await store.findRole(ctx.db, { id });
  if (!role) throw ApiError.notFound('Role');
  return role;
}

async function changeRole<T>(
  ctx: ServerContext,
  id: string,
  work: (trx: Executor, role: store.RoleRecord) => Promise<T>,
) {
  return inTransaction(ctx, async (trx) => {
    const role = await store.findRole(trx, { id });
    if (!role) throw ApiError.notFound('Role');
    return work(trx, role);
  });
}

const isDefaultRole = (key: string) => (Object.values(DEFAULT_ROLE_KEYS) as string[]).includes(key);

/** A role's name, key or permissions: its members' next JWTs carry the change. */
export async function updateRole(ctx: ServerContext, id: string, params: UpdateRoleParams) {
  return changeRole(ctx, id, async (trx, role) => {
    if (params.key !== undefined && params.key !== null && params.key !== role.key) {
      if (isDefaultRole(role.key))
        throw ApiError.invalidParam('key', `The key of ${role.key} cannot change.`);
      if (await store.findRole(trx, { key: params.key })) throw keyTaken('role');
    }
    const changes = {
      updated_at: ctx.clock.now(),
      ...(params.key != null && { key: params.key }),
      ...(params.name != null && { name: params.name }),
      ...(params.description !== undefined && { description: params.description }),
    };
    await store.updateRole(trx, id, changes);
    if (params.permissions != null)
      await store.setRolePermissions(trx, id, await permissionIdsOf(trx, params.permissions));
    return (await store.findRole(trx, { id }))!;
  });
}

export async function deleteRole(ctx: ServerContext, id: string): Promise<void> {
  await changeRole(ctx, id, async (trx, role) => {
    if (isDefaultRole(role.key)) {
      throw new ApiError('default_role_undeletable', `${role.key} is a default role; it cannot be deleted.`);
    }
    if (await store.roleInUse(trx, id)) {
      throw new ApiError(
        'organization_role_in_use',
        `Members hold ${role.key}; give them another role first.`,
      );
    }
    await store.deleteRole(trx, id);
  });
}

export async function assignRolePermission(ctx: ServerContext, roleId: string, permissionId: string) {
  return changeRole(ctx, roleId, async (trx) => {
    if (!(await store.findPermission(trx, { id: permissionId }))) throw ApiError.notFound('Permission');
    await store.addRolePermission(trx, roleId, permissionId);
    return (await store.findRole(trx, { id: roleId }))!;
  });
}

export async function removeRolePermission(ctx: ServerContext, roleId: string, permissionId: string) {
  return changeRole(ctx, roleId, async (trx) => {
    await store.removeRolePermission(trx, roleId, permissionId);
    return (await store.findRole(trx, { id: roleId }))!;
  });
}

export function listRoles(ctx: ServerContext, filters: store.KeyListFilters, paging: Paging) {
  return store.listRoles(ctx.db, filters, paging);
}

export function countRoles(ctx: ServerContext, filters: store.KeyListFilters) {
  return store.countRoles(ctx.db, filters);
}
