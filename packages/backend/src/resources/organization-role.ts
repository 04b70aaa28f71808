import { type RoleJSON, roleObject } from '@tessera/wire';
import { type OrganizationPermission, toOrganizationPermission } from './organization-permission';
import { readWire } from './read-wire';

/**
 * A role members of an organization can have, e.g. `org:admin`, `org:member` (every instance has
 * both) or one of yours, with the permissions it grants. Timestamps are Unix milliseconds.
 *
 * @example
 * ```ts
 * const role = await client.organizationRoles.create({
 *   key: 'org:accountant',
 *   name: 'Accountant',
 *   permissions: ['org:invoices:read'],
 * });
 * role.permissions.map((permission) => permission.key); // ['org:invoices:read']
 * ```
 */
export interface OrganizationRole {
  readonly object: 'role';
  /** `role_...`. */
  readonly id: string;
  readonly key: string;
  readonly name: string;
  readonly description: string | null;
  readonly permissions: readonly OrganizationPermission[];
  readonly isCreatorEligible: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps an already validated wire object. */
export function toOrganizationRole(wire: RoleJSON): OrganizationRole {
  return Object.freeze({
    object: wire.object,
    id: wire.id,
    key: wire.key,
    name: wire.name,
    description: wire.description,
    permissions: Object.freeze(wire.permissions.map(toOrganizationPermission)),
    isCreatorEligible: wire.is_creator_eligible,
    createdAt: wire.created_at,
    updatedAt: wire.updated_at,
  });
}

/**
 * Reads a `role` object from the wire.
 *
 * @example
 * ```ts
 * const role = OrganizationRole.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const OrganizationRole = {
  fromJSON(json: unknown): OrganizationRole {
    return toOrganizationRole(readWire(roleObject, json, 'OrganizationRole'));
  },
};
