import {
  type Infer,
  type listRolesQuery,
  type RoleJSON,
  roleObject,
  type CreateRoleParams as WireCreateParams,
  type UpdateRoleParams as WireUpdateParams,
} from '@tessera/wire';
import type { Requester } from '../client/request';
import type { CamelParams } from '../internal/case';
import { pathId } from '../internal/validate';
import type { DeletedObject } from '../resources/deleted-object';
import { OrganizationRole, toOrganizationRole } from '../resources/organization-role';
import { type CrudApi, createCrudApi } from './crud';

/**
 * A new role: its key (`org:` and a name), name, and the permissions it grants (keys or ids).
 *
 * @example
 * ```ts
 * const params: CreateOrganizationRoleParams = {
 *   key: 'org:accountant',
 *   name: 'Accountant',
 *   permissions: ['org:invoices:read', 'org:invoices:pay'],
 * };
 * ```
 */
export type CreateOrganizationRoleParams = CamelParams<WireCreateParams>;

/**
 * Fields of a role to change; `permissions` replaces the whole set.
 *
 * @example
 * ```ts
 * const params: UpdateOrganizationRoleParams = { name: 'Bookkeeper', permissions: ['org:invoices:read'] };
 * ```
 */
export type UpdateOrganizationRoleParams = CamelParams<WireUpdateParams>;

/**
 * Filters and paging of `organizationRoles.list` (and `organizationPermissions.list`).
 *
 * @example
 * ```ts
 * const params: ListOrganizationRolesParams = { query: 'admin', orderBy: 'key' };
 * ```
 */
export type ListOrganizationRolesParams = Omit<CamelParams<Infer<typeof listRolesQuery>>, 'paginated'>;

/**
 * `client.organizationRoles`: the roles of the instance (`org:admin` and `org:member` always exist)
 * and the permissions each grants.
 *
 * @example
 * ```ts
 * const role = await client.organizationRoles.create({ key: 'org:accountant', name: 'Accountant' });
 * await client.organizationRoles.assignPermission(role.id, permission.id);
 * ```
 */
export interface OrganizationRolesApi
  extends CrudApi<
    OrganizationRole,
    CreateOrganizationRoleParams,
    UpdateOrganizationRoleParams,
    ListOrganizationRolesParams,
    DeletedObject<'role'>
  > {
  /** `POST /v1/organization_roles/{id}/permissions/{permission_id}`: the role with the permission added. */
  assignPermission(roleId: string, permissionId: string): Promise<OrganizationRole>;
  /** `DELETE /v1/organization_roles/{id}/permissions/{permission_id}`: the role without it. */
  removePermission(roleId: string, permissionId: string): Promise<OrganizationRole>;
}

const resource = 'OrganizationRole';

export function createOrganizationRolesApi(request: Requester): OrganizationRolesApi {
  const crud = createCrudApi<
    RoleJSON,
    OrganizationRole,
    'role',
    CreateOrganizationRoleParams,
    UpdateOrganizationRoleParams,
    ListOrganizationRolesParams
  >(request, {
    path: '/organization_roles',
    resource,
    idOption: 'roleId',
    schema: roleObject,
    map: toOrganizationRole,
    read: OrganizationRole.fromJSON,
    deleted: 'role',
  });
  const permission = (method: 'POST' | 'DELETE') => async (roleId: unknown, permissionId: unknown) =>
    request({
      method,
      path: `/organization_roles/${pathId('roleId', roleId)}/permissions/${pathId('permissionId', permissionId)}`,
      resource,
      read: OrganizationRole.fromJSON,
    });
  return { ...crud, assignPermission: permission('POST'), removePermission: permission('DELETE') };
}
