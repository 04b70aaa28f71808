import { type OrganizationMembershipJSON, organizationMembershipObject } from '@tessera/wire';
import { type Organization, toOrganization } from './organization';
import { type JsonObject, readWire } from './read-wire';

/**
 * What a membership shows of its user.
 *
 * @example
 * ```ts
 * const { userId, identifier }: OrganizationMembershipPublicUserData = membership.publicUserData;
 * ```
 */
export interface OrganizationMembershipPublicUserData {
  readonly userId: string;
  /** The user's primary email address or username. */
  readonly identifier: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly imageUrl: string;
  readonly hasImage: boolean;
}

/**
 * A user's place in an organization: a role (`org:admin`), and the permissions that role holds now.
 * Timestamps are Unix milliseconds.
 *
 * @example
 * ```ts
 * const membership = await client.organizationMemberships.create(organization.id, {
 *   userId: user.id,
 *   role: 'org:member',
 * });
 * membership.permissions; // ['org:sys_memberships:read', ...]
 * ```
 */
export interface OrganizationMembership {
  readonly object: 'organization_membership';
  /** `orgmem_...`. */
  readonly id: string;
  /** The role's key, e.g. `org:admin`. */
  readonly role: string;
  readonly roleName: string;
  /** The keys of the role's permissions, system ones (`org:sys_...`) included. */
  readonly permissions: readonly string[];
  readonly publicMetadata: JsonObject;
  readonly privateMetadata: JsonObject;
  readonly organization: Organization;
  readonly publicUserData: OrganizationMembershipPublicUserData;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps an already validated wire object. */
export function toOrganizationMembership(wire: OrganizationMembershipJSON): OrganizationMembership {
  const user = wire.public_user_data;
  return Object.freeze({
    object: wire.object,
    id: wire.id,
    role: wire.role,
    roleName: wire.role_name,
    permissions: Object.freeze([...wire.permissions]),
    publicMetadata: wire.public_metadata,
    privateMetadata: wire.private_metadata,
    organization: toOrganization(wire.organization),
    publicUserData: Object.freeze({
      userId: user.user_id,
      identifier: user.identifier,
      firstName: user.first_name,
      lastName: user.last_name,
      imageUrl: user.image_url,
      hasImage: user.has_image,
    }),
    createdAt: wire.created_at,
    updatedAt: wire.updated_at,
  });
}

/**
 * Reads an `organization_membership` object from the wire.
 *
 * @example
 * ```ts
 * const membership = OrganizationMembership.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const OrganizationMembership = {
  fromJSON(json: unknown): OrganizationMembership {
    return toOrganizationMembership(readWire(organizationMembershipObject, json, 'OrganizationMembership'));
  },
};
