import { type OrganizationJSON, organizationObject } from '@tessera/wire';
import { type JsonObject, readWire } from './read-wire';

/**
 * An organization: a group of users, each a member with a role. Timestamps are Unix milliseconds;
 * metadata objects are exactly as stored.
 *
 * @example
 * ```ts
 * const organization = await client.organizations.create({ name: 'Acme', createdBy: user.id });
 * organization.slug; // 'acme'
 * ```
 */
export interface Organization {
  readonly object: 'organization';
  /** `org_...`. */
  readonly id: string;
  readonly name: string;
  /** Lower-case letters, digits and `-`; unique on the instance. */
  readonly slug: string;
  readonly imageUrl: string | null;
  readonly hasImage: boolean;
  /** The number of members, when asked for (`includeMembersCount`); null otherwise. */
  readonly membersCount: number | null;
  readonly pendingInvitationsCount: number | null;
  /** The most members it may have; 0 for no limit. */
  readonly maxAllowedMemberships: number;
  readonly adminDeleteEnabled: boolean;
  readonly publicMetadata: JsonObject;
  readonly privateMetadata: JsonObject;
  /** The user who created it (its first admin), if any. */
  readonly createdBy: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps an already validated wire object. */
export function toOrganization(wire: OrganizationJSON): Organization {
  return Object.freeze({
    object: wire.object,
    id: wire.id,
    name: wire.name,
    slug: wire.slug,
    imageUrl: wire.image_url,
    hasImage: wire.has_image,
    membersCount: wire.members_count ?? null,
    pendingInvitationsCount: wire.pending_invitations_count ?? null,
    maxAllowedMemberships: wire.max_allowed_memberships,
    adminDeleteEnabled: wire.admin_delete_enabled,
    publicMetadata: wire.public_metadata,
    privateMetadata: wire.private_metadata,
    createdBy: wire.created_by,
    createdAt: wire.created_at,
    updatedAt: wire.updated_at,
  });
}

/**
 * Reads an `organization` object from the wire.
 *
 * @example
 * ```ts
 * const organization = Organization.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const Organization = {
  fromJSON(json: unknown): Organization {
    return toOrganization(readWire(organizationObject, json, 'Organization'));
  },
};
