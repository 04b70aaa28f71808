import { type PermissionJSON, permissionObject } from '@tessera/wire';
import { readWire } from './read-wire';

/**
 * A permission a role can hold: `org:<feature>:<action>`. `system` ones (`org:sys_...`) are
 * tessera's, cannot be changed, and never appear in a JWT; `user` ones are yours. Timestamps are Unix
 * milliseconds.
 *
 * @example
 * ```ts
 * const permission = await client.organizationPermissions.create({ key: 'org:invoices:read', name: 'Read invoices' });
 * permission.type; // 'user'
 * ```
 */
export interface OrganizationPermission {
  readonly object: 'permission';
  /** `perm_...`. */
  readonly id: string;
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly type: 'system' | 'user';
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps an already validated wire object. */
export function toOrganizationPermission(wire: PermissionJSON): OrganizationPermission {
  return Object.freeze({
    object: wire.object,
    id: wire.id,
    key: wire.key,
    name: wire.name,
    description: wire.description,
    type: wire.type,
    createdAt: wire.created_at,
    updatedAt: wire.updated_at,
  });
}

/**
 * Reads a `permission` object from the wire.
 *
 * @example
 * ```ts
 * const permission = OrganizationPermission.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const OrganizationPermission = {
  fromJSON(json: unknown): OrganizationPermission {
    return toOrganizationPermission(readWire(permissionObject, json, 'OrganizationPermission'));
  },
};
