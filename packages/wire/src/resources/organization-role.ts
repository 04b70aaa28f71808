import { idSchema } from '../ids';
import { array, boolean, fields, type Infer, literal, nullable, object, optional, string } from '../schema';
import { orderBy, pagingQuery, timestamp } from './common';

/** A role's key: `org:` and a name, e.g. `org:admin`, `org:billing_manager`. */
export const ROLE_KEY_PATTERN = /^org:[a-z0-9_]{1,64}$/;
/** A permission's key: `org:<feature>:<action>`, e.g. `org:invoices:read`. */
export const PERMISSION_KEY_PATTERN = /^org:[a-z0-9_]{1,64}:[a-z0-9_]{1,64}$/;
/** Permissions tessera defines (`org:sys_...`); they cannot be changed, and no JWT carries them (as with Clerk). */
export const SYSTEM_PERMISSION_PREFIX = 'org:sys_';

/** The roles every instance has; they can be given other permissions but not deleted. */
export const DEFAULT_ROLE_KEYS = { admin: 'org:admin', member: 'org:member' } as const;

export const roleKeyParam = string({
  pattern: ROLE_KEY_PATTERN,
  format: 'a role key such as org:admin (org: and lower-case letters, digits or "_")',
});
export const permissionKeyParam = string({
  pattern: PERMISSION_KEY_PATTERN,
  format: 'a permission key such as org:invoices:read (org:<feature>:<action>)',
});
const name = string({ minLength: 1, maxLength: 256, printable: true });
const description = string({ maxLength: 1024, printable: true });

export const permissionObject = object({
  object: literal('permission'),
  id: idSchema('organizationPermission'),
  key: string(),
  name: string(),
  description: string(),
  type: literal('system', 'user'),
  created_at: timestamp,
  updated_at: timestamp,
});

export const roleObject = object({
  object: literal('role'),
  id: idSchema('organizationRole'),
  key: string(),
  name: string(),
  description: nullable(string()),
  permissions: array(permissionObject),
  is_creator_eligible: boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const createPermissionParams = object({
  key: permissionKeyParam,
  name,
  description: optional(description),
});

export const updatePermissionParams = object({
  key: optional(permissionKeyParam),
  name: optional(name),
  description: optional(description),
});

/** `permissions` holds permission keys or ids. */
export const createRoleParams = object({
  key: roleKeyParam,
  name,
  description: optional(nullable(description)),
  permissions: optional(nullable(array(string({ maxLength: 200 }), { maxItems: 200 }))),
  include_in_initial_role_set: optional(nullable(boolean())),
});

export const updateRoleParams = object({
  key: optional(nullable(roleKeyParam)),
  name: optional(nullable(name)),
  description: optional(nullable(description)),
  permissions: optional(nullable(array(string({ maxLength: 200 }), { maxItems: 200 }))),
});

const listQuery = fields(
  () =>
    ({
      query: optional(string({ maxLength: 256, description: 'Part of the key or name' })),
      ...pagingQuery,
      order_by: orderBy('created_at', 'name', 'key'),
    }) as const,
);

export const listRolesQuery = object(listQuery);
export const listPermissionsQuery = object(listQuery);

export const deletedRoleObject = object({
  object: literal('role'),
  id: idSchema('organizationRole'),
  deleted: boolean(),
});
export const deletedPermissionObject = object({
  object: literal('permission'),
  id: idSchema('organizationPermission'),
  deleted: boolean(),
});

export type RoleJSON = Infer<typeof roleObject>;
export type PermissionJSON = Infer<typeof permissionObject>;
export type CreateRoleParams = Infer<typeof createRoleParams>;
export type UpdateRoleParams = Infer<typeof updateRoleParams>;
export type CreatePermissionParams = Infer<typeof createPermissionParams>;
export type UpdatePermissionParams = Infer<typeof updatePermissionParams>;
