import {
  type Infer,
  type listPermissionsQuery,
  type PermissionJSON,
  permissionObject,
  type CreatePermissionParams as WireCreateParams,
  type UpdatePermissionParams as WireUpdateParams,
} from '@tessera/wire';
import type { Requester } from '../client/request';
import type { CamelParams } from '../internal/case';
import type { DeletedObject } from '../resources/deleted-object';
import { OrganizationPermission, toOrganizationPermission } from '../resources/organization-permission';
import { type CrudApi, createCrudApi } from './crud';

/**
 * A new permission: its key (`org:<feature>:<action>`), name and description.
 *
 * @example
 * ```ts
 * const params: CreateOrganizationPermissionParams = { key: 'org:invoices:read', name: 'Read invoices' };
 * ```
 */
export type CreateOrganizationPermissionParams = CamelParams<WireCreateParams>;

/**
 * Fields of a permission to change (not of a system one).
 *
 * @example
 * ```ts
 * const params: UpdateOrganizationPermissionParams = { description: 'See every invoice' };
 * ```
 */
export type UpdateOrganizationPermissionParams = CamelParams<WireUpdateParams>;

/**
 * Filters and paging of `organizationPermissions.list`.
 *
 * @example
 * ```ts
 * const params: ListOrganizationPermissionsParams = { query: 'invoices' };
 * ```
 */
export type ListOrganizationPermissionsParams = Omit<
  CamelParams<Infer<typeof listPermissionsQuery>>,
  'paginated'
>;

/**
 * `client.organizationPermissions`: the permissions roles can grant, tessera's system ones
 * (`org:sys_...`, unchangeable) and yours.
 *
 * @example
 * ```ts
 * const permission = await client.organizationPermissions.create({ key: 'org:invoices:read', name: 'Read invoices' });
 * const { data } = await client.organizationPermissions.list({ query: 'invoices' });
 * ```
 */
export interface OrganizationPermissionsApi
  extends CrudApi<
    OrganizationPermission,
    CreateOrganizationPermissionParams,
    UpdateOrganizationPermissionParams,
    ListOrganizationPermissionsParams,
    DeletedObject<'permission'>
  > {}

export function createOrganizationPermissionsApi(request: Requester): OrganizationPermissionsApi {
  return createCrudApi<
    PermissionJSON,
    OrganizationPermission,
    'permission',
    CreateOrganizationPermissionParams,
    UpdateOrganizationPermissionParams,
    ListOrganizationPermissionsParams
  >(request, {
    path: '/organization_permissions',
    resource: 'OrganizationPermission',
    idOption: 'permissionId',
    schema: permissionObject,
    map: toOrganizationPermission,
    read: OrganizationPermission.fromJSON,
    deleted: 'permission',
  });
}
