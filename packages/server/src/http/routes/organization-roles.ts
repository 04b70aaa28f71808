import {
  createPermissionParams,
  createRoleParams,
  deletedPermissionObject,
  deletedRoleObject,
  listPermissionsQuery,
  listRolesQuery,
  permissionObject,
  roleObject,
  updatePermissionParams,
  updateRoleParams,
} from '@tessera/wire';
import * as roles from '../../organizations/roles-service';
import { serializePermission, serializeRole } from '../../organizations/serialize-organization';
import { defineRoute } from '../route';
import { jsonResponse, listResponse } from '../types';

const roleResponse = { kind: 'object', schema: roleObject } as const;
const permissionResponse = { kind: 'object', schema: permissionObject } as const;

export const organizationRoleRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/organization_roles',
    operationId: 'createOrganizationRole',
    summary: 'Create a role (org:<name>) holding permissions given by key or id',
    auth: 'secret',
    idempotent: true,
    body: createRoleParams,
    response: roleResponse,
    handler: async ({ ctx, body }) => jsonResponse(200, serializeRole(await roles.createRole(ctx, body))),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organization_roles',
    operationId: 'listOrganizationRoles',
    summary: 'List roles, the defaults org:admin and org:member included',
    auth: 'secret',
    query: listRolesQuery,
    response: { kind: 'list', schema: roleObject },
    handler: async ({ ctx, query }) => {
      const { limit, offset, order_by, paginated: asked, ...filters } = query;
      const paginated = asked ?? true;
      const [rows, total] = await Promise.all([
        roles.listRoles(ctx, filters, { limit, offset, order_by }),
        paginated ? roles.countRoles(ctx, filters) : Promise.resolve(0),
      ]);
      return listResponse(rows.map(serializeRole), total, paginated);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organization_roles/{id}',
    operationId: 'getOrganizationRole',
    summary: 'Retrieve a role',
    auth: 'secret',
    response: roleResponse,
    handler: async ({ ctx, params }) => jsonResponse(200, serializeRole(await roles.getRole(ctx, params.id))),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/organization_roles/{id}',
    operationId: 'updateOrganizationRole',
    summary: 'Update a role; `permissions` replaces its permissions. Members’ next JWTs carry the change',
    auth: 'secret',
    body: updateRoleParams,
    response: roleResponse,
    handler: async ({ ctx, params, body }) =>
      jsonResponse(200, serializeRole(await roles.updateRole(ctx, params.id, body))),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/organization_roles/{id}',
    operationId: 'deleteOrganizationRole',
    summary: 'Delete a role no member holds (the defaults cannot be deleted)',
    auth: 'secret',
    response: { kind: 'object', schema: deletedRoleObject },
    handler: async ({ ctx, params }) => {
      await roles.deleteRole(ctx, params.id);
      return jsonResponse(200, { object: 'role', id: params.id, deleted: true });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/organization_roles/{id}/permissions/{permission_id}',
    operationId: 'assignPermissionToOrganizationRole',
    summary: 'Give a role a permission',
    auth: 'secret',
    response: roleResponse,
    handler: async ({ ctx, params }) =>
      jsonResponse(
        200,
        serializeRole(await roles.assignRolePermission(ctx, params.id, params.permission_id)),
      ),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/organization_roles/{id}/permissions/{permission_id}',
    operationId: 'removePermissionFromOrganizationRole',
    summary: 'Take a permission from a role',
    auth: 'secret',
    response: roleResponse,
    handler: async ({ ctx, params }) =>
      jsonResponse(
        200,
        serializeRole(await roles.removeRolePermission(ctx, params.id, params.permission_id)),
      ),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/organization_permissions',
    operationId: 'createOrganizationPermission',
    summary: 'Create a custom permission org:<feature>:<action>',
    auth: 'secret',
    idempotent: true,
    body: createPermissionParams,
    response: permissionResponse,
    handler: async ({ ctx, body }) =>
      jsonResponse(200, serializePermission(await roles.createPermission(ctx, body))),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organization_permissions',
    operationId: 'listOrganizationPermissions',
    summary: 'List permissions, the system ones (org:sys_...) included',
    auth: 'secret',
    query: listPermissionsQuery,
    response: { kind: 'list', schema: permissionObject },
    handler: async ({ ctx, query }) => {
      const { limit, offset, order_by, paginated: asked, ...filters } = query;
      const paginated = asked ?? true;
      const [rows, total] = await Promise.all([
        roles.listPermissions(ctx, filters, { limit, offset, order_by }),
        paginated ? roles.countPermissions(ctx, filters) : Promise.resolve(0),
      ]);
      return listResponse(rows.map(serializePermission), total, paginated);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/organization_permissions/{id}',
    operationId: 'getOrganizationPermission',
    summary: 'Retrieve a permission',
    auth: 'secret',
    response: permissionResponse,
    handler: async ({ ctx, params }) =>
      jsonResponse(200, serializePermission(await roles.getPermission(ctx, params.id))),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/organization_permissions/{id}',
    operationId: 'updateOrganizationPermission',
    summary: 'Update a custom permission',
    auth: 'secret',
    body: updatePermissionParams,
    response: permissionResponse,
    handler: async ({ ctx, params, body }) =>
      jsonResponse(200, serializePermission(await roles.updatePermission(ctx, params.id, body))),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/organization_permissions/{id}',
    operationId: 'deleteOrganizationPermission',
    summary: 'Delete a custom permission; the roles holding it lose it',
    auth: 'secret',
    response: { kind: 'object', schema: deletedPermissionObject },
    handler: async ({ ctx, params }) => {
      await roles.deletePermission(ctx, params.id);
      return jsonResponse(200, { object: 'permission', id: params.id, deleted: true });
    },
  }),
];
